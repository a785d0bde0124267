/**
 * `npm run bench [-- --quick] [--sizes 100,1000,5000] [--concurrency 20] [--stripe-latency 150] [--pool-size 10]`
 *
 * Measures, side by side in one run on the same Temporal dev server, PostgreSQL and Stripe emulator:
 *   1. course-payments: signed webhook over HTTP -> workflow -> transaction -> enrollment;
 *   2. the inline baseline: the same steps inside the webhook request;
 *   3. the Temporal ceiling: as many signalWithStart calls on a workflow that does nothing;
 *   4. the database ceiling: the same upserts written directly.
 * Prints a table and writes JSON and Markdown under bench/results/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createPrismaClient } from '../src/db/prisma-client';
import { findFreeFixedPort } from '../src/net/free-port';
import { StripeEmulator } from '../src/stripe-emulator/stripe-emulator';
import type { DeliveryAttempt } from '../src/stripe-emulator/webhook-dispatcher';
import { startTemporalDevServer } from '../src/temporal/dev-server';
import { requireTemporalCli } from '../src/tools/tool-paths';
import { percentile, table } from '../src/cli/cli-support';
import { createMigratedDatabase, dropDatabase, DEFAULT_ADMIN_DATABASE_URL } from '../test/setup/test-database';
import { startNode, type MeasuredProcess } from './child-process';

const SECRET = 'whsec_bench_secret';
const WEBHOOK_PATH = '/api/v1/payments/webhooks/stripe';

interface Options {
  sizes: number[];
  concurrency: number;
  stripeLatencyMs: number;
  poolSize: number;
  quick: boolean;
}

/** One measured row. */
export interface BenchRow {
  mode: 'course-payments' | 'inline baseline' | 'temporal ceiling' | 'database ceiling';
  size: number;
  ackP50: number | null;
  ackP95: number | null;
  ackP99: number | null;
  doneP50: number;
  doneP95: number;
  doneP99: number;
  perSecond: number;
  workerRssMb: number | null;
  apiRssMb: number | null;
  stripeCallsPerPayment: number | null;
  historyEventsPerWorkflow: number | null;
  /** Webhook deliveries answered non-2xx (and so retried by the emulator, as Stripe would). */
  failedDeliveries: number | null;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      concurrency: { type: 'string', default: '20' },
      'stripe-latency': { type: 'string', default: '150' },
      'pool-size': { type: 'string', default: '10' },
    },
  });
  const sizes = (values.sizes ?? (values.quick ? '40' : '100,1000,5000')).split(',').map(Number);
  const numbers = [...sizes, Number(values.concurrency), Number(values['stripe-latency']), Number(values['pool-size'])];
  if (numbers.some((n) => !Number.isInteger(n) || n < 0) || sizes.some((n) => n < 1)) {
    process.stderr.write('bench: --sizes, --concurrency, --stripe-latency and --pool-size take whole numbers\n');
    process.exit(2);
  }
  return {
    sizes,
    concurrency: Number(values.concurrency),
    stripeLatencyMs: Number(values['stripe-latency']),
    poolSize: Number(values['pool-size']),
    quick: values.quick ?? false,
  };
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
};

type Measured = { ack: ReturnType<typeof stats> | null; done: ReturnType<typeof stats>; perSecond: number };

