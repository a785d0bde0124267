import type Stripe from 'stripe';
import { createStripeClient } from '../../src/stripe/stripe-client';
import type { StripeEmulator } from '../../src/stripe-emulator/stripe-emulator';

/** A secret key the emulator accepts (any `sk_test_…`). */
export const EMULATOR_SECRET_KEY = 'sk_test_emulator';

/** The unmodified stripe SDK, pointed at an emulator. */
export function stripeFor(emulator: StripeEmulator): Stripe {
  return createStripeClient({ secretKey: EMULATOR_SECRET_KEY, apiBase: emulator.url });
}

/** Calls the emulator's control API. */
export async function control(
  emulator: StripeEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
