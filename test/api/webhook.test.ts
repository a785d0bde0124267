import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { PAYMENT_STATE, type PaymentStatus } from '../../src/shared/payment-model';
import { findFreeFixedPort } from '../../src/net/free-port';
import { startTemporalDevServer } from '../../src/temporal/dev-server';
import { requireTemporalCli } from '../../src/tools/tool-paths';
import { STRIPE_WEBHOOK_PATH } from '../../src/api/webhook-routes';
import { appFor, OLD_SECRET, payloadOf, sign, useAppHarness } from '../support/api-harness';
import { eventually } from '../support/emulator-client';
import { createQuotedIntent, paymentHandle } from '../support/payment-harness';

describe('Stripe webhook route', () => {
  const suite = useAppHarness();

  const post = (
    payload: string,
    signature: string | undefined,
    contentType = 'application/json',
    path = STRIPE_WEBHOOK_PATH,
  ) => {
    const req = request(suite.app).post(path).set('Content-Type', contentType);
    if (signature !== undefined) req.set('Stripe-Signature', signature);
    return req.send(payload);
  };
  const paid = async (method = 'pm_card_visa') => {
    const { intent } = await createQuotedIntent(suite.h);
    await suite.h.stripe.paymentIntents.confirm(intent.id, { payment_method: method });
    return intent.id;
  };
  const result = (id: string) => paymentHandle(suite.h, id).result() as Promise<PaymentStatus>;
  const rowOf = (eventId: string) => suite.h.prisma.webhookEvent.findUnique({ where: { id: eventId } });
  const idOf = (payload: string) => (JSON.parse(payload) as { id: string }).id;

  test('when a valid payment_intent.succeeded arrives, then it is recorded, dispatched and the workflow enrolls the student', async () => {
    const id = await paid();
    const payload = payloadOf(suite.h, id, 'payment_intent.succeeded');

    const response = await post(payload, sign(payload));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, outcome: 'dispatched' });
    await expect(rowOf(idOf(payload))).resolves.toMatchObject({
      outcome: 'DISPATCHED',
      paymentIntentId: id,
      deliveries: 1,
    });
    await expect(result(id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED });
  });

  test('when the path has a trailing slash or the body is signed with the previous secret, then it is accepted', async () => {
    const id = await paid();
    const payload = payloadOf(suite.h, id, 'payment_intent.succeeded');
    await expect(
      post(payload, sign(payload, OLD_SECRET), 'application/json', `${STRIPE_WEBHOOK_PATH}/`),
    ).resolves.toMatchObject({ status: 200 });
  });

  test.each([
    ['no signature header', undefined, 'missing_signature'],
    ['a signature made with another secret', 'other', 'invalid_signature'],
    ['a timestamp ten minutes old', 'stale', 'stale_signature'],
    ['an unreadable signature header', 'garbage', 'malformed_signature'],
  ])('when the delivery has %s, then it is refused with 400 and nothing is recorded', async (_what, kind, code) => {
    const id = await paid();
    const payload = payloadOf(suite.h, id, 'payment_intent.succeeded');
    const signature =
      kind === undefined
        ? undefined
        : kind === 'other'
          ? sign(payload, 'whsec_attacker')
          : kind === 'stale'
            ? sign(payload, undefined, Math.floor(Date.now() / 1000) - 600)
            : 'nonsense';

    const response = await post(payload, signature);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code, message: expect.any(String) as unknown } });
    await expect(rowOf(idOf(payload))).resolves.toBeNull();
  });

  test('when the signed body is not JSON, or JSON but not an event, then 400 with a short reason', async () => {
    const broken = '{"id": "evt_1", "type": ';
    await expect(post(broken, sign(broken))).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'malformed_body' } },
    });
    const other = JSON.stringify({ hello: 'world' });
    await expect(post(other, sign(other))).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'not_a_stripe_event' } },
    });
  });

  test('when the content type is not JSON, or the body is over the limit, then 415 and 413', async () => {
    const payload = JSON.stringify({ id: 'evt_x' });
    await expect(post(payload, sign(payload), 'text/plain')).resolves.toMatchObject({
      status: 415,
      body: { error: { code: 'unsupported_media_type' } },
    });
    const huge = JSON.stringify({ id: 'evt_big', padding: 'x'.repeat(600 * 1024) });
    await expect(post(huge, sign(huge))).resolves.toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
  });

  test('when the same event is delivered 20 times at once, then one event row, one workflow and one transaction', async () => {
    const id = await paid();
    const payload = payloadOf(suite.h, id, 'payment_intent.succeeded');

    const responses = await Promise.all(Array.from({ length: 20 }, () => post(payload, sign(payload))));

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    await expect(rowOf(idOf(payload))).resolves.toMatchObject({ deliveries: 20, outcome: 'DISPATCHED' });
    await expect(result(id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED, eventsReceived: 1, passes: 1 });
    const runs = await suite.h.client.workflow.count(`WorkflowId = 'payment-${id}'`);
    expect(runs.count).toBe(1);
    await expect(suite.h.prisma.paymentTransaction.count({ where: { paymentIntentId: id } })).resolves.toBe(1);
    const again = await post(payload, sign(payload));
    expect(again.body).toEqual({ received: true, outcome: 'duplicate' });
  });

  test('when payment_intent.succeeded arrives before payment_intent.created, then the payment still enrolls and created is ignored', async () => {
    const id = await paid();
    const succeeded = payloadOf(suite.h, id, 'payment_intent.succeeded');
    const created = payloadOf(suite.h, id, 'payment_intent.created');

    await expect(post(succeeded, sign(succeeded))).resolves.toMatchObject({ status: 200 });
    await expect(post(created, sign(created))).resolves.toMatchObject({ status: 200, body: { outcome: 'ignored' } });

    await expect(result(id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED });
    await expect(rowOf(idOf(created))).resolves.toMatchObject({ outcome: 'IGNORED' });
  });

  test('when a charge.refunded event arrives, then it is routed to its PaymentIntent and the enrollment is revoked', async () => {
    const id = await paid();
    const succeeded = payloadOf(suite.h, id, 'payment_intent.succeeded');
    await post(succeeded, sign(succeeded));
    await expect(result(id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED });
    await suite.h.stripe.refunds.create({ payment_intent: id });
    const refunded = payloadOf(suite.h, id, 'charge.refunded');

    await expect(post(refunded, sign(refunded))).resolves.toMatchObject({
      status: 200,
      body: { outcome: 'dispatched' },
    });

    await expect(rowOf(idOf(refunded))).resolves.toMatchObject({ paymentIntentId: id });
    await expect(result(id)).resolves.toMatchObject({ state: PAYMENT_STATE.REFUNDED });
  });

  test('when an event type is not handled, or the PaymentIntent is not ours, then 200 and recorded as ignored', async () => {
    const foreign = await suite.h.stripe.paymentIntents.create({
      amount: 300,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const payload = payloadOf(suite.h, foreign.id, 'payment_intent.succeeded');
    await expect(post(payload, sign(payload))).resolves.toMatchObject({
      status: 200,
      body: { outcome: 'ignored', reason: 'not created by this platform' },
    });
    await expect(suite.h.client.workflow.count(`WorkflowId = 'payment-${foreign.id}'`)).resolves.toMatchObject({
      count: 0,
    });

    const customer = JSON.stringify({
      id: `evt_cust_${Date.now()}`,
      object: 'event',
      type: 'customer.created',
      created: 1,
      livemode: false,
      data: { object: { id: 'cus_1', object: 'customer' } },
    });
    await expect(post(customer, sign(customer))).resolves.toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    await expect(rowOf(idOf(customer))).resolves.toMatchObject({
      outcome: 'IGNORED',
      outcomeReason: 'event type customer.created is not handled',
    });
  });

  test('when a thin event (event destinations) arrives for a PaymentIntent, then it is dispatched like a snapshot event', async () => {
    const id = await paid();
    const thin = JSON.stringify({
      id: `evt_thin_${Date.now()}`,
      object: 'v2.core.event',
      type: 'v1.payment_intent.succeeded',
      created: new Date().toISOString(),
      livemode: false,
      related_object: { id, type: 'payment_intent', url: `/v1/payment_intents/${id}` },
    });
    await expect(post(thin, sign(thin))).resolves.toMatchObject({ status: 200, body: { outcome: 'dispatched' } });
    await expect(result(id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED });
  });

  test('when Temporal is down, then 503 and the event stays unprocessed; when it is back, the redelivery succeeds', async () => {
    const port = await findFreeFixedPort();
    let server = await startTemporalDevServer({ cliPath: requireTemporalCli(), port });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const outageApp = appFor(suite.h, { client });
    try {
      const id = await paid();
      const payload = payloadOf(suite.h, id, 'payment_intent.succeeded');
      await server.stop();

      const refused = await request(outageApp)
        .post(STRIPE_WEBHOOK_PATH)
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', sign(payload))
        .send(payload);
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({ error: { code: 'temporal_unavailable', message: expect.any(String) as unknown } });
      await expect(rowOf(idOf(payload))).resolves.toMatchObject({ outcome: 'RECEIVED', dispatchedAt: null });

      server = await startTemporalDevServer({ cliPath: requireTemporalCli(), port });
      // Like Stripe, deliver again until accepted: the client may still be in its reconnect backoff.
      const accepted = await eventually(async () => {
        const response = await request(outageApp)
          .post(STRIPE_WEBHOOK_PATH)
          .set('Content-Type', 'application/json')
          .set('Stripe-Signature', sign(payload))
          .send(payload);
        return response.status === 503 ? undefined : response;
      }, 30_000);
      expect(accepted.status).toBe(200);
      const row = await rowOf(idOf(payload));
      expect(row).toMatchObject({ outcome: 'DISPATCHED' });
      expect(row?.deliveries).toBeGreaterThanOrEqual(2);
      await expect(client.workflow.getHandle(`payment-${id}`).describe()).resolves.toMatchObject({
        type: 'paymentWorkflow',
      });
    } finally {
      await connection.close();
      await server.stop();
    }
  }, 90_000);
});
