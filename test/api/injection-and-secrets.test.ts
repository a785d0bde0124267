import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import Stripe from 'stripe';
import { createApp } from '../../src/api/app';
import { STRIPE_WEBHOOK_PATH } from '../../src/api/webhook-routes';
import { createLogger } from '../../src/logger';
import { PAYMENT_STATE } from '../../src/shared/payment-model';
import { ADMIN_TOKEN, CURRENT_SECRET, OLD_SECRET, payloadOf, sign } from '../support/api-harness';
import { paymentHandle, startPaymentHarness, waitForStatus, type PaymentHarness } from '../support/payment-harness';
import { EMULATOR_SECRET_KEY } from '../support/emulator-client';

/** A pino destination that keeps every line. */
function captureLines(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

const SECRET_PATTERNS: [string, RegExp][] = [
  ['card number', /\b(?:4\d{15}|5[1-5]\d{14}|3[47]\d{13})\b/],
  ['client secret', /pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/],
  ['API key', /\b[sr]k_(?:test|live)_[A-Za-z0-9]+/],
  ['webhook secret', /whsec_[A-Za-z0-9_]+/],
  ['admin token', new RegExp(ADMIN_TOKEN)],
];

describe('injection and secrets', () => {
  let h: PaymentHarness;
  const logs = captureLines();
  let app: ReturnType<typeof createApp>['app'];
  beforeAll(async () => {
    h = await startPaymentHarness();
    app = createApp({
      prisma: h.prisma,
      stripe: h.stripe,
      temporal: { client: h.client, namespace: 'default', taskQueue: h.taskQueue },
      logger: createLogger('trace', 'test-api', logs.stream),
      webhookSecrets: [CURRENT_SECRET, OLD_SECRET],
      adminApiToken: ADMIN_TOKEN,
    }).app;
  });
  afterAll(() => h.stop());
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const deliver = (payload: string) =>
    request(app)
      .post(STRIPE_WEBHOOK_PATH)
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', sign(payload))
      .send(payload);

  test('when ids carry SQL, then they are refused with 400 and every table is intact', async () => {
    const before = await h.prisma.enrollment.count();
    for (const id of ["pi_x'; DROP TABLE enrollments; --", 'pi_1 OR 1=1', '../../etc/passwd']) {
      await expect(
        request(app)
          .get(`/api/v1/payments/${encodeURIComponent(id)}`)
          .set(auth),
      ).resolves.toMatchObject({ status: 400, body: { error: { code: 'invalid_id' } } });
      await expect(
        request(app)
          .put(`/api/v1/students/${encodeURIComponent(id)}`)
          .set(auth)
          .send({ email: 'a@b.test', name: 'x' }),
      ).resolves.toMatchObject({ status: 400 });
    }
    await expect(h.prisma.enrollment.count()).resolves.toBe(before);
  });

  test('when metadata carries SQL and forged log lines, then they are stored as text, logged as escaped JSON, and the payment waits for a person', async () => {
    const forged = '\n{"level":60,"msg":"forged record"}\n';
    const intent = await h.stripe.paymentIntents.create({
      amount: 999,
      currency: 'usd',
      metadata: { studentId: "x'); DROP TABLE enrollments; --", courseId: `course${forged}` },
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await expect(deliver(payloadOf(h, intent.id, 'payment_intent.succeeded'))).resolves.toMatchObject({
      status: 200,
      body: { outcome: 'dispatched' },
    });

    const status = await waitForStatus(h, intent.id, (s) => s.state === PAYMENT_STATE.NEEDS_ATTENTION);
    expect(status.lastError?.type).toBe('UnknownCourse');
    await expect(h.prisma.enrollment.count()).resolves.toBeGreaterThanOrEqual(0);
    for (const line of logs.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(logs.lines.some((line) => (JSON.parse(line) as { msg?: string }).msg === 'forged record')).toBe(false);
    await paymentHandle(h, intent.id).terminate('test done');
  });

  test('when payments run through checkout, webhooks and workflows, then no log line and no history holds a card number, client secret, API key or webhook secret', async () => {
    const ids: string[] = [];
    for (const [i, method] of ['pm_card_visa', 'pm_card_mastercard', 'pm_card_chargeDeclined'].entries()) {
      await request(app)
        .put(`/api/v1/courses/sec_course_${i}_${Date.now()}`)
        .set(auth)
        .send({ title: 'Secrets', priceAmount: 1200, currency: 'usd' });
      const courseId = (
        await h.prisma.course.findFirstOrThrow({ where: { title: 'Secrets' }, orderBy: { createdAt: 'desc' } })
      ).id;
      await request(app)
        .put(`/api/v1/students/sec_student_${i}_${Date.now()}`)
        .set(auth)
        .send({ email: 'secret@example.test', name: 'S' });
      const studentId = (
        await h.prisma.student.findFirstOrThrow({
          where: { email: 'secret@example.test' },
          orderBy: { createdAt: 'desc' },
        })
      ).id;
      const checkout = await request(app).post('/api/v1/payments/intents').set(auth).send({ studentId, courseId });
      const id = (checkout.body as { paymentIntentId: string }).paymentIntentId;
      ids.push(id);
      await h.stripe.paymentIntents.confirm(id, { payment_method: method }).catch(() => undefined);
      const type = method === 'pm_card_chargeDeclined' ? 'payment_intent.payment_failed' : 'payment_intent.succeeded';
      await deliver(payloadOf(h, id, type)).expect(200);
      await waitForStatus(
        h,
        id,
        (s) => s.state === PAYMENT_STATE.ENROLLED || (s.state === PAYMENT_STATE.PAYMENT_FAILED && s.step === 'waiting'),
      );
      await request(app).get(`/api/v1/payments/${id}`).set(auth).expect(200);
    }
    const histories = await Promise.all(
      ids.map(async (id) => JSON.stringify(await paymentHandle(h, id).fetchHistory())),
    );

    for (const [what, pattern] of SECRET_PATTERNS) {
      expect({ what, inLogs: logs.lines.filter((line) => pattern.test(line)) }).toEqual({ what, inLogs: [] });
      expect({ what, inHistory: histories.some((history) => pattern.test(history)) }).toEqual({
        what,
        inHistory: false,
      });
    }
    expect(histories.some((history) => history.includes(EMULATOR_SECRET_KEY))).toBe(false);
    await paymentHandle(h, ids[2] ?? '').terminate('test done');
  });

  test('when signatures and tokens are compared, then the comparison is crypto.timingSafeEqual (constant time)', async () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      const payload = JSON.stringify({ id: 'evt_t', object: 'event' });
      expect(() =>
        new Stripe('sk_test_x').webhooks.constructEvent(payload, sign(payload, 'whsec_a'), 'whsec_b'),
      ).toThrow();
      expect(spy).toHaveBeenCalled();
      spy.mockClear();
      await request(app).get('/api/v1/payments/pi_x').set({ Authorization: 'Bearer not-the-token-at-all' }).expect(401);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
