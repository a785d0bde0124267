import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Installs the Temporal runtime of this process once: SDK, workflow and activity log lines go to pino
 * (with the workflow and activity ids the SDK adds), and, when a port is given, the SDK's own metrics
 * are served for Prometheus on it.
 */
export function installTemporalRuntime(logger: Logger, options: { metricsPort?: number; level?: LogLevel } = {}): void {
  const bridge = new DefaultLogger(options.level ?? 'INFO', (entry) => {
    const meta: LogMetadata = entry.meta ?? {};
    logger[LEVELS[entry.level]](meta, entry.message);
  });
  Runtime.install({
    logger: bridge,
    ...(options.metricsPort !== undefined && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${options.metricsPort}` } } },
    }),
  });
}
