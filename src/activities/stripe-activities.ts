import { ApplicationFailure } from '@temporalio/activity';
import { ERROR_TYPE } from '../shared/errors';
import type { ChargeSummary, PaymentIntentSummary } from '../shared/payment-model';
import {
  listChargesOfPaymentIntent,
  retrieveChargeWithBalance,
  retrievePaymentIntentWithCharge,
} from '../stripe/stripe-requests';
import { activityLogger, type ActivityDeps } from './activity-deps';
import { classifyStripeError } from './stripe-errors';
import { toChargeSummary, toPaymentIntentSummary } from './stripe-summaries';

function notYet(paymentIntentId: string, detail: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: ERROR_TYPE.ChargeNotYetAvailable,
    message: `PaymentIntent ${paymentIntentId} succeeded but ${detail}; Stripe shows it shortly`,
  });
}

function isComplete(charge: ChargeSummary | { id: string }): charge is ChargeSummary {
  return 'status' in charge && charge.fee !== null;
}

/** Activities that read Stripe. Both only read, so running them twice is harmless. */
export function createStripeActivities({ stripe, logger }: ActivityDeps) {
  async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw classifyStripeError(error, what);
    }
  }

  async function chargeWithFee(paymentIntentId: string, chargeId: string): Promise<ChargeSummary> {
    const charge = toChargeSummary(
      await call(`retrieve charge ${chargeId}`, () => retrieveChargeWithBalance(stripe, chargeId)),
    );
    if (charge.fee === null) throw notYet(paymentIntentId, `charge ${chargeId} has no balance transaction yet`);
    return charge;
  }

  return {
    /**
     * Reads the PaymentIntent with its charge and fee in one call (`expand: ['latest_charge.balance_transaction']`).
     *
     * @throws ApplicationFailure `StripeResourceMissing` (non-retryable) when Stripe has no such intent;
     *   `StripeUnavailable` (retried) on connection errors, 429 and 5xx.
     */
    fetchPaymentIntent: async (paymentIntentId: string): Promise<PaymentIntentSummary> => {
      const intent = await call(`retrieve PaymentIntent ${paymentIntentId}`, () =>
        retrievePaymentIntentWithCharge(stripe, paymentIntentId),
      );
      const summary = toPaymentIntentSummary(intent);
      activityLogger(logger).info({ paymentIntentId, status: summary.status }, 'fetched PaymentIntent');
      return summary;
    },

    /**
     * The succeeded charge of a PaymentIntent, with its fee: the expanded `latest_charge`; else the charge
     * retrieved by id; else the legacy `charges.data[0]`; else, while `latest_charge` is still null, the
     * succeeded charge listed by `payment_intent`.
     *
     * @throws ApplicationFailure `ChargeNotYetAvailable` (retried) when Stripe shows no charge or fee yet.
     */
    resolveCharge: async (intent: PaymentIntentSummary): Promise<ChargeSummary> => {
      const candidate = intent.latestCharge ?? intent.legacyCharge;
      if (candidate && isComplete(candidate)) return candidate;
      if (candidate) return chargeWithFee(intent.id, candidate.id);
      const charges = await call(`list charges of ${intent.id}`, () => listChargesOfPaymentIntent(stripe, intent.id));
      const succeeded = charges.find((charge) => charge.status === 'succeeded');
      if (!succeeded) throw notYet(intent.id, 'no charge is listed yet');
      const summary = toChargeSummary(succeeded);
      return summary.fee === null ? chargeWithFee(intent.id, summary.id) : summary;
    },
  };
}
