/**
 * `npm run chaos -- --payments 500 --duration 120s [--seed N] [--concurrency C]`
 *
 * Runs the service as separate processes (API, worker, a Temporal dev server with its data on disk, real
 * PostgreSQL, the Stripe emulator) while the simulator pays with a realistic mix, and injects faults on a
 * seeded schedule. Then waits for quiescence, checks the design brief's invariants, prints what it did,
 * and exits 1 on any violation (with the seed to reproduce it).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import Stripe from 'stripe';
import { parseDuration } from '../src/config';
import { createPrismaClient } from '../src/db/prisma-client';
import { findFreeFixedPort } from '../src/net/free-port';
import { simulate, parseMix, type SimulatedPayment } from '../src/cli/simulate';
import { table, type ApiClient } from '../src/cli/cli-support';
import { StripeEmulator } from '../src/stripe-emulator/stripe-emulator';
import { seededRandom } from '../src/stripe-emulator/seeded-random';
import { startTemporalDevServer, type DevServer } from '../src/temporal/dev-server';
import { requireTemporalCli } from '../src/tools/tool-paths';
import { createMigratedDatabase, dropDatabase, DEFAULT_ADMIN_DATABASE_URL } from '../test/setup/test-database';
import { startNode, type MeasuredProcess } from '../bench/child-process';
import { checkInvariants } from './invariants';

const SECRET = 'whsec_chaos_secret';
const TOKEN = 'chaos-admin-token-0123456789';
const FAULTS = [
  'kill worker',
  'kill API',
  'restart Temporal',
  'terminate PostgreSQL connections',
  'PostgreSQL refuses connections',
] as const;
type Fault = (typeof FAULTS)[number];

function options() {
  const { values } = parseArgs({
    options: {
      payments: { type: 'string', default: '500' },
      duration: { type: 'string', default: '120s' },
      seed: { type: 'string', default: String(Date.now() % 100_000) },
      concurrency: { type: 'string', default: '6' },
    },
  });
  const payments = Number(values.payments);
  const durationMs = parseDuration(String(values.duration));
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  if (
    !Number.isInteger(payments) ||
    payments < 1 ||
    durationMs === undefined ||
    !Number.isInteger(seed) ||
    !Number.isInteger(concurrency) ||
    concurrency < 1
  ) {
    process.stderr.write(
      'chaos: --payments N, --duration 120s, --seed N and --concurrency C are required to be valid\n',
    );
    process.exit(2);
  }
  return { payments, durationMs, seed, concurrency };
}

/** The API client of the simulator, retrying while the API is being killed and restarted. */
function resilientApi(baseUrl: string): ApiClient {
  return {
    async request<T>(method: string, path: string, body?: unknown) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const response = await fetch(`${baseUrl}${path}`, {
            method,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            ...(body !== undefined && { body: JSON.stringify(body) }),
            signal: AbortSignal.timeout(15_000),
          });
          const text = await response.text();
          if (response.status >= 500 && attempt < 60) throw new Error(`status ${response.status}`);
          return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
        } catch (error) {
          if (attempt >= 60) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    },
  };
}

