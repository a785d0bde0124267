import { MockActivityEnvironment } from '@temporalio/testing';
import { createStripeActivities } from '../../src/activities/stripe-activities';
import { createLogger } from '../../src/logger';
import type { PaymentIntentSummary } from '../../src/shared/payment-model';
import { StripeEmulator } from '../../src/stripe-emulator/stripe-emulator';
import { createStripeClient } from '../../src/stripe/stripe-client';
import { findFreePort } from '../../src/net/free-port';
import { EMULATOR_SECRET_KEY, stripeFor } from '../support/emulator-client';
import type { PrismaClient } from '../../src/db/prisma-client';

describe('Stripe activities', () => {
  let emulator: StripeEmulator;
  let activities: ReturnType<typeof createStripeActivities>;
  const env = new MockActivityEnvironment();
  const logger = createLogger('silent', 'test');
  const prisma = {} as PrismaClient;
  beforeAll(async () => {
    emulator = await StripeEmulator.start();
    activities = createStripeActivities({ stripe: stripeFor(emulator), prisma, logger });
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    emulator.faults.clear();
    emulator.store.behaviour = { ...emulator.store.behaviour, legacyChargesShape: false, latestChargeDelayMs: 0 };
  });

  const paid = async (method = 'pm_card_visa') => {
    const stripe = stripeFor(emulator);
    const intent = await stripe.paymentIntents.create({
      amount: 4900,
      currency: 'usd',
      metadata: { studentId: 's', courseId: 'c' },
    });
    await stripe.paymentIntents.confirm(intent.id, { payment_method: method });
    return intent.id;
  };
  const fetch = (id: string): Promise<PaymentIntentSummary> => env.run(activities.fetchPaymentIntent, id);
  const calls = () => emulator.totalRequests();

  test('when the intent is fetched, then the summary carries the expanded charge and fee, and no client secret', async () => {
    const id = await paid();
    const summary = await fetch(id);
    expect(summary).toMatchObject({
      id,
      status: 'succeeded',
      amount: 4900,
      currency: 'usd',
      ours: true,
      studentId: 's',
      courseId: 'c',
    });
    expect(summary.latestCharge).toMatchObject({
      status: 'succeeded',
      fee: 172,
      net: 4728,
      cardBrand: 'visa',
      cardLast4: '4242',
    });
    expect(JSON.stringify(summary)).not.toMatch(/secret/);
  });

  test('when the charge came expanded, then resolving it calls Stripe not at all', async () => {
    const summary = await fetch(await paid());
    const before = calls();
    await expect(env.run(activities.resolveCharge, summary)).resolves.toMatchObject({ status: 'succeeded', fee: 172 });
    expect(calls()).toBe(before);
  });

  test('when latest_charge is only an id, then the charge is retrieved by id with its fee', async () => {
    const full = await fetch(await paid());
    const summary = { ...full, latestCharge: { id: (full.latestCharge as { id: string }).id } };
    const before = calls();
    await expect(env.run(activities.resolveCharge, summary)).resolves.toMatchObject({
      id: summary.latestCharge.id,
      fee: 172,
    });
    expect(calls()).toBe(before + 1);
  });

  test('when the account is on the legacy API shape, then charges.data[0] is used', async () => {
    const id = await paid('pm_card_mastercard');
    emulator.store.behaviour.legacyChargesShape = true;
    const summary = await fetch(id);
    expect(summary.latestCharge).toBeNull();
    expect(summary.legacyCharge).toMatchObject({ status: 'succeeded', cardBrand: 'mastercard' });
    await expect(env.run(activities.resolveCharge, summary)).resolves.toMatchObject({
      cardBrand: 'mastercard',
      fee: 172,
    });
  });

  test("when latest_charge is still null after success, then the charge is found by listing the intent's charges", async () => {
    emulator.store.behaviour.latestChargeDelayMs = 5000;
    const summary = await fetch(await paid());
    expect(summary.latestCharge).toBeNull();
    await expect(env.run(activities.resolveCharge, summary)).resolves.toMatchObject({ status: 'succeeded', fee: 172 });
  });

  test('when Stripe shows no charge at all yet, then a retryable ChargeNotYetAvailable is thrown', async () => {
    const stripe = stripeFor(emulator);
    const intent = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
    const summary = { ...(await fetch(intent.id)), status: 'succeeded' };
    await expect(env.run(activities.resolveCharge, summary)).rejects.toMatchObject({
      type: 'ChargeNotYetAvailable',
      nonRetryable: false,
    });
  });

  test.each([
    [500, 'StripeUnavailable', false],
    [503, 'StripeUnavailable', false],
    [429, 'StripeUnavailable', false],
    [400, 'StripeInvalidRequest', true],
  ])('when Stripe answers %i, then the failure is %s (non-retryable: %s)', async (statusCode, type, nonRetryable) => {
    const id = await paid();
    emulator.faults.add({ match: 'GET /v1/payment_intents/*', errors: [statusCode] });
    await expect(fetch(id)).rejects.toMatchObject({ type, nonRetryable });
  });

  test('when the intent does not exist, then the failure is a non-retryable StripeResourceMissing', async () => {
    await expect(fetch('pi_nothere')).rejects.toMatchObject({ type: 'StripeResourceMissing', nonRetryable: true });
  });

  test('when the API key is refused, then the failure is a non-retryable StripeAuthentication that names the variable', async () => {
    const bad = createStripeActivities({
      stripe: createStripeClient({ secretKey: 'not-a-key', apiBase: emulator.url }),
      prisma,
      logger,
    });
    await expect(env.run(bad.fetchPaymentIntent, 'pi_x')).rejects.toMatchObject({
      type: 'StripeAuthentication',
      nonRetryable: true,
      message: expect.stringContaining('STRIPE_SECRET_KEY') as unknown,
    });
  });

  test('when Stripe cannot be reached, then the failure is a retryable StripeUnavailable', async () => {
    const closed = await findFreePort();
    const offline = createStripeActivities({
      stripe: createStripeClient({ secretKey: EMULATOR_SECRET_KEY, apiBase: `http://127.0.0.1:${closed}` }),
      prisma,
      logger,
    });
    await expect(env.run(offline.fetchPaymentIntent, 'pi_x')).rejects.toMatchObject({
      type: 'StripeUnavailable',
      nonRetryable: false,
    });
  });
});
