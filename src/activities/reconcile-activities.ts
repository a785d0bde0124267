import type { Client } from '@temporalio/client';
import { METADATA_KEYS, listPaymentIntentsCreatedSince } from '../stripe/stripe-requests';
import { dispatchPaymentEvent } from '../temporal/payment-dispatch';
import { activityLogger, type ActivityDeps } from './activity-deps';
import { classifyStripeError } from './stripe-errors';

/** What reconciliation found. */
export interface ReconcileReport {
  /** Succeeded PaymentIntents of this platform seen in Stripe. */
  checked: number;
  /** Those the database did not show as completed, whose workflows were started or signaled. */
  started: string[];
}

/** Reconciliation also starts workflows, so it needs the Temporal client too. */
export interface ReconcileDeps extends ActivityDeps {
  temporal: { client: Client; taskQueue: string };
}

/**
 * Lists recent succeeded PaymentIntents from Stripe and hands each that the database does not show as
 * completed (no transaction row) to its workflow, so a missed webhook costs minutes, not money. Safe to
 * run twice: a workflow that already converged finds nothing to change.
 */
export function createReconcileActivities({ stripe, prisma, logger, temporal }: ReconcileDeps) {
  return {
    reconcileSucceededPayments: async (sinceSeconds: number, runId: string): Promise<ReconcileReport> => {
      const succeeded: string[] = [];
      let startingAfter: string | undefined;
      for (;;) {
        let page;
        try {
          page = await listPaymentIntentsCreatedSince(stripe, sinceSeconds, startingAfter);
        } catch (error) {
          throw classifyStripeError(error, 'list recent PaymentIntents');
        }
        for (const intent of page.data) {
          const ours = intent.metadata[METADATA_KEYS.studentId] && intent.metadata[METADATA_KEYS.courseId];
          if (intent.status === 'succeeded' && ours) succeeded.push(intent.id);
        }
        if (!page.has_more || page.data.length === 0) break;
        startingAfter = page.data[page.data.length - 1]?.id;
      }
      const recorded = await prisma.paymentTransaction.findMany({
        where: { paymentIntentId: { in: succeeded } },
        select: { paymentIntentId: true },
      });
      const done = new Set(recorded.map((row) => row.paymentIntentId));
      const missing = succeeded.filter((id) => !done.has(id));
      for (const paymentIntentId of missing) {
        await dispatchPaymentEvent(temporal.client, temporal.taskQueue, paymentIntentId, {
          eventId: `reconcile-${runId}-${paymentIntentId}`,
          type: 'reconcile',
          created: Math.floor(Date.now() / 1000),
        });
      }
      activityLogger(logger).info(
        { checked: succeeded.length, started: missing.length },
        'reconciled succeeded payments',
      );
      return { checked: succeeded.length, started: missing };
    },
  };
}

export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;
