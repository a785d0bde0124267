import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { paymentWorkflowId, type StripeEventSignal } from '../shared/payment-model';
import { stripeEventSignal } from '../shared/payment-workflow-api';
import type { paymentWorkflow } from '../workflows/payment-workflow';

/**
 * Hands a Stripe event to the PaymentIntent's workflow: signals it, starting it first when no run is
 * open (a closed one is started anew, so a refund after completion converges again). Resolves only once
 * Temporal accepted the call.
 *
 * @throws the client's error when Temporal is unreachable or refuses the call.
 */
export async function dispatchPaymentEvent(
  client: Client,
  taskQueue: string,
  paymentIntentId: string,
  event: StripeEventSignal,
): Promise<void> {
  await client.workflow.signalWithStart<typeof paymentWorkflow, [StripeEventSignal]>('paymentWorkflow', {
    workflowId: paymentWorkflowId(paymentIntentId),
    taskQueue,
    args: [{ paymentIntentId }],
    signal: stripeEventSignal,
    signalArgs: [event],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
}
