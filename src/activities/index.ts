import type { ActivityDeps } from './activity-deps';
import { createEnrollmentActivities } from './enrollment-activities';
import { createLedgerActivities } from './ledger-activities';
import { createReconcileActivities, type ReconcileDeps } from './reconcile-activities';
import { createStripeActivities } from './stripe-activities';

export type { ActivityDeps } from './activity-deps';

/** The payment workflow's activities, built from the process's clients. */
export function createActivities(deps: ActivityDeps) {
  return { ...createStripeActivities(deps), ...createLedgerActivities(deps), ...createEnrollmentActivities(deps) };
}

export type PaymentActivities = ReturnType<typeof createActivities>;

/** Every activity a worker serves: the payment workflow's and reconciliation's. */
export function createWorkerActivities(deps: ReconcileDeps) {
  return { ...createActivities(deps), ...createReconcileActivities(deps) };
}
