import Stripe from 'stripe';
import type { Client } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/logger';
import type { Express } from 'express';
import { eventsOf, startPaymentHarness, type PaymentHarness } from './payment-harness';

export const CURRENT_SECRET = 'whsec_current_test_secret';
export const OLD_SECRET = 'whsec_old_test_secret';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The real app over a payment harness's clients. */
export function appFor(h: PaymentHarness, overrides: { client?: Client; webhookBodyLimit?: string } = {}) {
  return createApp({
    prisma: h.prisma,
    stripe: h.stripe,
    temporal: { client: overrides.client ?? h.client, namespace: 'default', taskQueue: h.taskQueue },
    logger: createLogger('silent', 'test-api'),
    webhookSecrets: [CURRENT_SECRET, OLD_SECRET],
    adminApiToken: ADMIN_TOKEN,
    dispatchTimeoutMs: 2000,
    ...(overrides.webhookBodyLimit && { webhookBodyLimit: overrides.webhookBodyLimit }),
  }).app;
}

const signer = new Stripe('sk_test_signer');

/** A Stripe-Signature header as Stripe computes it. */
export function sign(payload: string, secret = CURRENT_SECRET, timestamp = Math.floor(Date.now() / 1000)): string {
  return signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** One event, as the JSON body Stripe would post. */
export function payloadOf(h: PaymentHarness, paymentIntentId: string, type: string): string {
  const event = eventsOf(h, paymentIntentId, type)[0];
  if (!event) throw new Error(`no ${type} event for ${paymentIntentId}`);
  return JSON.stringify(event);
}

/**
 * For a describe block: a payment harness and the real app over it, started before its tests and
 * stopped after. Read `h` and `app` inside the tests.
 */
export function useAppHarness(): { readonly h: PaymentHarness; readonly app: Express } {
  const suite = {} as { h: PaymentHarness; app: Express };
  beforeAll(async () => {
    suite.h = await startPaymentHarness();
    suite.app = appFor(suite.h);
  });
  afterAll(() => suite.h.stop());
  return suite;
}
