import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreeFixedPort } from '../../src/net/free-port';
import { eventually } from '../support/emulator-client';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** `npm start` running as a child process on embedded defaults, on free ports and its own data folder. */
export interface StackProcess {
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  emulatorUrl: string;
  output: () => string;
  /** Starts (again) on the same ports and data. */
  start(): Promise<void>;
  /** SIGKILL to the whole process group: the service and its Temporal dev server die at once. */
  crash(): Promise<void>;
  /** SIGINT, as Ctrl-C, and waits for a clean exit. */
  stop(): Promise<void>;
}

/** Prepares a stack with its own ports and data folder; `extraEnv` adds settings such as RECONCILE_INTERVAL. */
export async function createStack(extraEnv: Record<string, string> = {}): Promise<StackProcess> {
  const [port, temporalPort, uiPort, emulatorPort, pglitePort, metricsPort] = await Promise.all(
    Array.from({ length: 6 }, () => findFreeFixedPort()),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'course-payments-e2e-')),
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    STRIPE_EMULATOR_PORT: String(emulatorPort),
    PGLITE_PORT: String(pglitePort),
    WORKER_METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  for (const key of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'STRIPE_SECRET_KEY',
    'STRIPE_API_BASE',
    'ADMIN_API_TOKEN',
    'STRIPE_WEBHOOK_SECRETS',
  ])
    delete env[key];
  let child: ChildProcess | undefined;
  let log = '';
  const exited = () =>
    new Promise<void>((resolve) =>
      child && child.exitCode === null && child.signalCode === null ? child.once('exit', () => resolve()) : resolve(),
    );
  const stack: StackProcess = {
    env,
    apiUrl: `http://127.0.0.1:${port}`,
    emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
    output: () => log,
    async start() {
      child = spawn(TSX, ['src/entrypoints/stack.ts'], {
        cwd: ROOT,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      await eventually(
        async () => {
          if (child?.exitCode !== null) throw new Error(`stack exited early:\n${log}`);
          const ready = await fetch(`${stack.apiUrl}/readyz`).catch(() => undefined);
          return ready?.ok ? true : undefined;
        },
        90_000,
        'the stack to be ready',
      );
    },
    async crash() {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
      await exited();
    },
    async stop() {
      if (child?.exitCode === null) child.kill('SIGINT');
      await exited();
    },
  };
  return stack;
}

/** Runs the `payments` CLI against a stack; returns its exit code and output. */
export function runCli(
  stack: StackProcess,
  args: string[],
  timeoutMs = 240_000,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(TSX, ['src/cli/payments-cli.ts', ...args], {
    cwd: ROOT,
    env: stack.env,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
