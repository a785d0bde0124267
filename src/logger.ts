import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths that must never reach a log line, wherever they appear in a logged object. Logging a whole Stripe
 * object or request would otherwise leak them.
 */
export const REDACTED_PATHS = [
  'client_secret',
  '*.client_secret',
  'clientSecret',
  '*.clientSecret',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["stripe-signature"]',
  '*.headers["stripe-signature"]',
  'secretKey',
  '*.secretKey',
  'webhookSecrets',
  '*.webhookSecrets',
  'apiKey',
  '*.apiKey',
];

/** JSON logger for a process; `name` says which role wrote the line (api, worker, stack). */
export function createLogger(level: string, name: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, name, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
