import type { ActivityDeps } from './activity-deps';
import { createEnrollmentActivities } from './enrollment-activities';
import { createLedgerActivities } from './ledger-activities';
import { createStripeActivities } from './stripe-activities';

export type { ActivityDeps } from './activity-deps';

/** Every activity of the payment workflow, built from the process's clients. */
export function createActivities(deps: ActivityDeps) {
  return { ...createStripeActivities(deps), ...createLedgerActivities(deps), ...createEnrollmentActivities(deps) };
}

export type PaymentActivities = ReturnType<typeof createActivities>;
