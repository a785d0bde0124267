import type Stripe from 'stripe';
import type { ChargeSummary, PaymentIntentSummary } from '../shared/payment-model';
import { METADATA_KEYS } from '../stripe/stripe-requests';

/** A charge reduced to what the ledger keeps: amounts, fee, card brand and last4. */
export function toChargeSummary(charge: Stripe.Charge): ChargeSummary {
  const balance = typeof charge.balance_transaction === 'object' ? charge.balance_transaction : null;
  const card = charge.payment_method_details?.card;
  return {
    id: charge.id,
    status: charge.status,
    amount: charge.amount,
    currency: charge.currency,
    amountRefunded: charge.amount_refunded,
    disputed: charge.disputed,
    fee: balance ? balance.fee : null,
    net: balance ? balance.net : null,
    cardBrand: card?.brand ?? null,
    cardLast4: card?.last4 ?? null,
    receiptUrl: charge.receipt_url ?? null,
  };
}

/** Accounts pinned to an API version before 2022-11-15 still get `charges` on a PaymentIntent. */
type LegacyPaymentIntent = Stripe.PaymentIntent & { charges?: { data?: Stripe.Charge[] } };

/** A PaymentIntent reduced to what the workflow needs; nothing personal, no client secret. */
export function toPaymentIntentSummary(intent: Stripe.PaymentIntent): PaymentIntentSummary {
  const latest = intent.latest_charge;
  const legacy = (intent as LegacyPaymentIntent).charges?.data?.[0];
  const studentId = intent.metadata[METADATA_KEYS.studentId] ?? null;
  const courseId = intent.metadata[METADATA_KEYS.courseId] ?? null;
  const error = intent.last_payment_error;
  return {
    id: intent.id,
    status: intent.status,
    amount: intent.amount,
    currency: intent.currency,
    ours: Boolean(studentId && courseId),
    studentId,
    courseId,
    created: intent.created,
    latestCharge:
      latest === null || latest === undefined
        ? null
        : typeof latest === 'string'
          ? { id: latest }
          : toChargeSummary(latest),
    legacyCharge: legacy ? toChargeSummary(legacy) : null,
    lastPaymentError: error
      ? {
          code: error.decline_code ?? error.code ?? null,
          message: error.message ?? null,
          chargeId: typeof error.charge === 'string' ? error.charge : null,
        }
      : null,
    cancellationReason: intent.cancellation_reason ?? null,
  };
}
