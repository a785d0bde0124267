/** `npm run api`: the HTTP API alone, for deployments that scale it apart from the workers. */
import { loadConfig } from '../config';
import { migrate } from '../db/migrator';
import { createPrismaClient } from '../db/prisma-client';
import { createLogger } from '../logger';
import { exitOnStartupError, onShutdownSignal } from './fatal';
import { requireRoleConfig, roleStripeClient } from './role-parts';
import { startApiRole } from './roles';

async function main(): Promise<void> {
  const config = loadConfig();
  const { databaseUrl, temporalAddress } = requireRoleConfig(config);
  if (config.stripe.webhookSecrets.length === 0)
    throw new Error('STRIPE_WEBHOOK_SECRETS: required to verify webhooks.');
  const logger = createLogger(config.logLevel, 'course-payments-api');
  if (config.database.migrateOnStart) await migrate(databaseUrl, logger);
  const prisma = createPrismaClient(databaseUrl, config.database.poolSize);
  const api = await startApiRole({
    config,
    logger,
    prisma,
    stripe: roleStripeClient(config),
    temporalAddress,
    webhookSecrets: config.stripe.webhookSecrets,
    adminApiToken: config.http.adminApiToken,
  });
  onShutdownSignal(async () => {
    await api.stop();
    await prisma.$disconnect();
  });
  logger.info({ url: api.url }, 'API listening');
}

main().catch(exitOnStartupError);
