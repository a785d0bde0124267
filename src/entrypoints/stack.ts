/**
 * `npm start`: the whole service in one command. Every part the environment does not configure starts
 * embedded: a Temporal dev server (Web UI included), PGlite, the Stripe emulator; then the worker and the
 * API. Ctrl-C stops everything cleanly; the next start resumes in-flight workflows.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config';
import { migrate } from '../db/migrator';
import { createPrismaClient } from '../db/prisma-client';
import { seedDemoCatalogueIfEmpty } from '../embedded/demo-catalogue';
import { devSecretsPath, loadOrCreateDevSecrets } from '../embedded/dev-secrets';
import { startEmbeddedPostgres } from '../embedded/embedded-postgres';
import { createLogger } from '../logger';
import { isPortFree } from '../net/free-port';
import { STRIPE_WEBHOOK_PATH } from '../api/webhook-routes';
import { StripeEmulator } from '../stripe-emulator/stripe-emulator';
import { createStripeClient } from '../stripe/stripe-client';
import { startTemporalDevServer } from '../temporal/dev-server';
import { installTemporalRuntime } from '../temporal/runtime';
import { requireTemporalCli } from '../tools/tool-paths';
import { exitOnStartupError, onShutdownSignal } from './fatal';
import { startApiRole, startWorkerRole } from './roles';

/** Key a Stripe emulator accepts; not a secret. */
const EMULATOR_KEY = 'sk_test_emulator';

async function assertPortsFree(ports: { port: number; variable: string }[]): Promise<void> {
  for (const { port, variable } of ports) {
    if (!(await isPortFree(port)))
      throw new Error(`Port ${port} is in use: stop what uses it or set ${variable} to a free port.`);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'course-payments');
  const dataDir = path.resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const embedTemporal = !config.temporal.address;
  const embedDatabase = !config.database.url;
  const embedStripe = !config.stripe.secretKey && !config.stripe.apiBase;
  await assertPortsFree([
    { port: config.http.port, variable: 'PORT' },
    { port: config.worker.metricsPort, variable: 'WORKER_METRICS_PORT' },
    ...(embedTemporal
      ? [
          {
            port: config.temporal.devServerPort,
            variable: 'TEMPORAL_DEV_PORT (or TEMPORAL_ADDRESS to use a running server)',
          },
          { port: config.temporal.uiPort, variable: 'TEMPORAL_UI_PORT' },
        ]
      : []),
    ...(embedStripe ? [{ port: config.stripe.emulatorPort, variable: 'STRIPE_EMULATOR_PORT' }] : []),
  ]);
  const temporalCli = embedTemporal ? requireTemporalCli() : undefined;
  installTemporalRuntime(logger.child({ component: 'temporal-sdk' }), {
    metricsPort: config.worker.metricsPort,
    level: 'WARN',
  });

  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse())
      await stop().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
  };
  onShutdownSignal(stopAll);

  let temporalAddress = config.temporal.address ?? '';
  let temporalUi: string | undefined;
  if (temporalCli) {
    const server = await startTemporalDevServer({
      cliPath: temporalCli,
      port: config.temporal.devServerPort,
      uiPort: config.temporal.uiPort,
      dbFilename: path.join(dataDir, 'temporal.sqlite'),
      namespace: config.temporal.namespace,
    });
    stoppers.push(() => server.stop());
    temporalAddress = server.address;
    temporalUi = server.uiUrl;
  }

  let databaseUrl = config.database.url ?? '';
  if (embedDatabase) {
    const postgres = await startEmbeddedPostgres(dataDir, config.database.pglitePort);
    stoppers.push(() => postgres.stop());
    databaseUrl = postgres.url;
  }
  if (config.database.migrateOnStart) await migrate(databaseUrl, logger);
  // PGlite is one session: one connection keeps interactive transactions from interleaving.
  const prisma = createPrismaClient(databaseUrl, embedDatabase ? 1 : config.database.poolSize);
  stoppers.push(() => prisma.$disconnect());

  const devSecrets = !config.http.adminApiToken || embedStripe ? await loadOrCreateDevSecrets(dataDir) : undefined;
  const adminApiToken = config.http.adminApiToken ?? devSecrets?.adminApiToken;
  let webhookSecrets = config.stripe.webhookSecrets;
  let stripe;
  let emulatorUrl: string | undefined;
  if (embedStripe) {
    const signingSecret = webhookSecrets[0] ?? devSecrets?.webhookSecret ?? '';
    webhookSecrets = webhookSecrets.length > 0 ? webhookSecrets : [signingSecret];
    const emulator = await StripeEmulator.start({
      port: config.stripe.emulatorPort,
      persistPath: path.join(dataDir, 'stripe-emulator.json'),
      webhookEndpoints: [{ url: `http://127.0.0.1:${config.http.port}${STRIPE_WEBHOOK_PATH}`, secret: signingSecret }],
      retry: { retryBaseMs: 1000, maxAttempts: 10 },
    });
    stoppers.push(() => emulator.stop());
    emulatorUrl = emulator.url;
    stripe = createStripeClient({ secretKey: EMULATOR_KEY, apiBase: emulator.url });
    if (await seedDemoCatalogueIfEmpty(prisma)) logger.info('seeded the demo catalogue');
  } else {
    stripe = createStripeClient({ secretKey: config.stripe.secretKey ?? EMULATOR_KEY, apiBase: config.stripe.apiBase });
    if (webhookSecrets.length === 0)
      throw new Error(
        'STRIPE_WEBHOOK_SECRETS: required with STRIPE_API_BASE (the secret your Stripe stand-in signs with).',
      );
  }

  const parts = { config, logger, prisma, stripe, temporalAddress };
  const worker = await startWorkerRole(parts);
  stoppers.push(() => worker.stop());
  const api = await startApiRole({ ...parts, webhookSecrets, adminApiToken });
  stoppers.push(() => api.stop());

  const line = (what: string, embedded: boolean, where: string) =>
    `  ${what.padEnd(10)} ${embedded ? 'embedded' : 'real    '}  ${where}\n`;
  process.stdout.write(
    '\ncourse-payments is running\n' +
      line('API', false, `${api.url}  (webhook: ${api.url}${STRIPE_WEBHOOK_PATH})`) +
      line(
        'Temporal',
        embedTemporal,
        `${temporalAddress}${temporalUi ? `  Web UI: ${temporalUi}` : ''}  namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
      ) +
      line(
        'Database',
        embedDatabase,
        embedDatabase
          ? `PGlite on ${databaseUrl} (data in ${path.join(dataDir, 'pglite')})`
          : 'PostgreSQL (DATABASE_URL)',
      ) +
      line(
        'Stripe',
        embedStripe,
        emulatorUrl ? `emulator on ${emulatorUrl}` : (config.stripe.apiBase ?? 'api.stripe.com'),
      ) +
      `  Metrics    ${api.url}/metrics, worker SDK metrics on :${config.worker.metricsPort}/metrics\n` +
      (config.http.adminApiToken
        ? ''
        : `  Admin token generated in ${devSecretsPath(dataDir)} (the payments CLI reads it)\n`) +
      '  Try: npm run payments -- simulate --count 100     Ctrl-C stops everything.\n\n',
  );
}

main().catch(exitOnStartupError);
