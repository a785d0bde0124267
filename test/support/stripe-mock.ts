import { spawn, type ChildProcess } from 'node:child_process';
import { findTool } from '../../src/tools/tool-paths';
import { findFreePort, waitForPort } from '../../src/net/free-port';

/** A running stripe-mock: Stripe's stateless mock, which validates requests against Stripe's OpenAPI spec. */
export interface StripeMock {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts stripe-mock on a free port.
 *
 * @throws Error when stripe-mock is not installed (npm install builds it).
 */
export async function startStripeMock(): Promise<StripeMock> {
  const tool = findTool('stripe-mock');
  if (!tool)
    throw new Error('stripe-mock is not installed: run npm install (it builds it with Go) or set STRIPE_MOCK_PATH.');
  const port = await findFreePort();
  const child: ChildProcess = spawn(tool.path, ['-http-addr', `127.0.0.1:${port}`], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
