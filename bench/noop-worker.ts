/** Worker of the Temporal ceiling: the same worker settings as the payment worker, a workflow that does nothing. */
import { NativeConnection, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: String(process.env.TEMPORAL_ADDRESS) });
  const worker = await Worker.create({
    connection,
    taskQueue: String(process.env.TEMPORAL_TASK_QUEUE),
    workflowsPath: require.resolve('./noop-workflow'),
    maxConcurrentWorkflowTaskExecutions: Number(process.env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS ?? 40),
    maxConcurrentActivityTaskExecutions: Number(process.env.WORKER_MAX_CONCURRENT_ACTIVITIES ?? 100),
  });
  process.once('SIGTERM', () => worker.shutdown());
  console.log('worker running');
  await worker.run();
  await connection.close();
}

void main();
