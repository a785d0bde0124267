import request from 'supertest';
import { PAYMENT_STATE, type PaymentStatus } from '../../src/shared/payment-model';
import { STRIPE_WEBHOOK_PATH } from '../../src/api/webhook-routes';
import { eventually } from '../support/emulator-client';
import { ADMIN_TOKEN, payloadOf, sign, useAppHarness } from '../support/api-harness';
import { paymentHandle, seedCatalogue, waitForStatus } from '../support/payment-harness';

describe('payments and catalogue API', () => {
  const suite = useAppHarness();

  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const checkout = (body: unknown) =>
    request(suite.app)
      .post('/api/v1/payments/intents')
      .set(auth)
      .send(body as object);
  const deliver = async (paymentIntentId: string, type: string) => {
    const payload = payloadOf(suite.h, paymentIntentId, type);
    await request(suite.app)
      .post(STRIPE_WEBHOOK_PATH)
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', sign(payload))
      .send(payload)
      .expect(200);
  };

  test.each([
    ['POST', '/api/v1/payments/intents'],
    ['GET', '/api/v1/payments/pi_123'],
    ['POST', '/api/v1/payments/pi_123/retry'],
    ['GET', '/api/v1/payments?state=NEEDS_ATTENTION'],
    ['PUT', '/api/v1/courses/c1'],
    ['PUT', '/api/v1/students/s1'],
  ])('when %s %s has no token or a wrong one, then 401', async (method, path) => {
    const call = (headers: Record<string, string>) =>
      request(suite.app)[method.toLowerCase() as 'get'](path).set(headers).send({});
    await expect(call({})).resolves.toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    await expect(call({ Authorization: 'Bearer wrong-token-wrong-token' })).resolves.toMatchObject({ status: 401 });
  });

  test('when the catalogue is written with bad values, then 400 names the field; good values are stored', async () => {
    const put = (path: string, body: object) => request(suite.app).put(path).set(auth).send(body);
    await expect(
      put('/api/v1/courses/c_api', { title: 'T', priceAmount: 49.5, currency: 'usd' }),
    ).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'validation_error', message: expect.stringContaining('priceAmount') as unknown } },
    });
    await expect(
      put('/api/v1/courses/c_api', { title: 'T', priceAmount: 4900, currency: 'dollars' }),
    ).resolves.toMatchObject({ status: 400 });
    await expect(
      put('/api/v1/courses/bad id!', { title: 'T', priceAmount: 4900, currency: 'usd' }),
    ).resolves.toMatchObject({ status: 400, body: { error: { code: 'invalid_id' } } });
    await expect(put('/api/v1/students/s_api', { email: 'not-an-email', name: 'N' })).resolves.toMatchObject({
      status: 400,
    });
    await expect(
      request(suite.app)
        .put('/api/v1/students/s_api')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send('{"email":'),
    ).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'malformed_json' } },
    });

    await expect(
      put('/api/v1/courses/c_api', { title: 'Rust', priceAmount: 4900, currency: 'USD' }),
    ).resolves.toMatchObject({ status: 200, body: { currency: 'usd' } });
    await expect(put('/api/v1/students/s_api', { email: 'ada@example.test', name: 'Ada' })).resolves.toMatchObject({
      status: 200,
    });
  });

  test('when a checkout intent is requested, then it is created from the catalogue price, reused while open, refused once enrolled', async () => {
    const { student, course } = await seedCatalogue(suite.h.prisma, 7300, 'eur');
    await expect(checkout({ studentId: 'nobody', courseId: course.id })).resolves.toMatchObject({
      status: 404,
      body: { error: { code: 'student_not_found' } },
    });
    await expect(checkout({ studentId: student.id, courseId: 'nothing' })).resolves.toMatchObject({
      status: 404,
      body: { error: { code: 'course_not_found' } },
    });
    await expect(checkout({ studentId: student.id })).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'validation_error' } },
    });

    const created = await checkout({ studentId: student.id, courseId: course.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ amount: 7300, currency: 'eur', status: 'requires_payment_method' });
    const { paymentIntentId, clientSecret } = created.body as { paymentIntentId: string; clientSecret: string };
    expect(clientSecret).toMatch(new RegExp(`^${paymentIntentId}_secret_`));
    const inStripe = await suite.h.stripe.paymentIntents.retrieve(paymentIntentId);
    expect(inStripe.metadata).toMatchObject({ studentId: student.id, courseId: course.id });
    await expect(checkout({ studentId: student.id, courseId: course.id })).resolves.toMatchObject({
      status: 201,
      body: { paymentIntentId },
    });

    await suite.h.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: 'pm_card_visa' });
    await deliver(paymentIntentId, 'payment_intent.succeeded');
    await expect(paymentHandle(suite.h, paymentIntentId).result()).resolves.toMatchObject({
      state: PAYMENT_STATE.ENROLLED,
    });
    await expect(checkout({ studentId: student.id, courseId: course.id })).resolves.toMatchObject({
      status: 409,
      body: { error: { code: 'already_enrolled' } },
    });

    const view = await request(suite.app).get(`/api/v1/payments/${paymentIntentId}`).set(auth);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      paymentIntent: { id: paymentIntentId, status: 'SUCCEEDED' },
      transaction: { amount: 7300, currency: 'eur', cardLast4: '4242' },
      enrollment: { status: 'ACTIVE' },
      workflow: { executionStatus: 'COMPLETED', status: { state: PAYMENT_STATE.ENROLLED } },
    });
    expect(JSON.stringify(view.body)).not.toContain(clientSecret);
  });

  test('when a payment waits for a person, then it is listed by state, retry is accepted, and retry on a finished one is 409', async () => {
    const { student, course } = await seedCatalogue(suite.h.prisma, 4900);
    const response = await checkout({ studentId: student.id, courseId: course.id });
    const id = (response.body as { paymentIntentId: string }).paymentIntentId;
    await suite.h.stripe.paymentIntents.update(id, { amount: 100 });
    await suite.h.stripe.paymentIntents.confirm(id, { payment_method: 'pm_card_visa' });
    await deliver(id, 'payment_intent.succeeded');
    await waitForStatus(suite.h, id, (s) => s.state === PAYMENT_STATE.NEEDS_ATTENTION);

    const listed = await eventually(async () => {
      const page = await request(suite.app).get('/api/v1/payments?state=NEEDS_ATTENTION&pageSize=100').set(auth);
      const found = (page.body as { payments: { paymentIntentId: string }[] }).payments.find(
        (p) => p.paymentIntentId === id,
      );
      return found ? page : undefined;
    });
    expect(listed.status).toBe(200);
    await expect(request(suite.app).get('/api/v1/payments?state=BOGUS').set(auth)).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'validation_error' } },
    });

    await expect(request(suite.app).post(`/api/v1/payments/${id}/retry`).set(auth)).resolves.toMatchObject({
      status: 202,
    });
    await waitForStatus(suite.h, id, (s: PaymentStatus) => s.attentionCount === 2);
    await paymentHandle(suite.h, id).terminate('test done');
    await expect(request(suite.app).post(`/api/v1/payments/${id}/retry`).set(auth)).resolves.toMatchObject({
      status: 409,
      body: { error: { code: 'not_waiting' } },
    });
    await expect(request(suite.app).post('/api/v1/payments/pi_never_seen/retry').set(auth)).resolves.toMatchObject({
      status: 404,
    });
    await expect(request(suite.app).get('/api/v1/payments/pi_never_seen').set(auth)).resolves.toMatchObject({
      status: 404,
      body: { error: { code: 'payment_not_found' } },
    });
  });

  test('when health, readiness and metrics are asked for, then they answer without auth', async () => {
    await expect(request(suite.app).get('/healthz')).resolves.toMatchObject({ status: 200, body: { status: 'ok' } });
    await expect(request(suite.app).get('/readyz')).resolves.toMatchObject({
      status: 200,
      body: { status: 'ready', database: 'ok', temporal: 'ok' },
    });
    const metrics = await request(suite.app).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain(
      'course_payments_webhooks_total{type="payment_intent.succeeded",outcome="dispatched"}',
    );
    expect(metrics.text).toContain('course_payments_webhook_duration_seconds_bucket');
    expect(metrics.text).toMatch(/course_payments_payment_intents\{status="SUCCEEDED"\} \d+/);
  });

  test('when a route does not exist, then 404 in the error envelope', async () => {
    await expect(request(suite.app).get('/nope')).resolves.toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
  });
});
