import Stripe from 'stripe';

/** Options of {@link createStripeClient}. */
export interface StripeClientOptions {
  secretKey: string;
  /** Another API base, e.g. the emulator's `http://127.0.0.1:12180`. @default Stripe's API */
  apiBase?: string | undefined;
}

/**
 * Builds the one Stripe client of a process.
 *
 * stripe-node's own retries are off: Temporal retries activities with backoff and visibility, and
 * stripe-node would otherwise hide failed attempts inside one activity attempt.
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  return new Stripe(options.secretKey, {
    maxNetworkRetries: 0,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'course-payments' },
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}
