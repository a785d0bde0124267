import type { Config } from '../config';
import { createStripeClient } from '../stripe/stripe-client';

/**
 * Checks what a single role (`npm run worker`, `npm run api`) needs from the environment: they start
 * nothing embedded, so the database and Stripe must be configured.
 *
 * @throws Error naming the missing variable.
 */
export function requireRoleConfig(config: Config): { databaseUrl: string; temporalAddress: string } {
  if (!config.database.url)
    throw new Error('DATABASE_URL: required when running one role alone (npm start embeds a database).');
  if (!config.stripe.secretKey && !config.stripe.apiBase) {
    throw new Error(
      'STRIPE_SECRET_KEY: required when running one role alone (or STRIPE_API_BASE for a Stripe emulator).',
    );
  }
  return {
    databaseUrl: config.database.url,
    temporalAddress: config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`,
  };
}

/** The Stripe client of a single role. */
export function roleStripeClient(config: Config) {
  return createStripeClient({
    secretKey: config.stripe.secretKey ?? 'sk_test_emulator',
    apiBase: config.stripe.apiBase,
  });
}
