import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { paymentWorkflowId, PAYMENT_STATE, type PaymentState, type PaymentStatus } from '../shared/payment-model';
import { retrySignal, statusQuery } from '../shared/payment-workflow-api';
import { PAYMENT_STATE_KEY } from '../shared/search-attributes';

/** The workflow side of a payment: its execution status and, when a worker answers, its `status` query. */
export interface WorkflowView {
  workflowId: string;
  runId: string;
  executionStatus: string;
  status: PaymentStatus | null;
}

/**
 * Describes the latest run of a PaymentIntent's workflow and asks it for its status.
 *
 * @returns `null` when no workflow exists for the PaymentIntent.
 */
export async function getPaymentWorkflow(
  client: Client,
  paymentIntentId: string,
  timeoutMs = 5000,
): Promise<WorkflowView | null> {
  const handle = client.workflow.getHandle(paymentWorkflowId(paymentIntentId));
  try {
    const description = await client.withDeadline(Date.now() + timeoutMs, () => handle.describe());
    const status = await client.withDeadline(Date.now() + timeoutMs, () => handle.query(statusQuery)).catch(() => null);
    return {
      workflowId: description.workflowId,
      runId: description.runId,
      executionStatus: description.status.name,
      status,
    };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

/** Outcome of {@link requestRetry}. */
export type RetryOutcome = 'signaled' | 'not_found' | 'not_waiting';

/** Sends `retry` to a workflow that waits for a person; refuses (without signaling) otherwise. */
export async function requestRetry(
  client: Client,
  paymentIntentId: string,
): Promise<{ outcome: RetryOutcome; state?: PaymentState }> {
  const view = await getPaymentWorkflow(client, paymentIntentId);
  if (!view) return { outcome: 'not_found' };
  if (view.executionStatus !== 'RUNNING' || view.status?.state !== PAYMENT_STATE.NEEDS_ATTENTION) {
    return { outcome: 'not_waiting', ...(view.status && { state: view.status.state }) };
  }
  await client.workflow.getHandle(paymentWorkflowId(paymentIntentId)).signal(retrySignal);
  return { outcome: 'signaled', state: view.status.state };
}

/** One page of payment workflows in a state, from Temporal's visibility store. */
export interface PaymentListPage {
  payments: {
    paymentIntentId: string;
    workflowId: string;
    runId: string;
    executionStatus: string;
    state: string | null;
    startTime: string | null;
  }[];
  nextPageToken: string | null;
}

// Workflows waiting in these states are running; closed runs keep their last state, which is not news.
const OPEN_STATES: readonly PaymentState[] = [
  PAYMENT_STATE.NEEDS_ATTENTION,
  PAYMENT_STATE.PENDING,
  PAYMENT_STATE.PROCESSING,
  PAYMENT_STATE.PAYMENT_FAILED,
];

/** Lists payment workflows by `PaymentState`, newest first, a page at a time. */
export async function listPaymentsByState(
  client: Client,
  namespace: string,
  state: PaymentState,
  pageSize: number,
  pageToken?: string,
): Promise<PaymentListPage> {
  const running = OPEN_STATES.includes(state) ? ` AND ExecutionStatus = 'Running'` : '';
  const response = await client.workflowService.listWorkflowExecutions({
    namespace,
    pageSize,
    query: `WorkflowType = 'paymentWorkflow' AND ${PAYMENT_STATE_KEY.name} = '${state}'${running}`,
    ...(pageToken && { nextPageToken: Buffer.from(pageToken, 'base64url') }),
  });
  const payments = (response.executions ?? []).map((execution) => {
    const workflowId = execution.execution?.workflowId ?? '';
    const payload = execution.searchAttributes?.indexedFields?.[PAYMENT_STATE_KEY.name]?.data;
    return {
      paymentIntentId: workflowId.replace(/^payment-/, ''),
      workflowId,
      runId: execution.execution?.runId ?? '',
      executionStatus: (temporal.api.enums.v1.WorkflowExecutionStatus[execution.status ?? 0] ?? '').replace(
        'WORKFLOW_EXECUTION_STATUS_',
        '',
      ),
      state: payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as string) : null,
      startTime: execution.startTime?.seconds
        ? new Date(Number(execution.startTime.seconds) * 1000).toISOString()
        : null,
    };
  });
  const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : null;
  return { payments, nextPageToken: token };
}