async function main(): Promise<void> {
  const { payments, durationMs, seed, concurrency } = options();
  const log = (line: string) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const random = seededRandom(seed);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'course-payments-chaos-'));
  const [apiPort, temporalPort] = [await findFreeFixedPort(), await findFreeFixedPort()];
  const cli = requireTemporalCli();
  const startTemporal = () =>
    startTemporalDevServer({ cliPath: cli, port: temporalPort, dbFilename: path.join(dataDir, 'temporal.sqlite') });
  let temporalServer: DevServer = await startTemporal();
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? DEFAULT_ADMIN_DATABASE_URL;
  const databaseUrl = await createMigratedDatabase(adminUrl);
  const databaseName = new URL(databaseUrl).pathname.slice(1);
  const emulator = await StripeEmulator.start({
    seed,
    webhookEndpoints: [{ url: `http://127.0.0.1:${apiPort}/api/v1/payments/webhooks/stripe`, secret: SECRET }],
    // Stripe retries every delivery for days; what can truly go missing is a success nobody heard of,
    // which reconciliation recovers. Drops hit that event only.
    chaos: { dropRate: 0.15, dropTypes: ['payment_intent.succeeded'], duplicateRate: 0.15, maxDelayMs: 1500 },
    retry: { retryBaseMs: 500, maxAttempts: 12 },
    behaviour: { asyncSettleMs: 1500 },
  });
  emulator.faults.add({ match: 'GET /v1/payment_intents/*', errorRate: 0.08, errorStatus: 500 });
  emulator.faults.add({ match: 'GET /v1/payment_intents/*', errorRate: 0.05, errorStatus: 429 });
  emulator.faults.add({ match: 'POST /v1/payment_intents', errorRate: 0.05, errorStatus: 500 });
  emulator.faults.add({ match: 'GET /v1/payment_intents/*', latencyMs: 120 });

  const env = {
    ...process.env,
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    TEMPORAL_ADDRESS: temporalServer.address,
    STRIPE_API_BASE: emulator.url,
    STRIPE_SECRET_KEY: 'sk_test_emulator',
    STRIPE_WEBHOOK_SECRETS: SECRET,
    ADMIN_API_TOKEN: TOKEN,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    MIGRATE_ON_START: 'false',
    RECONCILE_INTERVAL: '5s',
    RECONCILE_LOOKBACK: '1h',
    WORKER_METRICS_PORT: String(await findFreeFixedPort()),
  };
  const startWorker = () => startNode('src/entrypoints/worker.ts', env);
  const startApi = () => startNode('src/entrypoints/api.ts', env);
  let worker: MeasuredProcess = startWorker();
  let api: MeasuredProcess = startApi();
  const waitApi = async () => {
    while (
      !(await fetch(`http://127.0.0.1:${apiPort}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      await new Promise((r) => setTimeout(r, 100));
  };
  await waitApi();

  const injected = new Map<Fault, number>(FAULTS.map((fault) => [fault, 0]));
  const pause = () => 1000 + Math.floor(random() * 3000);
  const admin = async (sql: string) => {
    const db = new PgClient({ connectionString: adminUrl });
    await db.connect();
    try {
      await db.query(sql);
    } finally {
      await db.end();
    }
  };
  const terminate = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${databaseName}' AND pid <> pg_backend_pid()`;
  const inject: Record<Fault, () => Promise<void>> = {
    'kill worker': async () => {
      await worker.kill();
      await new Promise((r) => setTimeout(r, pause()));
      worker = startWorker();
    },
    'kill API': async () => {
      await api.kill();
      await new Promise((r) => setTimeout(r, pause()));
      api = startApi();
      await waitApi();
    },
    'restart Temporal': async () => {
      await temporalServer.stop();
      await new Promise((r) => setTimeout(r, pause()));
      temporalServer = await startTemporal();
    },
    'terminate PostgreSQL connections': () => admin(terminate),
    'PostgreSQL refuses connections': async () => {
      await admin(`ALTER DATABASE "${databaseName}" WITH ALLOW_CONNECTIONS false`);
      await admin(terminate);
      await new Promise((r) => setTimeout(r, pause()));
      await admin(`ALTER DATABASE "${databaseName}" WITH ALLOW_CONNECTIONS true`);
    },
  };

  const stripe = new Stripe('sk_test_emulator', {
    host: '127.0.0.1',
    port: emulator.port,
    protocol: 'http',
    maxNetworkRetries: 8,
  });
  const courseTag = { courseId: '' };
  const started = Date.now();
  const chaosUntil = started + durationMs;
  const faultLoop = (async () => {
    while (Date.now() < chaosUntil) {
      await new Promise((r) => setTimeout(r, 4000 + Math.floor(random() * 6000)));
      if (Date.now() >= chaosUntil) break;
      const fault = FAULTS[Math.floor(random() * FAULTS.length)] as Fault;
      log(`fault: ${fault}`);
      await inject[fault]();
      injected.set(fault, (injected.get(fault) ?? 0) + 1);
    }
  })();
  log(`paying ${payments} PaymentIntents (seed ${seed}); faults for ${durationMs / 1000} s`);
  let results: SimulatedPayment[] = [];
  const simulation = simulate(resilientApi(`http://127.0.0.1:${apiPort}`), stripe, emulator.url, {
    count: payments,
    concurrency,
    mix: parseMix('success=60,retry=12,decline=6,async=10,refund=8,cancel=4'),
    duplicates: 0.15,
    timeoutMs: durationMs + 300_000,
    seed,
    onCourse: (id) => (courseTag.courseId = id),
  }).then((r) => (results = r));
  await Promise.all([faultLoop, simulation]);
  log('all payments settled; waiting for webhook deliveries and reconciliation to go quiet');
  emulator.faults.clear();
  await Promise.race([emulator.dispatcher.waitForIdle(), new Promise((r) => setTimeout(r, 120_000))]);
  await new Promise((r) => setTimeout(r, 8000));

  const prisma = createPrismaClient(databaseUrl, 2);
  const connection = await Connection.connect({ address: temporalServer.address });
  const invariants = await checkInvariants(
    emulator,
    prisma,
    new TemporalClient({ connection }),
    courseTag.courseId,
    results,
  );
  const delivery = emulator.dispatcher.getStats();
  process.stdout.write(
    `\n${table(
      ['fault', 'injected'],
      [...injected].map(([fault, count]) => [fault, count]),
    )}\n` +
      `${table(
        ['Stripe and webhook chaos', 'count'],
        [
          ['webhook deliveries dropped', delivery.dropped],
          ['webhook deliveries duplicated', delivery.duplicated],
          ['failed delivery attempts (retried)', delivery.failedAttempts],
          ['Stripe API requests', emulator.totalRequests()],
          ...[...emulator.faults.injected].map(([status, count]) => [`Stripe answers ${status} injected`, count]),
        ],
      )}\n\n` +
      `${table(
        ['invariant', 'checked', 'violations'],
        invariants.map((i) => [i.name, i.checked, i.violations.length]),
      )}\n`,
  );
  const violations = invariants.flatMap((i) => i.violations);
  for (const violation of violations.slice(0, 20)) process.stdout.write(`  violation: ${violation}\n`);
  process.stdout.write(
    `${payments} payments, ${((Date.now() - started) / 1000).toFixed(0)} s, seed ${seed}: ${violations.length === 0 ? 'no violations' : `${violations.length} violations (reproduce with --seed ${seed})`}\n`,
  );

  await connection.close();
  await prisma.$disconnect();
  await Promise.all([worker.stop(), api.stop()]);
  await emulator.stop();
  await temporalServer.stop();
  await dropDatabase(adminUrl, databaseUrl);
  process.exit(violations.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
