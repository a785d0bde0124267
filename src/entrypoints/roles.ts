import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type Stripe from 'stripe';
import { createWorkerActivities } from '../activities';
import { createApp } from '../api/app';
import type { Config } from '../config';
import type { PrismaClient } from '../db/prisma-client';
import type { Logger } from '../logger';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { ensureReconcileSchedule } from '../temporal/reconcile-schedule';
import { createPaymentWorker } from '../worker/payment-worker';

/** The clients a role runs on; the entry point builds each once. */
export interface RoleParts {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  stripe: Stripe;
  temporalAddress: string;
}

/** A started role: stop it to drain it. */
export interface RunningRole {
  stop(): Promise<void>;
}

async function connectClient(parts: RoleParts): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect(temporalConnectionOptions(parts.config.temporal, parts.temporalAddress));
  return { client: new Client({ connection, namespace: parts.config.temporal.namespace }), connection };
}

/**
 * Starts a worker on the payments task queue and makes sure the reconcile schedule exists. Run as many
 * as you like, anywhere: Temporal spreads the work.
 */
export async function startWorkerRole(parts: RoleParts): Promise<RunningRole> {
  const { config, logger } = parts;
  const nativeConnection = await NativeConnection.connect(
    temporalConnectionOptions(config.temporal, parts.temporalAddress),
  );
  const { client, connection } = await connectClient(parts);
  const activities = createWorkerActivities({
    stripe: parts.stripe,
    prisma: parts.prisma,
    logger: logger.child({ role: 'worker' }),
    temporal: { client, taskQueue: config.temporal.taskQueue },
  });
  const worker = await createPaymentWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: config.worker.maxConcurrentWorkflowTasks,
  });
  await ensureReconcileSchedule(
    client,
    config.temporal.taskQueue,
    config.reconcile.intervalMs,
    config.reconcile.lookbackMs,
  );
  const running = worker.run();
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await Promise.all([nativeConnection.close(), connection.close()]);
    },
  };
}

/**
 * Starts the HTTP API. Stopping it stops accepting connections, lets in-flight requests finish, then
 * closes its Temporal connection.
 *
 * @throws Error when the port is taken.
 */
export async function startApiRole(
  parts: RoleParts & { webhookSecrets: string[]; adminApiToken: string | undefined },
): Promise<RunningRole & { url: string }> {
  const { config } = parts;
  const { client, connection } = await connectClient(parts);
  const { app } = createApp({
    prisma: parts.prisma,
    stripe: parts.stripe,
    temporal: { client, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue },
    logger: parts.logger.child({ role: 'api' }),
    webhookSecrets: parts.webhookSecrets,
    adminApiToken: parts.adminApiToken,
    webhookBodyLimit: config.http.webhookBodyLimit,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.http.port, config.http.host);
    listening.once('listening', () => resolve(listening));
    listening.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${config.http.port} is in use: stop what uses it or set PORT.`)
          : error,
      ),
    );
  });
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  return {
    url: `http://${host}:${config.http.port}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await connection.close();
    },
  };
}
