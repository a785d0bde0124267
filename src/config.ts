import { z } from 'zod';

/**
 * Every environment variable the service reads, parsed and validated once at start-up. Nothing else in
 * `src/` reads `process.env`; entry points call {@link loadConfig} and pass the result down.
 */

const booleanFromString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number({ error: 'expected a port number' }).int().min(0).max(65535);
const positiveInt = z.coerce.number({ error: 'expected a whole number' }).int().positive();
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** Durations such as `30s`, `5m`, `24h`, `7d`, or plain milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  return Number(match[1]) * unitMs[(match[2] ?? 'ms') as keyof typeof unitMs];
}
const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30s, 5m, 24h or 7d' });
    return z.NEVER;
  }
  return ms;
});

const envSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(3000),
  DATA_DIR: z.string().default('.data'),
  ADMIN_API_TOKEN: optionalString.pipe(
    z.string().min(16, 'expected at least 16 characters (use a long random token)').optional(),
  ),
  WEBHOOK_BODY_LIMIT: z.string().default('512kb'),

  DATABASE_URL: optionalString.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgresql:// URL' }).optional(),
  ),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  PGLITE_PORT: port.default(5488),
  MIGRATE_ON_START: booleanFromString.default(true),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('payments'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: booleanFromString.optional(),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),

  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(100),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt.default(40),
  WORKER_METRICS_PORT: port.default(9464),

  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRETS: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_BASE: optionalString.pipe(z.url({ error: 'expected a URL such as http://127.0.0.1:12180' }).optional()),
  STRIPE_EMULATOR_PORT: port.default(12180),

  PAYMENTS_API_URL: optionalString.pipe(z.url({ error: 'expected a URL such as http://127.0.0.1:3000' }).optional()),

  RECONCILE_INTERVAL: duration.default(300_000),
  RECONCILE_LOOKBACK: duration.default(86_400_000),
});

/** The validated configuration. Optional parts left unset mean "use the embedded default". */
export interface Config {
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  http: { host: string; port: number; adminApiToken: string | undefined; webhookBodyLimit: string };
  /** Where the `payments` CLI finds the API. */
  apiUrl: string;
  dataDir: string;
  database: { url: string | undefined; poolSize: number; pglitePort: number; migrateOnStart: boolean };
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    apiKey: string | undefined;
    tls: {
      enabled: boolean;
      certPath: string | undefined;
      keyPath: string | undefined;
      serverName: string | undefined;
    };
    devServerPort: number;
    uiPort: number;
  };
  worker: { maxConcurrentActivities: number; maxConcurrentWorkflowTasks: number; metricsPort: number };
  stripe: {
    secretKey: string | undefined;
    webhookSecrets: string[];
    apiBase: string | undefined;
    emulatorPort: number;
  };
  reconcile: { intervalMs: number; lookbackMs: number };
}

/** Thrown when an environment variable is invalid; the message names each variable and what it expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses and validates the environment.
 *
 * @throws ConfigError listing every invalid variable, e.g. `PORT: expected a port number (got "abc")`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}: ${issue.message} (got ${JSON.stringify(env[name])})`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const webhookSecrets = [e.STRIPE_WEBHOOK_SECRETS, e.STRIPE_WEBHOOK_SECRET]
    .filter((value): value is string => value !== undefined)
    .flatMap((value) => value.split(','))
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (e.STRIPE_SECRET_KEY && webhookSecrets.length === 0) {
    throw new ConfigError(
      'Invalid configuration:\n  STRIPE_WEBHOOK_SECRETS: required when STRIPE_SECRET_KEY is set ' +
        '(the whsec_… signing secret of your webhook endpoint; comma-separate several during rotation)',
    );
  }
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(
      'Invalid configuration:\n  TEMPORAL_TLS_CERT_PATH / TEMPORAL_TLS_KEY_PATH: set both for mTLS, or neither',
    );
  }
  return {
    logLevel: e.LOG_LEVEL,
    http: { host: e.HOST, port: e.PORT, adminApiToken: e.ADMIN_API_TOKEN, webhookBodyLimit: e.WEBHOOK_BODY_LIMIT },
    apiUrl: e.PAYMENTS_API_URL ?? `http://127.0.0.1:${e.PORT}`,
    dataDir: e.DATA_DIR,
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      pglitePort: e.PGLITE_PORT,
      migrateOnStart: e.MIGRATE_ON_START,
    },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: {
        enabled: e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CERT_PATH),
        certPath: e.TEMPORAL_TLS_CERT_PATH,
        keyPath: e.TEMPORAL_TLS_KEY_PATH,
        serverName: e.TEMPORAL_TLS_SERVER_NAME,
      },
      devServerPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
    },
    worker: {
      maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      metricsPort: e.WORKER_METRICS_PORT,
    },
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecrets,
      apiBase: e.STRIPE_API_BASE,
      emulatorPort: e.STRIPE_EMULATOR_PORT,
    },
    reconcile: { intervalMs: e.RECONCILE_INTERVAL, lookbackMs: e.RECONCILE_LOOKBACK },
  };
}
