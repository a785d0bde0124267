/**
 * `payments`: the operator CLI. Exit codes: 0 done, 1 the work failed, 2 bad usage.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig, parseDuration, type Config } from '../config';
import { PAYMENT_STATE } from '../shared/payment-model';
import { createStripeClient } from '../stripe/stripe-client';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { reconcileNow } from '../temporal/reconcile-schedule';
import { CliFailure, EXIT, UsageError, apiErrorLine, createApiClient, table } from './cli-support';
import { parseMix, simulate, summarize } from './simulate';

const USAGE: Record<string, string> = {
  status:
    'payments status <paymentIntentId>\n  Shows the local payment, transaction, enrollment and the workflow status.',
  list: `payments list --state <STATE> [--page-size N]\n  Lists payments by state: ${Object.values(PAYMENT_STATE).join(', ')}.`,
  retry: 'payments retry <paymentIntentId>\n  Sends the retry signal to a payment that waits for a person.',
  reconcile:
    'payments reconcile [--since 24h]\n  Runs reconciliation now: starts the workflow of every succeeded PaymentIntent the database does not show as completed.',
  simulate:
    'payments simulate --count N [--concurrency C] [--mix success=80,decline=10,async=5,refund=5] [--duplicates 0.1] [--timeout 180s] [--seed 1]\n' +
    '  Pays N PaymentIntents through the API and the Stripe emulator and checks each ends in the state its scenario predicts.\n' +
    '  Scenarios: success, decline, retry, async, async_fail, refund, cancel. Exits 1 if any payment ends unexpectedly.',
};
const HELP = `payments <command> [options]\n\nCommands:\n${Object.values(USAGE)
  .map((text) => `  ${text.split('\n')[0] ?? ''}`)
  .join(
    '\n',
  )}\n\nRun payments <command> --help for details. Environment: PAYMENTS_API_URL, ADMIN_API_TOKEN, TEMPORAL_ADDRESS, STRIPE_API_BASE.\n`;

type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(command: string, args: string[], options: NonNullable<ParseArgsConfig['options']>): ParsedArgs {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE[command] ?? ''}`);
  }
}

function onePositional(command: string, positionals: string[]): string {
  const [id, ...rest] = positionals;
  if (!id || rest.length > 0 || !/^pi_[A-Za-z0-9_]+$/.test(id))
    throw new UsageError(`give one PaymentIntent id (pi_…)\n\n${USAGE[command] ?? ''}`);
  return id;
}

function positiveInt(value: unknown, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a whole number of 1 or more, got "${String(value)}"`);
  return n;
}

async function withTemporal<T>(config: Config, run: (client: Client) => Promise<T>): Promise<T> {
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
  let connection: Connection;
  try {
    connection = await Connection.connect(temporalConnectionOptions(config.temporal, address));
  } catch (error) {
    throw new CliFailure(`Cannot reach Temporal at ${address} (${(error as Error).message}); set TEMPORAL_ADDRESS.`);
  }
  try {
    return await run(new Client({ connection, namespace: config.temporal.namespace }));
  } finally {
    await connection.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (!(command in USAGE)) throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
  const config = loadConfig();

  if (command === 'status' || command === 'retry') {
    const { values, positionals } = parse(command, args, {});
    if (values.help) return (process.stdout.write(`${USAGE[command]}\n`), EXIT.ok);
    const id = onePositional(command, positionals);
    const api = await createApiClient(config);
    const response =
      command === 'status'
        ? await api.request('GET', `/api/v1/payments/${id}`)
        : await api.request('POST', `/api/v1/payments/${id}/retry`);
    if (response.status >= 400) throw new CliFailure(apiErrorLine(response.status, response.body));
    process.stdout.write(`${command === 'retry' ? `retry sent to ${id}` : JSON.stringify(response.body, null, 2)}\n`);
    return EXIT.ok;
  }

  if (command === 'list') {
    const { values } = parse(command, args, { state: { type: 'string' }, 'page-size': { type: 'string' } });
    if (values.help) return (process.stdout.write(`${USAGE.list}\n`), EXIT.ok);
    const state = typeof values.state === 'string' ? values.state.toUpperCase() : '';
    if (!(Object.values(PAYMENT_STATE) as string[]).includes(state))
      throw new UsageError(`--state is required and must be one of ${Object.values(PAYMENT_STATE).join(', ')}`);
    const pageSize = positiveInt(values['page-size'], 'page-size', 100);
    const api = await createApiClient(config);
    const response = await api.request<{
      payments: { paymentIntentId: string; state: string; executionStatus: string; startTime: string }[];
    }>('GET', `/api/v1/payments?state=${state}&pageSize=${pageSize}`);
    if (response.status >= 400) throw new CliFailure(apiErrorLine(response.status, response.body));
    const rows = response.body.payments.map((p) => [p.paymentIntentId, p.state, p.executionStatus, p.startTime]);
    process.stdout.write(
      `${table(['paymentIntentId', 'state', 'workflow', 'started'], rows)}\n${rows.length} payment(s)\n`,
    );
    return EXIT.ok;
  }

  if (command === 'reconcile') {
    const { values } = parse(command, args, { since: { type: 'string', default: '24h' } });
    if (values.help) return (process.stdout.write(`${USAGE.reconcile}\n`), EXIT.ok);
    const lookbackMs = parseDuration(String(values.since));
    if (lookbackMs === undefined)
      throw new UsageError(`--since must be a duration such as 30m, 24h or 7d, got "${String(values.since)}"`);
    const report = await withTemporal(config, (client) => reconcileNow(client, config.temporal.taskQueue, lookbackMs));
    process.stdout.write(
      `checked ${report.checked} succeeded PaymentIntent(s); started ${report.started.length}${report.started.length ? `: ${report.started.join(', ')}` : ''}\n`,
    );
    return EXIT.ok;
  }

  const { values } = parse(command, args, {
    count: { type: 'string' },
    concurrency: { type: 'string' },
    mix: { type: 'string', default: 'success=80,decline=10,async=5,refund=5' },
    duplicates: { type: 'string', default: '0' },
    timeout: { type: 'string', default: '180s' },
    seed: { type: 'string', default: '1' },
  });
  if (values.help) return (process.stdout.write(`${USAGE.simulate}\n`), EXIT.ok);
  const count = positiveInt(values.count, 'count');
  const concurrency = positiveInt(values.concurrency, 'concurrency', 10);
  const duplicates = Number(values.duplicates);
  if (!(duplicates >= 0 && duplicates <= 1))
    throw new UsageError(`--duplicates must be a share from 0 to 1, got "${String(values.duplicates)}"`);
  const timeoutMs = parseDuration(String(values.timeout));
  if (timeoutMs === undefined)
    throw new UsageError(`--timeout must be a duration such as 180s, got "${String(values.timeout)}"`);
  let mix;
  try {
    mix = parseMix(String(values.mix));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const emulatorUrl = config.stripe.apiBase ?? `http://127.0.0.1:${config.stripe.emulatorPort}`;
  const stripe = createStripeClient({ secretKey: config.stripe.secretKey ?? 'sk_test_emulator', apiBase: emulatorUrl });
  const api = await createApiClient(config);
  const started = Date.now();
  const results = await simulate(api, stripe, emulatorUrl, {
    count,
    concurrency,
    mix,
    duplicates,
    timeoutMs,
    seed: positiveInt(values.seed, 'seed'),
    ...(process.stderr.isTTY && { progress: process.stderr }),
  });
  const { text, unexpected } = summarize(results);
  process.stdout.write(`${text}\n${results.length} payments in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  for (const payment of unexpected)
    process.stdout.write(
      `  unexpected: ${payment.paymentIntentId} (${payment.scenario}) expected ${payment.expected}, got ${payment.actual}\n`,
    );
  return unexpected.length > 0 ? EXIT.failure : EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError;
    const message =
      error instanceof UsageError || error instanceof CliFailure || error instanceof ConfigError
        ? error.message
        : String(error);
    process.stderr.write(`payments: ${message}\n`);
    process.exit(usage ? EXIT.usage : EXIT.failure);
  },
);
