import { Client, Connection } from '@temporalio/client';
import { Worker, NativeConnection } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { testEnv } from '../setup/test-env';
import { smokeWorkflow } from './fixtures/smoke-workflows';

describe('Temporal dev server smoke test', () => {
  test('when a workflow runs on a real worker against the dev server, then its activity result comes back', async () => {
    const address = testEnv('temporalAddress');
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    const taskQueue = `smoke-${randomUUID()}`;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./fixtures/smoke-workflows'),
      activities: { greet: (name: string) => Promise.resolve(`hello, ${name}`) },
    });
    try {
      const result = await worker.runUntil(
        new Client({ connection }).workflow.execute(smokeWorkflow, {
          taskQueue,
          workflowId: taskQueue,
          args: ['temporal'],
        }),
      );
      expect(result).toBe('hello, temporal');
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});
