import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../shared/search-attributes';
import { waitForPort } from '../net/free-port';

/** Options of {@link startTemporalDevServer}. */
export interface DevServerOptions {
  /** The Temporal CLI executable. */
  cliPath: string;
  /** gRPC port of the frontend. */
  port: number;
  /** Web UI port; `undefined` starts the server headless. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; `undefined` keeps them in memory. */
  dbFilename?: string;
  /** @default 'default' */
  namespace?: string;
  /** Where the server's own log lines go. @default 'ignore' */
  stdio?: 'ignore' | 'inherit';
}

/** A running `temporal server start-dev`. */
export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the Temporal CLI's dev server (a full Temporal server on SQLite) with this service's search
 * attributes registered, and waits until its namespace answers.
 *
 * @throws Error when the process exits early or the namespace does not answer within 60 s.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'error'];
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const [key, type] of Object.entries(CUSTOM_SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${key}=${type}`);

  const child = spawn(options.cliPath, args, {
    stdio: ['ignore', options.stdio ?? 'ignore', options.stdio ?? 'ignore'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${options.port}`;

  const ready = (async () => {
    await waitForPort(options.port, '127.0.0.1', 60_000);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const probe = spawnSync(
        options.cliPath,
        ['operator', 'namespace', 'describe', '--address', address, '-n', namespace],
        {
          stdio: 'ignore',
          timeout: 10_000,
        },
      );
      if (probe.status === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`Temporal dev server on ${address} did not become ready within 60 s.`);
  })();
  const outcome = await Promise.race([ready.then(() => 'ready' as const), exited.then((code) => code)]);
  if (outcome !== 'ready') {
    throw new Error(
      `Temporal dev server exited with code ${String(outcome)} before it was ready (port ${options.port} in use?).`,
    );
  }

  return {
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://127.0.0.1:${options.uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
