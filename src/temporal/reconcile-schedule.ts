import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { ReconcileReport } from '../activities/reconcile-activities';
import type { reconcileWorkflow } from '../workflows/reconcile-workflow';

/** Id of the schedule that runs reconciliation. */
export const RECONCILE_SCHEDULE_ID = 'reconcile-payments';

/**
 * Creates the reconcile schedule, or updates its interval and lookback when it exists. Any number of
 * workers may call this at start; the schedule exists once.
 */
export async function ensureReconcileSchedule(
  client: Client,
  taskQueue: string,
  intervalMs: number,
  lookbackMs: number,
): Promise<void> {
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'reconcileWorkflow',
    workflowId: 'reconcile-payments-run',
    taskQueue,
    args: [{ lookbackMs }] as Parameters<typeof reconcileWorkflow>,
  };
  try {
    await client.schedule.create({
      scheduleId: RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: intervalMs }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(RECONCILE_SCHEDULE_ID).update((previous) => ({
      ...previous,
      spec: { intervals: [{ every: intervalMs }] },
      action,
    }));
  }
}

/** Runs reconciliation now and waits for its report. */
export async function reconcileNow(client: Client, taskQueue: string, lookbackMs: number): Promise<ReconcileReport> {
  return client.workflow.execute<typeof reconcileWorkflow>('reconcileWorkflow', {
    workflowId: `reconcile-payments-manual-${Date.now()}`,
    taskQueue,
    args: [{ lookbackMs }],
  });
}
