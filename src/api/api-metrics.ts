import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PrismaClient } from '../db/prisma-client';

/** The API's Prometheus metrics, in a registry of its own (no module-level global). */
export interface ApiMetrics {
  registry: Registry;
  webhooks: Counter<'type' | 'outcome'>;
  signatureFailures: Counter<'reason'>;
  webhookSeconds: Histogram<'outcome'>;
}

/**
 * Creates the registry. `payments_by_state` is read from the database at scrape time, so it is right
 * however many API processes there are.
 */
export function createApiMetrics(prisma: PrismaClient): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'course_payments_api_' });
  const webhooks = new Counter({
    name: 'course_payments_webhooks_total',
    help: 'Stripe webhook deliveries by event type and outcome (dispatched, ignored, duplicate, rejected, unavailable).',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const signatureFailures = new Counter({
    name: 'course_payments_webhook_signature_failures_total',
    help: 'Webhook deliveries refused for a missing, invalid or stale signature.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const webhookSeconds = new Histogram({
    name: 'course_payments_webhook_duration_seconds',
    help: 'Time from receiving a webhook to answering it.',
    labelNames: ['outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'course_payments_payment_intents',
    help: 'Local PaymentIntents by Stripe status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const groups = await prisma.paymentIntent.groupBy({ by: ['status'], _count: { _all: true } });
      this.reset();
      for (const group of groups) this.set({ status: group.status }, group._count._all);
    },
  });
  return { registry, webhooks, signatureFailures, webhookSeconds };
}
