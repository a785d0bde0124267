import { condition, defineSignal, setHandler } from '@temporalio/workflow';

/** The Temporal ceiling: takes the same signal as the payment workflow and does nothing else. */
export async function noopWorkflow(): Promise<void> {
  let signaled = false;
  setHandler(defineSignal<[unknown]>('stripeEvent'), () => {
    signaled = true;
  });
  await condition(() => signaled);
}
