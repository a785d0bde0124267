/** `npm run worker`: one worker, for deployments that scale workers apart from the API. */
import { loadConfig } from '../config';
import { migrate } from '../db/migrator';
import { createPrismaClient } from '../db/prisma-client';
import { createLogger } from '../logger';
import { installTemporalRuntime } from '../temporal/runtime';
import { exitOnStartupError, onShutdownSignal } from './fatal';
import { requireRoleConfig, roleStripeClient } from './role-parts';
import { startWorkerRole } from './roles';

async function main(): Promise<void> {
  const config = loadConfig();
  const { databaseUrl, temporalAddress } = requireRoleConfig(config);
  const logger = createLogger(config.logLevel, 'course-payments-worker');
  installTemporalRuntime(logger.child({ component: 'temporal-sdk' }), {
    metricsPort: config.worker.metricsPort,
    level: 'WARN',
  });
  if (config.database.migrateOnStart) await migrate(databaseUrl, logger);
  const prisma = createPrismaClient(databaseUrl, config.database.poolSize);
  const worker = await startWorkerRole({ config, logger, prisma, stripe: roleStripeClient(config), temporalAddress });
  onShutdownSignal(async () => {
    await worker.stop();
    await prisma.$disconnect();
  });
  logger.info({ temporalAddress, taskQueue: config.temporal.taskQueue }, 'worker running');
}

main().catch(exitOnStartupError);
