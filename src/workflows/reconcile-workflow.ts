import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReconcileActivities, ReconcileReport } from '../activities/reconcile-activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared/errors';

// Listing a day of PaymentIntents takes a few pages; 2 minutes is generous. Retried for about 10 minutes:
// the next scheduled run comes anyway.
const { reconcileSucceededPayments } = proxyActivities<ReconcileActivities>({
  startToCloseTimeout: '2m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 12,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

/** Input of {@link reconcileWorkflow}. */
export interface ReconcileInput {
  /** How far back to look, in milliseconds. */
  lookbackMs: number;
}

/**
 * Finds succeeded PaymentIntents of this platform that the database does not show as completed and
 * starts their workflows. Run on a schedule (`reconcile-payments`) and by `payments reconcile`.
 */
export async function reconcileWorkflow(input: ReconcileInput): Promise<ReconcileReport> {
  const since = Math.floor((Date.now() - input.lookbackMs) / 1000);
  return reconcileSucceededPayments(since, workflowInfo().runId);
}
