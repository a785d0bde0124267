import type Stripe from 'stripe';
import { StripeEmulator } from '../../src/stripe-emulator/stripe-emulator';
import { createStripeClient } from '../../src/stripe/stripe-client';
import {
  createCoursePaymentIntent,
  listChargesOfPaymentIntent,
  listPaymentIntentsCreatedSince,
  retrieveChargeWithBalance,
  retrievePaymentIntentWithCharge,
} from '../../src/stripe/stripe-requests';
import { EMULATOR_SECRET_KEY } from '../support/emulator-client';
import { startStripeMock, type StripeMock } from '../support/stripe-mock';

/** Every field of the emulator's object must exist in Stripe's (stripe-mock's) object with a compatible type. */
function fieldMismatches(path: string, ours: unknown, theirs: unknown): string[] {
  if (ours === null || theirs === null || theirs === undefined) return [];
  if (typeof ours !== typeof theirs || Array.isArray(ours) !== Array.isArray(theirs)) {
    return [`${path}: emulator has ${typeof ours}, Stripe has ${typeof theirs}`];
  }
  if (typeof ours !== 'object' || Array.isArray(ours)) return [];
  const open = ['metadata', 'payment_method_details'];
  if (open.some((key) => path.endsWith(key))) return [];
  return Object.entries(ours as Record<string, unknown>).flatMap(([key, value]) =>
    key in (theirs as Record<string, unknown>)
      ? fieldMismatches(`${path}.${key}`, value, (theirs as Record<string, unknown>)[key])
      : [`${path}.${key}: Stripe has no such field`],
  );
}

describe('Stripe contract: the service requests against stripe-mock, the emulator against Stripe shapes', () => {
  let mock: StripeMock;
  let emulator: StripeEmulator;
  let viaMock: Stripe;
  let viaEmulator: Stripe;
  beforeAll(async () => {
    [mock, emulator] = await Promise.all([startStripeMock(), StripeEmulator.start()]);
    viaMock = createStripeClient({ secretKey: 'sk_test_123', apiBase: mock.url });
    viaEmulator = createStripeClient({ secretKey: EMULATOR_SECRET_KEY, apiBase: emulator.url });
  });
  afterAll(() => Promise.all([mock.stop(), emulator.stop()]));

  const input = {
    amount: 4900,
    currency: 'usd',
    studentId: 'stu_1',
    courseId: 'course_1',
    description: 'Course course_1',
    idempotencyKey: 'intent-test',
  };

  test("when each request the service makes is sent to stripe-mock, then Stripe's OpenAPI validation accepts it", async () => {
    await expect(createCoursePaymentIntent(viaMock, input)).resolves.toMatchObject({ object: 'payment_intent' });
    await expect(retrievePaymentIntentWithCharge(viaMock, 'pi_123')).resolves.toMatchObject({
      object: 'payment_intent',
    });
    await expect(retrieveChargeWithBalance(viaMock, 'ch_123')).resolves.toMatchObject({ object: 'charge' });
    await expect(listChargesOfPaymentIntent(viaMock, 'pi_123')).resolves.toEqual(expect.any(Array));
    await expect(listPaymentIntentsCreatedSince(viaMock, 1_700_000_000, 'pi_123')).resolves.toMatchObject({
      object: 'list',
    });
  });

  test('when stripe-mock gets a parameter Stripe does not have, then it refuses it (the check can fail)', async () => {
    await expect(
      viaMock.paymentIntents.create({
        amount: 100,
        currency: 'usd',
        not_a_stripe_param: 1,
      } as unknown as Stripe.PaymentIntentCreateParams),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  test("when the emulator answers the same requests, then every field it returns exists in Stripe's objects with the same type", async () => {
    const created = await createCoursePaymentIntent(viaEmulator, input);
    await viaEmulator.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
    const ours = await retrievePaymentIntentWithCharge(viaEmulator, created.id);
    const theirs = await retrievePaymentIntentWithCharge(viaMock, 'pi_123');
    const oursCharge = ours.latest_charge as Stripe.Charge;
    const theirsCharge = await retrieveChargeWithBalance(viaMock, 'ch_123');

    const { latest_charge: _a, ...oursIntent } = ours;
    const { latest_charge: _b, ...theirsIntent } = theirs;
    expect(fieldMismatches('payment_intent', oursIntent, theirsIntent)).toEqual([]);
    const { balance_transaction: oursBalance, ...oursChargeFields } = oursCharge;
    const { balance_transaction: theirsBalance, ...theirsChargeFields } = theirsCharge;
    expect(fieldMismatches('charge', oursChargeFields, theirsChargeFields)).toEqual([]);
    expect(fieldMismatches('balance_transaction', oursBalance, theirsBalance)).toEqual([]);
    expect(fieldMismatches('payment_intent', { invented_field: 1 }, theirsIntent)).toEqual([
      'payment_intent.invented_field: Stripe has no such field',
    ]);
  });
});
