import type Stripe from 'stripe';
import { StripeEmulator } from '../../src/stripe-emulator/stripe-emulator';
import { retrievePaymentIntentWithCharge } from '../../src/stripe/stripe-requests';
import { control, eventually, stripeFor } from '../support/emulator-client';

describe('Stripe emulator: PaymentIntents through the unmodified stripe SDK', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  beforeAll(async () => {
    emulator = await StripeEmulator.start({ behaviour: { asyncSettleMs: 200 } });
    stripe = stripeFor(emulator);
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    emulator.faults.clear();
    emulator.store.behaviour = { ...emulator.store.behaviour, legacyChargesShape: false, latestChargeDelayMs: 0 };
  });

  const create = (amount = 4900) =>
    stripe.paymentIntents.create({ amount, currency: 'usd', metadata: { studentId: 's1', courseId: 'c1' } });

  test('when a visa card confirms, then the intent succeeds and the expanded charge carries fee and net', async () => {
    const intent = await create();
    expect(intent).toMatchObject({
      status: 'requires_payment_method',
      amount: 4900,
      currency: 'usd',
      metadata: { studentId: 's1', courseId: 'c1' },
    });
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));

    await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    const fetched = await retrievePaymentIntentWithCharge(stripe, intent.id);

    expect(fetched.status).toBe('succeeded');
    const charge = fetched.latest_charge as Stripe.Charge;
    const balance = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(charge).toMatchObject({ object: 'charge', status: 'succeeded', amount: 4900, payment_intent: intent.id });
    expect(charge.payment_method_details?.card).toMatchObject({ brand: 'visa', last4: '4242' });
    expect(balance).toMatchObject({ object: 'balance_transaction', amount: 4900, fee: 172, net: 4728 });
  });

  test('when charges is expanded, then it fails as on current API versions', async () => {
    const intent = await create();
    await expect(stripe.paymentIntents.retrieve(intent.id, { expand: ['charges'] })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      message: expect.stringContaining('This property cannot be expanded (charges)') as unknown,
    });
  });

  test('when a card is declined, then a card error comes back, the intent needs a payment method, and a second card can succeed', async () => {
    const intent = await create();
    await expect(
      stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' }),
    ).rejects.toMatchObject({
      type: 'StripeCardError',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
    });
    const failed = await stripe.paymentIntents.retrieve(intent.id);
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });

    const retried = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_mastercard' });
    expect(retried.status).toBe('succeeded');
    const charges = await stripe.charges.list({ payment_intent: intent.id });
    expect(charges.data.map((c) => c.status)).toEqual(['succeeded', 'failed']);
  });

  test('when a bank debit confirms, then the intent is processing and later succeeds or fails', async () => {
    const ok = await create();
    const bad = await create();
    expect((await stripe.paymentIntents.confirm(ok.id, { payment_method: 'pm_usBankAccount' })).status).toBe(
      'processing',
    );
    expect((await stripe.paymentIntents.confirm(bad.id, { payment_method: 'pm_sepaDebit_fail' })).status).toBe(
      'processing',
    );

    await eventually(async () =>
      (await stripe.paymentIntents.retrieve(ok.id)).status === 'succeeded' ? true : undefined,
    );
    const failed = await eventually(async () => {
      const pi = await stripe.paymentIntents.retrieve(bad.id);
      return pi.status === 'requires_payment_method' ? pi : undefined;
    });
    expect(failed.last_payment_error?.code).toBe('debit_not_authorized');
  });

  test('when an intent is canceled, then it cannot be confirmed any more', async () => {
    const intent = await create();
    const canceled = await stripe.paymentIntents.cancel(intent.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    await expect(stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'payment_intent_unexpected_state',
    });
  });

  test('when refunded in part and then in full, then the charge tracks the refunded amount and over-refunds fail', async () => {
    const intent = await create(10_000);
    await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    await stripe.refunds.create({ payment_intent: intent.id, amount: 2500 });
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 9000 })).rejects.toMatchObject({
      code: 'amount_too_large',
    });
    await stripe.refunds.create({ payment_intent: intent.id });

    const charge = (await retrievePaymentIntentWithCharge(stripe, intent.id)).latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ amount_refunded: 10_000, refunded: true });
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });
  });

  test('when an id is unknown, then the SDK sees resource_missing with 404', async () => {
    await expect(stripe.paymentIntents.retrieve('pi_doesnotexist')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  test('when the same idempotency key is reused, then the first result is replayed; with other parameters, it is refused', async () => {
    const key = `key-${Date.now()}`;
    const first = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: key });
    const again = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    await expect(
      stripe.paymentIntents.create({ amount: 200, currency: 'usd' }, { idempotencyKey: key }),
    ).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
    });
  });

  test('when listing with created filters and a cursor, then pages are newest first with has_more', async () => {
    const since = Math.floor(Date.now() / 1000);
    const made = [await create(101), await create(102), await create(103)];
    const first = await stripe.paymentIntents.list({ created: { gte: since }, limit: 2 });
    expect(first.has_more).toBe(true);
    const second = await stripe.paymentIntents.list({
      created: { gte: since },
      limit: 2,
      starting_after: first.data[1]?.id,
    });
    const seen = [...first.data, ...second.data].map((pi) => pi.id);
    expect(seen.slice(0, 3)).toEqual(made.map((pi) => pi.id).reverse());
    const none = await stripe.paymentIntents.list({ created: { gte: since + 3600 } });
    expect(none.data).toEqual([]);
  });

  test('when faults are set for retrieves, then the next three answer 500 and then it works', async () => {
    const intent = await create();
    await control(emulator, 'POST', '/faults', { match: 'GET /v1/payment_intents/*', errors: [500, 500, 429] });
    await expect(stripe.paymentIntents.retrieve(intent.id)).rejects.toMatchObject({
      type: 'StripeAPIError',
      statusCode: 500,
    });
    await expect(stripe.paymentIntents.retrieve(intent.id)).rejects.toMatchObject({ statusCode: 500 });
    await expect(stripe.paymentIntents.retrieve(intent.id)).rejects.toMatchObject({
      type: 'StripeRateLimitError',
      statusCode: 429,
    });
    await expect(stripe.paymentIntents.retrieve(intent.id)).resolves.toMatchObject({ id: intent.id });
  });

  test('when latency is set, then every matching call takes at least that long', async () => {
    const intent = await create();
    emulator.faults.add({ match: 'GET /v1/payment_intents/*', latencyMs: 200 });
    const started = Date.now();
    await stripe.paymentIntents.retrieve(intent.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  test('when the legacy shape is on, then the intent has a charges list and no latest_charge', async () => {
    const intent = await create();
    await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    await control(emulator, 'PUT', '/behaviour', { legacyChargesShape: true });
    const legacy = (await stripe.paymentIntents.retrieve(intent.id)) as Stripe.PaymentIntent & {
      charges?: Stripe.ApiList<Stripe.Charge>;
    };
    expect(legacy).not.toHaveProperty('latest_charge');
    expect(legacy.charges?.data[0]).toMatchObject({ object: 'charge', status: 'succeeded' });
  });

  test('when latest_charge is delayed, then it reads null right after success and the charge id later', async () => {
    await control(emulator, 'PUT', '/behaviour', { latestChargeDelayMs: 300 });
    const intent = await create();
    await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    const early = await stripe.paymentIntents.retrieve(intent.id);
    expect(early).toMatchObject({ status: 'succeeded', latest_charge: null });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await stripe.paymentIntents.retrieve(intent.id)).latest_charge).toMatch(/^ch_/);
  });

  test('when state changes, then events are recorded and listed by type', async () => {
    const intent = await create();
    await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    const events = await stripe.events.list({ type: 'payment_intent.*', limit: 100 });
    const mine = events.data
      .filter((event) => (event.data.object as { id: string }).id === intent.id)
      .map((event) => event.type);
    expect(mine).toEqual(['payment_intent.succeeded', 'payment_intent.created']);
    const one = await stripe.events.retrieve(events.data[0]?.id ?? '');
    expect(one.object).toBe('event');
  });

  test('when a request has no API key, then it is refused with 401', async () => {
    const response = await fetch(`${emulator.url}/v1/payment_intents`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
