import { ConfigError } from '../config';

/** Ends start-up with one line that says what to do, and exit code 1. */
export function exitOnStartupError(error: unknown): never {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`course-payments: ${message}\n`);
  process.exit(1);
}

/**
 * Runs `stop` on the first SIGINT or SIGTERM; a second one exits at once.
 */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`course-payments: ${signal}, shutting down (again to force)\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => exitOnStartupError(error),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
