import request from 'supertest';
import { STRIPE_WEBHOOK_PATH } from '../../src/api/webhook-routes';
import { seededRandom } from '../../src/stripe-emulator/seeded-random';
import { CURRENT_SECRET, payloadOf, sign, useAppHarness } from '../support/api-harness';
import { createQuotedIntent } from '../support/payment-harness';

type Mutation = { kind: string; body: Buffer | string; signature?: string; contentType?: string };

/** Mutations of a real, valid delivery: none of them may be accepted as a dispatched event. */
function mutations(valid: string, random: () => number, count: number): Mutation[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const validSignature = sign(valid);
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const shapes = [
    { object: 'event', id: 42, type: 'payment_intent.succeeded', data: { object: {} } },
    { object: 'event', id: 'evt_fuzz', type: 7, data: { object: {} } },
    { object: 'event', id: 'evt_fuzz', type: 'payment_intent.succeeded', data: null },
    { object: 'event', id: 'evt_fuzz', type: 'payment_intent.succeeded' },
    { object: 'event', id: 'evt_fuzz', type: 'payment_intent.succeeded', data: { object: { id: 'pi_fuzz' } } },
    {
      object: 'event',
      id: 'evt_fuzz',
      type: 'payment_intent.succeeded',
      created: 'yesterday',
      livemode: 'yes',
      data: { object: { id: 'pi_fuzz' } },
    },
    { object: 'charge', id: 'evt_fuzz', type: 'payment_intent.succeeded', data: { object: {} } },
    [1, 2, 3],
    'just a string',
    null,
    { id: 'evt_fuzz', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: { nested: true } } } },
  ];
  const list: Mutation[] = [];
  for (let i = 0; i < count; i += 1) {
    const kind = pick([
      'bitflip',
      'truncate',
      'oversize',
      'signature',
      'duplicate-signature',
      'content-type',
      'nested',
      'shape',
      'garbage',
    ] as const);
    if (kind === 'bitflip') {
      const bytes = Buffer.from(valid);
      for (let flips = 1 + Math.floor(random() * 8); flips > 0; flips -= 1) {
        const at = Math.floor(random() * bytes.length);
        bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(random() * 8));
      }
      list.push({ kind, body: bytes, signature: validSignature });
    } else if (kind === 'truncate')
      list.push({ kind, body: valid.slice(0, Math.floor(random() * valid.length)), signature: validSignature });
    else if (kind === 'oversize') {
      const big = JSON.stringify({ pad: 'x'.repeat(520 * 1024 + Math.floor(random() * 1024)) });
      list.push({ kind, body: big, signature: sign(big) });
    } else if (kind === 'signature') {
      list.push({
        kind,
        body: valid,
        signature: pick([
          '',
          't=abc,v1=xyz',
          `t=${Date.now()}`,
          'v1=deadbeef',
          sign(valid, 'whsec_wrong'),
          validSignature.replace(/v1=./, 'v1=0'),
          'a'.repeat(5000),
        ]),
      });
    } else if (kind === 'duplicate-signature') {
      // A header sent twice reaches the app joined with ", ", as Node joins repeated headers.
      list.push({ kind, body: valid, signature: [sign(valid, 'whsec_wrong'), `t=1,v1=${'0'.repeat(64)}`].join(', ') });
    } else if (kind === 'content-type') {
      list.push({
        kind,
        body: valid,
        signature: validSignature,
        contentType: pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
        ]),
      });
    } else if (kind === 'nested') {
      const body = `{"id":"evt_n","object":"event","type":"payment_intent.succeeded","data":{"object":${nested(1000 + Math.floor(random() * 20000))}}}`;
      list.push({ kind, body, signature: sign(body) });
    } else if (kind === 'shape') {
      const body = JSON.stringify(pick(shapes));
      list.push({ kind, body, signature: sign(body, CURRENT_SECRET) });
    } else {
      const body = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 2000) }, () => Math.floor(random() * 256)),
      );
      list.push({ kind, body, signature: sign(body.toString('latin1')) });
    }
  }
  return list;
}

describe('webhook under hostile input', () => {
  const suite = useAppHarness();

  const snapshot = async () => ({
    intents: await suite.h.prisma.paymentIntent.count(),
    transactions: await suite.h.prisma.paymentTransaction.count(),
    enrollments: await suite.h.prisma.enrollment.count(),
    liveEvents: await suite.h.prisma.webhookEvent.count({ where: { outcome: { not: 'IGNORED' } } }),
    workflows: (await suite.h.client.workflow.count(`TaskQueue = '${suite.h.taskQueue}'`)).count,
  });

  test('when 2,400 mutated deliveries arrive, then each is refused with a 4xx (or 200 ignored), the process stays up, and nothing changes', async () => {
    const { intent } = await createQuotedIntent(suite.h);
    await suite.h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    const valid = payloadOf(suite.h, intent.id, 'payment_intent.succeeded');
    const before = await snapshot();
    const statuses = new Map<string, number>();

    for (const m of mutations(valid, seededRandom(2026), 2400)) {
      const req = request(suite.app)
        .post(STRIPE_WEBHOOK_PATH)
        .set('Content-Type', m.contentType ?? 'application/json');
      if (m.signature !== undefined) req.set('Stripe-Signature', m.signature);
      const response = await req.send(m.body);
      const key = `${m.kind} ${response.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      const ignored =
        response.status === 200 &&
        ['ignored', 'duplicate'].includes((response.body as { outcome?: string }).outcome ?? '');
      if (!(response.status >= 400 && response.status < 500) && !ignored) {
        throw new Error(`${m.kind} got ${response.status} ${JSON.stringify(response.body)}`);
      }
    }

    expect([...statuses.keys()].some((key) => key.startsWith('bitflip 400'))).toBe(true);
    expect([...statuses.keys()].some((key) => key.startsWith('oversize 413'))).toBe(true);
    expect([...statuses.keys()].some((key) => key.startsWith('content-type 415'))).toBe(true);
    expect([...statuses.keys()].some((key) => key.startsWith('nested 400'))).toBe(true);
    await expect(snapshot()).resolves.toEqual(before);
    await expect(request(suite.app).get('/healthz')).resolves.toMatchObject({ status: 200 });
    await expect(
      request(suite.app)
        .post(STRIPE_WEBHOOK_PATH)
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', sign(valid))
        .send(valid),
    ).resolves.toMatchObject({
      status: 200,
      body: { outcome: 'dispatched' },
    });
  }, 180_000);
});
