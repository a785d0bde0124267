/**
 * Runs the Stripe emulator as its own process:
 *   npm run stripe-emulator -- [--port 12180] [--webhook-url URL --webhook-secret whsec_…] [--seed N]
 * Exits 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../logger';
import { StripeEmulator } from './stripe-emulator';

async function main(): Promise<void> {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info', 'stripe-emulator');
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: process.env.STRIPE_EMULATOR_PORT ?? '12180' },
        'webhook-url': { type: 'string' },
        'webhook-secret': { type: 'string' },
        seed: { type: 'string', default: '1' },
      },
    }));
  } catch (error) {
    process.stderr.write(`stripe-emulator: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const port = Number(values.port);
  const seed = Number(values.seed);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(seed)) {
    process.stderr.write('stripe-emulator: --port must be a port number and --seed a whole number\n');
    process.exit(2);
  }
  if (Boolean(values['webhook-url']) !== Boolean(values['webhook-secret'])) {
    process.stderr.write('stripe-emulator: give --webhook-url and --webhook-secret together\n');
    process.exit(2);
  }
  const emulator = await StripeEmulator.start({
    port,
    seed,
    webhookEndpoints: values['webhook-url']
      ? [{ url: values['webhook-url'], secret: values['webhook-secret'] ?? '' }]
      : [],
  });
  logger.info({ url: emulator.url, webhooks: emulator.dispatcher.listEndpoints() }, 'Stripe emulator listening');
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
