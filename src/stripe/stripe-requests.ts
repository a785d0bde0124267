import type Stripe from 'stripe';

/**
 * Every request this service sends to Stripe, in one place, so that the contract test can send exactly
 * these to stripe-mock and check them against Stripe's OpenAPI spec.
 */

/** Metadata keys that mark a PaymentIntent as this platform's. */
export const METADATA_KEYS = { studentId: 'studentId', courseId: 'courseId', platform: 'platform' } as const;
/** Value of `metadata.platform` on every PaymentIntent this service creates. */
export const PLATFORM_TAG = 'course-payments';

/** Creates the PaymentIntent for one student buying one course. */
export function createCoursePaymentIntent(
  stripe: Stripe,
  input: {
    amount: number;
    currency: string;
    studentId: string;
    courseId: string;
    description: string;
    idempotencyKey: string;
  },
): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create(
    {
      amount: input.amount,
      currency: input.currency,
      description: input.description,
      automatic_payment_methods: { enabled: true },
      metadata: {
        [METADATA_KEYS.studentId]: input.studentId,
        [METADATA_KEYS.courseId]: input.courseId,
        [METADATA_KEYS.platform]: PLATFORM_TAG,
      },
    },
    { idempotencyKey: input.idempotencyKey },
  );
}

/** The PaymentIntent with its charge and the charge's fee in one call (the normal path: one request). */
export function retrievePaymentIntentWithCharge(
  stripe: Stripe,
  paymentIntentId: string,
): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge.balance_transaction'] });
}

/** A charge with its balance transaction, when the PaymentIntent did not carry it expanded. */
export function retrieveChargeWithBalance(stripe: Stripe, chargeId: string): Promise<Stripe.Charge> {
  return stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] });
}

/** The charges of a PaymentIntent, newest first, with their balance transactions. */
export async function listChargesOfPaymentIntent(stripe: Stripe, paymentIntentId: string): Promise<Stripe.Charge[]> {
  const page = await stripe.charges.list({
    payment_intent: paymentIntentId,
    limit: 10,
    expand: ['data.balance_transaction'],
  });
  return page.data;
}

/** One page of PaymentIntents created at or after `createdGte` (seconds), newest first. */
export function listPaymentIntentsCreatedSince(
  stripe: Stripe,
  createdGte: number,
  startingAfter?: string,
): Promise<Stripe.ApiList<Stripe.PaymentIntent>> {
  return stripe.paymentIntents.list({
    created: { gte: createdGte },
    limit: 100,
    ...(startingAfter && { starting_after: startingAfter }),
  });
}

/** The PaymentIntent a charge, refund or dispute belongs to (thin events name only their object). */
export async function retrievePaymentIntentIdOf(
  stripe: Stripe,
  objectType: string,
  id: string,
): Promise<string | null> {
  const read = {
    charge: () => stripe.charges.retrieve(id),
    refund: () => stripe.refunds.retrieve(id),
    dispute: () => stripe.disputes.retrieve(id),
  }[objectType];
  if (!read) return null;
  const object = (await read()) as { payment_intent?: string | { id: string } | null };
  const pi = object.payment_intent;
  return typeof pi === 'string' ? pi : (pi?.id ?? null);
}

/** A PaymentIntent's metadata, to tell whether this platform created it. */
export async function retrievePaymentIntentMetadata(stripe: Stripe, paymentIntentId: string): Promise<Stripe.Metadata> {
  return (await stripe.paymentIntents.retrieve(paymentIntentId)).metadata;
}
