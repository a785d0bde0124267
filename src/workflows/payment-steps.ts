import { proxyActivities, proxyLocalActivities, type RetryPolicy } from '@temporalio/workflow';
import type { PaymentActivities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared/errors';

const nonRetryableErrorTypes = [...NON_RETRYABLE_ERROR_TYPES];

// Stripe reads: 30 s covers stripe-node's 20 s timeout. Backoff from 0.5 s to 1 min over 25 attempts rides
// out a Stripe incident of about 20 minutes before a person is asked to look.
const stripeRetry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  maximumAttempts: 25,
  nonRetryableErrorTypes,
};
// Database writes: short transactions, so 15 s means the database is in trouble. 40 attempts with up to
// 30 s between them ride out a failover or restart of about 15 minutes.
const databaseRetry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 40,
  nonRetryableErrorTypes,
};
// resolveCharge: on the normal path the charge came expanded with the intent and it calls nothing; its
// fallbacks make one short Stripe call. 12 attempts cover `latest_charge` staying null for minutes.
const chargeRetry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 12,
  nonRetryableErrorTypes,
};

// Every step as a local activity: a payment completes in the workflow task that starts it, so the
// Temporal server does one workflow task per payment instead of five (the benchmark's bottleneck), and
// history holds one marker per step. Each step stays idempotent: a crash re-runs the task's steps.
const localStripe = proxyLocalActivities<PaymentActivities>({
  startToCloseTimeout: '30s',
  localRetryThreshold: '10s',
  retry: stripeRetry,
});
const localDatabase = proxyLocalActivities<PaymentActivities>({
  startToCloseTimeout: '15s',
  localRetryThreshold: '10s',
  retry: databaseRetry,
});
const localCharge = proxyLocalActivities<PaymentActivities>({
  startToCloseTimeout: '30s',
  localRetryThreshold: '10s',
  retry: chargeRetry,
});

/** The patch that moved every step to local activities; histories from before it replay the old path. */
export const LOCAL_STEPS_PATCH = 'local-steps';

/** The steps of the payment workflow. */
export type Steps = Pick<
  PaymentActivities,
  | 'fetchPaymentIntent'
  | 'resolveCharge'
  | 'recordTransaction'
  | 'recordPaymentStatus'
  | 'enrollStudent'
  | 'revokeEnrollment'
>;

/** The steps, as local activities (since {@link LOCAL_STEPS_PATCH}) or as the scheduled activities before it. */
export function chooseSteps(local: boolean): Steps {
  if (local) {
    return {
      fetchPaymentIntent: localStripe.fetchPaymentIntent,
      resolveCharge: localCharge.resolveCharge,
      recordTransaction: localDatabase.recordTransaction,
      recordPaymentStatus: localDatabase.recordPaymentStatus,
      enrollStudent: localDatabase.enrollStudent,
      revokeEnrollment: localDatabase.revokeEnrollment,
    };
  }
  // Before the patch: each step but resolveCharge a scheduled activity, one server round trip each.
  const stripe = proxyActivities<PaymentActivities>({ startToCloseTimeout: '30s', retry: stripeRetry });
  const database = proxyActivities<PaymentActivities>({ startToCloseTimeout: '15s', retry: databaseRetry });
  return {
    fetchPaymentIntent: stripe.fetchPaymentIntent,
    resolveCharge: localCharge.resolveCharge,
    recordTransaction: database.recordTransaction,
    recordPaymentStatus: database.recordPaymentStatus,
    enrollStudent: database.enrollStudent,
    revokeEnrollment: database.revokeEnrollment,
  };
}
