import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import type { createWorkerActivities } from '../activities';

/** Options of {@link createPaymentWorker}. */
export interface PaymentWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof createWorkerActivities>;
  /** A prebuilt bundle (tests build one per run); without it the workflows are bundled at start. */
  workflowBundle?: { codePath: string };
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** How long in-flight activities may finish on shutdown. @default '10s' */
  shutdownGraceTime?: Duration;
}

/**
 * A worker for the payment workflows and their activities. Any number of them may poll the same task
 * queue, on any number of machines: that is how the service scales out.
 */
export function createPaymentWorker(options: PaymentWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 100,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions ?? 40,
    maxConcurrentLocalActivityExecutions: options.maxConcurrentActivityTaskExecutions ?? 100,
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
  });
}
