import type { ChargeSummary, PaymentIntentSummary, StripeEventSignal } from '../shared/payment-model';

/** What the last pass saw in Stripe. */
export interface Observed {
  intent: PaymentIntentSummary | null;
  charge: ChargeSummary | null;
}

/**
 * Whether a pass that saw `observed` already reflects what `event` says, so the event needs no pass of
 * its own. Judged by the state the event implies, not by timestamps: clocks differ, states do not.
 * Unknown event types are never covered (one more read of Stripe is cheap; a missed change is not).
 */
export function isCovered(observed: Observed, event: StripeEventSignal): boolean {
  const status = observed.intent?.status;
  if (status === undefined) return false;
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'charge.succeeded':
      return status === 'succeeded';
    case 'payment_intent.processing':
    case 'charge.pending':
      return status === 'processing' || status === 'succeeded' || status === 'canceled';
    case 'payment_intent.payment_failed':
    case 'charge.failed':
      return status === 'succeeded' || status === 'canceled';
    case 'payment_intent.canceled':
      return status === 'canceled';
    case 'charge.refunded':
      return observed.charge !== null && observed.charge.amountRefunded >= observed.charge.amount;
    case 'charge.dispute.created':
      return observed.charge?.disputed === true;
    default:
      return false;
  }
}