/** A table row from a measurement; what a mode does not measure stays null. */
function rowOf(mode: BenchRow['mode'], size: number, m: Measured, extra: Partial<BenchRow>): BenchRow {
  return {
    mode,
    size,
    ackP50: m.ack?.p50 ?? null,
    ackP95: m.ack?.p95 ?? null,
    ackP99: m.ack?.p99 ?? null,
    doneP50: m.done.p50,
    doneP95: m.done.p95,
    doneP99: m.done.p99,
    perSecond: m.perSecond,
    workerRssMb: null,
    apiRssMb: null,
    stripeCallsPerPayment: null,
    historyEventsPerWorkflow: null,
    failedDeliveries: null,
    ...extra,
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const temporalServer = await startTemporalDevServer({
    cliPath: requireTemporalCli(),
    port: await findFreeFixedPort(),
  });
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? DEFAULT_ADMIN_DATABASE_URL;
  const databaseUrl = await createMigratedDatabase(adminUrl);
  const prisma = createPrismaClient(databaseUrl, 4);
  const emulator = await StripeEmulator.start({ retry: { retryBaseMs: 500, maxAttempts: 20 } });
  const connection = await Connection.connect({ address: temporalServer.address });
  const client = new Client({ connection });
  const attempts: DeliveryAttempt[] = [];
  emulator.dispatcher.onAttempt = (attempt) => attempts.push(attempt);
  emulator.dispatcher.maxInFlight = options.concurrency;
  const baseEnv = {
    ...process.env,
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(options.poolSize),
    TEMPORAL_ADDRESS: temporalServer.address,
    STRIPE_API_BASE: emulator.url,
    STRIPE_SECRET_KEY: 'sk_test_emulator',
    STRIPE_WEBHOOK_SECRETS: SECRET,
    ADMIN_API_TOKEN: 'bench-admin-token-0123456789',
    MIGRATE_ON_START: 'false',
    WORKER_MAX_CONCURRENT_ACTIVITIES: '100',
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '40',
  };

  const waitForPollers = async (taskQueue: string) => {
    for (;;) {
      const described = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      if ((described.pollers ?? []).length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const waitHealthy = async (url: string, child: MeasuredProcess) => {
    for (;;) {
      if (
        await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      child.peakRssMb();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  /** A course and `size` students of its own. */
  const seedCatalogue = async (tag: string, size: number): Promise<void> => {
    await prisma.course.create({ data: { id: tag, title: tag, priceAmount: 2500, currency: 'usd' } });
    await prisma.student.createMany({
      data: Array.from({ length: size }, (_, i) => ({
        id: `${tag}_s${i}`,
        email: `${tag}${i}@example.test`,
        name: 'Bench',
      })),
    });
  };

  /** Creates a course, students, PaymentIntents in the emulator and their local rows. */
  const setupPayments = async (tag: string, size: number): Promise<string[]> => {
    await seedCatalogue(tag, size);
    const ids = Array.from(
      { length: size },
      (_, i) =>
        emulator.operations.createPaymentIntent({
          amount: 2500,
          currency: 'usd',
          metadata: { studentId: `${tag}_s${i}`, courseId: tag, platform: 'course-payments' },
        }).id,
    );
    await prisma.paymentIntent.createMany({
      data: ids.map((id, i) => ({
        id,
        studentId: `${tag}_s${i}`,
        courseId: tag,
        amount: 2500,
        currency: 'usd',
        status: 'REQUIRES_PAYMENT_METHOD' as const,
      })),
    });
    await emulator.dispatcher.waitForIdle();
    return ids;
  };

  /** Pays every PaymentIntent, lets webhooks flow to `url`, waits for every enrollment. */
  const payAndWait = async (tag: string, ids: string[], url: string, children: MeasuredProcess[]) => {
    emulator.dispatcher.clearEndpoints();
    emulator.dispatcher.addEndpoint({
      url: `${url}${WEBHOOK_PATH}`,
      secret: SECRET,
      enabledEvents: ['payment_intent.succeeded', 'charge.succeeded'],
    });
    attempts.length = 0;
    emulator.faults.add({ match: '*', latencyMs: options.stripeLatencyMs });
    const callsBefore = emulator.totalRequests();
    const started = Date.now();
    for (const id of ids) emulator.operations.confirmPaymentIntent(id, { payment_method: 'pm_card_visa' });
    const deadline = Date.now() + 120_000 + ids.length * 200;
    for (;;) {
      for (const child of children) child.peakRssMb();
      const enrolled = await prisma.enrollment.count({ where: { courseId: tag } });
      if (enrolled >= ids.length) break;
      if (Date.now() > deadline) throw new Error(`${tag}: only ${enrolled} of ${ids.length} enrolled in time`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const finished = Date.now();
    const calls = emulator.totalRequests() - callsBefore;
    emulator.faults.clear();
    await emulator.dispatcher.waitForIdle();
    const enrollments = await prisma.enrollment.findMany({
      where: { courseId: tag },
      select: { paymentIntentId: true, enrolledAt: true },
    });
    // The deliveries that carry work; the charge.succeeded beside each is ignored in a millisecond.
    const working = attempts.filter((a) => a.eventType === 'payment_intent.succeeded');
    const firstDelivery = new Map<string, number>();
    for (const a of working) if (!firstDelivery.has(a.objectId)) firstDelivery.set(a.objectId, a.startedAt);
    const done = enrollments.map((e) => e.enrolledAt.getTime() - (firstDelivery.get(e.paymentIntentId) ?? started));
    return {
      ack: stats(working.filter((a) => a.status === 200).map((a) => a.ms)),
      failed: attempts.filter((a) => a.status === null || a.status >= 300).length,
      done: stats(done),
      perSecond: ids.length / ((finished - started) / 1000),
      callsPerPayment: calls / ids.length,
    };
  };

  const rows: BenchRow[] = [];
  for (const size of options.sizes) {
    const run = `${size}_${Date.now().toString(36)}`;
    {
      log(`course-payments, ${size} payments`);
      const taskQueue = `bench-${run}`;
      const port = await findFreeFixedPort();
      const worker = startNode('src/entrypoints/worker.ts', {
        ...baseEnv,
        TEMPORAL_TASK_QUEUE: taskQueue,
        WORKER_METRICS_PORT: String(await findFreeFixedPort()),
      });
      const api = startNode('src/entrypoints/api.ts', {
        ...baseEnv,
        TEMPORAL_TASK_QUEUE: taskQueue,
        PORT: String(port),
        HOST: '127.0.0.1',
      });
      try {
        await Promise.all([waitForPollers(taskQueue), waitHealthy(`http://127.0.0.1:${port}`, api)]);
        const ids = await setupPayments(`cp_${run}`, size);
        const m = await payAndWait(`cp_${run}`, ids, `http://127.0.0.1:${port}`, [worker, api]);
        const sample = ids.slice(0, 10);
        const lengths = await Promise.all(
          sample.map(
            async (id) => ((await client.workflow.getHandle(`payment-${id}`).fetchHistory()).events ?? []).length,
          ),
        );
        rows.push(
          rowOf('course-payments', size, m, {
            workerRssMb: worker.peakRssMb(),
            apiRssMb: api.peakRssMb(),
            stripeCallsPerPayment: m.callsPerPayment,
            failedDeliveries: m.failed,
            historyEventsPerWorkflow: lengths.reduce((a, b) => a + b, 0) / lengths.length,
          }),
        );
      } finally {
        await Promise.all([worker.stop(), api.stop()]);
      }
    }
    {
      log(`inline baseline, ${size} payments`);
      const port = await findFreeFixedPort();
      const inline = startNode('bench/inline-server.ts', { ...baseEnv, PORT: String(port) });
      try {
        await inline.waitFor('inline listening');
        const ids = await setupPayments(`in_${run}`, size);
        const m = await payAndWait(`in_${run}`, ids, `http://127.0.0.1:${port}`, [inline]);
        rows.push(
          rowOf('inline baseline', size, m, {
            apiRssMb: inline.peakRssMb(),
            stripeCallsPerPayment: m.callsPerPayment,
            failedDeliveries: m.failed,
          }),
        );
      } finally {
        await inline.stop();
      }
    }
    {
      log(`temporal ceiling, ${size} signalWithStart calls`);
      const taskQueue = `noop-${run}`;
      const worker = startNode('bench/noop-worker.ts', { ...baseEnv, TEMPORAL_TASK_QUEUE: taskQueue });
      try {
        await waitForPollers(taskQueue);
        const acks: number[] = [];
        const started = Date.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: options.concurrency }, async () => {
            while (next < size) {
              const i = next++;
              const t = Date.now();
              await client.workflow.signalWithStart('noopWorkflow', {
                workflowId: `noop-${run}-${i}`,
                taskQueue,
                signal: 'stripeEvent',
                signalArgs: [{ eventId: `e${i}` }],
              });
              acks.push(Date.now() - t);
              worker.peakRssMb();
            }
          }),
        );
        const query = `WorkflowType = 'noopWorkflow' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Completed'`;
        while ((await client.workflow.count(query)).count < size) {
          worker.peakRssMb();
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const finished = Date.now();
        const done: number[] = [];
        for await (const info of client.workflow.list({ query }))
          if (info.closeTime) done.push(info.closeTime.getTime() - info.startTime.getTime());
        rows.push(
          rowOf(
            'temporal ceiling',
            size,
            { ack: stats(acks), done: stats(done), perSecond: size / ((finished - started) / 1000) },
            { workerRssMb: worker.peakRssMb() },
          ),
        );
      } finally {
        await worker.stop();
      }
    }
    {
      log(`database ceiling, ${size} payments`);
      const tag = `db_${run}`;
      await seedCatalogue(tag, size);
      const child = startNode('bench/db-ceiling.ts', {
        ...baseEnv,
        BENCH_SIZE: String(size),
        BENCH_CONCURRENCY: String(options.concurrency),
        BENCH_COURSE: tag,
      });
      await child.waitFor('"durationMs"', 600_000);
      const result = JSON.parse(child.output().trim().split('\n').pop() ?? '{}') as {
        durationMs: number;
        latencies: number[];
      };
      rows.push(
        rowOf(
          'database ceiling',
          size,
          { ack: null, done: stats(result.latencies), perSecond: size / (result.durationMs / 1000) },
          { workerRssMb: child.peakRssMb() },
        ),
      );
      await child.stop();
    }
  }

  await connection.close();
  await emulator.stop();
  await prisma.$disconnect();
  await temporalServer.stop();
  await dropDatabase(adminUrl, databaseUrl);
  await report(rows, options);
}

const fmt = (n: number | null, digits = 0) => (n === null || Number.isNaN(n) ? '-' : n.toFixed(digits));

async function report(rows: BenchRow[], options: Options): Promise<void> {
  const header = [
    'mode',
    'payments',
    'ack p50/p95/p99 ms',
    'to enrollment p50/p95/p99 ms',
    'payments/s',
    'worker RSS MiB',
    'API RSS MiB',
    'Stripe calls/payment',
    'history events',
  ];
  const body = rows.map((r) => [
    r.mode,
    r.size,
    `${fmt(r.ackP50)}/${fmt(r.ackP95)}/${fmt(r.ackP99)}`,
    `${fmt(r.doneP50)}/${fmt(r.doneP95)}/${fmt(r.doneP99)}`,
    fmt(r.perSecond, 1),
    fmt(r.workerRssMb),
    fmt(r.apiRssMb),
    fmt(r.stripeCallsPerPayment, 2),
    fmt(r.historyEventsPerWorkflow, 1),
    fmt(r.failedDeliveries),
  ]);
  const ratios = options.sizes.map((size) => {
    const of = (mode: BenchRow['mode']) => rows.find((r) => r.mode === mode && r.size === size);
    const cp = of('course-payments');
    const inline = of('inline baseline');
    const ceiling = of('temporal ceiling');
    return [
      size,
      cp && inline && cp.ackP50 ? fmt((inline.ackP50 ?? 0) / cp.ackP50, 1) : '-',
      cp && ceiling ? `${fmt((cp.perSecond / ceiling.perSecond) * 100)}%` : '-',
    ];
  });
  const settings = `concurrency ${options.concurrency}, Stripe latency ${options.stripeLatencyMs} ms per call, pool ${options.poolSize}, 2 cores`;
  const text = `${table(header, body)}\n\n${table(['payments', 'inline ack p50 / ours', 'throughput vs Temporal ceiling'], ratios)}\n\n${settings}\n`;
  process.stdout.write(`\n${text}`);
  const dir = path.resolve(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  const name = options.quick ? 'quick' : 'latest';
  await writeFile(
    path.join(dir, `${name}.json`),
    JSON.stringify({ date: new Date().toISOString(), options, rows }, null, 2),
  );
  const md = [
    `# Benchmark (${new Date().toISOString().slice(0, 10)})`,
    '',
    settings,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((row) => `| ${row.join(' | ')} |`),
    '',
    '| payments | inline ack p50 / ours | throughput vs Temporal ceiling |',
    '| --- | --- | --- |',
    ...ratios.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
  await writeFile(path.join(dir, `${name}.md`), md);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
