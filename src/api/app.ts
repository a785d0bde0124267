import express from 'express';
import type { Client } from '@temporalio/client';
import type Stripe from 'stripe';
import type { PrismaClient } from '../db/prisma-client';
import type { Logger } from '../logger';
import { requireAdminToken } from './admin-auth';
import { ApiError, errorMiddleware } from './api-error';
import { createApiMetrics, type ApiMetrics } from './api-metrics';
import { createCatalogueRouter } from './catalogue-routes';
import { createHealthRouter } from './health-routes';
import { createPaymentRouter } from './payment-routes';
import { requestLogging } from './request-logging';
import { createWebhookRouter } from './webhook-routes';

/** Everything the HTTP API is built from; entry points and tests pass real or test parts. */
export interface AppDeps {
  prisma: PrismaClient;
  stripe: Stripe;
  temporal: { client: Client; namespace: string; taskQueue: string };
  logger: Logger;
  webhookSecrets: readonly string[];
  adminApiToken: string | undefined;
  /** @default '512kb' */
  webhookBodyLimit?: string;
  /** How long the webhook waits for Temporal to accept a signal before answering 503. @default 5000 */
  dispatchTimeoutMs?: number;
}

/** Builds the Express app: webhook, payments and catalogue API, health and metrics. */
export function createApp(deps: AppDeps): { app: express.Express; metrics: ApiMetrics } {
  const metrics = createApiMetrics(deps.prisma);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogging(deps.logger));
  app.use(createHealthRouter({ prisma: deps.prisma, client: deps.temporal.client, metrics }));
  // Before any JSON parser: the webhook reads and verifies the raw bytes.
  app.use(
    createWebhookRouter({
      prisma: deps.prisma,
      stripe: deps.stripe,
      temporal: {
        client: deps.temporal.client,
        taskQueue: deps.temporal.taskQueue,
        dispatchTimeoutMs: deps.dispatchTimeoutMs ?? 5000,
      },
      logger: deps.logger,
      webhookSecrets: deps.webhookSecrets,
      bodyLimit: deps.webhookBodyLimit ?? '512kb',
      metrics,
    }),
  );
  const admin = requireAdminToken(deps.adminApiToken);
  const json = express.json({ limit: '64kb' });
  app.use(
    '/api/v1/payments',
    admin,
    json,
    createPaymentRouter({ prisma: deps.prisma, stripe: deps.stripe, temporal: deps.temporal }),
  );
  app.use('/api/v1', admin, json, createCatalogueRouter(deps.prisma));
  app.use((req) => {
    throw new ApiError(404, 'not_found', `No route for ${req.method} ${req.path}.`);
  });
  app.use(errorMiddleware(deps.logger));
  return { app, metrics };
}
