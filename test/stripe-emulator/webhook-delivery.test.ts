import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { StripeEmulator } from '../../src/stripe-emulator/stripe-emulator';
import { eventually, stripeFor } from '../support/emulator-client';

const SECRET = 'whsec_test_delivery_secret';

interface Received {
  body: string;
  signature: string;
}

/** A real HTTP endpoint that records deliveries and answers with the statuses it is given, then 200. */
async function startReceiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['stripe-signature']) });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

describe('Stripe emulator: webhook delivery', () => {
  const stripeSdk = new Stripe('sk_test_unused');
  const toClose: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(toClose.splice(0).map((item) => item.stop()));
  });
  const setup = async (statuses: number[] = [], options: Parameters<typeof StripeEmulator.start>[0] = {}) => {
    const receiver = await startReceiver(statuses);
    const emulator = await StripeEmulator.start({
      ...options,
      webhookEndpoints: [{ url: receiver.url, secret: SECRET }],
    });
    toClose.push(emulator, { stop: () => new Promise<void>((resolve) => receiver.server.close(() => resolve())) });
    return { receiver, emulator, stripe: stripeFor(emulator) };
  };

  test('when a payment succeeds, then each event arrives signed so that stripe.webhooks.constructEvent accepts it', async () => {
    const { receiver, emulator, stripe } = await setup();
    const intent = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await emulator.dispatcher.waitForIdle();

    const events = receiver.received.map(({ body, signature }) =>
      stripeSdk.webhooks.constructEvent(body, signature, SECRET),
    );
    expect(events.map((event) => event.type).sort()).toEqual([
      'charge.succeeded',
      'payment_intent.created',
      'payment_intent.succeeded',
    ]);
    expect(events.every((event) => event.livemode === false && event.api_version === '2026-11-18.endive')).toBe(true);
    const succeeded = events.find((event) => event.type === 'payment_intent.succeeded');
    expect((succeeded?.data.object as Stripe.PaymentIntent).id).toBe(intent.id);
    expect(() =>
      stripeSdk.webhooks.constructEvent(
        receiver.received[0]?.body ?? '',
        receiver.received[0]?.signature ?? '',
        'whsec_other',
      ),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  test('when the endpoint answers non-2xx, then the delivery is retried with backoff until it succeeds', async () => {
    const { receiver, emulator, stripe } = await setup([500, 503], { retry: { retryBaseMs: 20, maxAttempts: 5 } });
    await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    await emulator.dispatcher.waitForIdle();

    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body) as { id: string }).map((e) => e.id)).size).toBe(1);
    expect(emulator.dispatcher.getStats()).toMatchObject({ delivered: 1, failedAttempts: 2, abandoned: 0 });
  });

  test('when chaos drops, duplicates and delays deliveries, then the same seed gives the same outcome', async () => {
    const run = async () => {
      const { receiver, emulator, stripe } = await setup([], {
        seed: 42,
        chaos: { dropRate: 0.3, duplicateRate: 0.3, maxDelayMs: 30 },
      });
      for (let i = 0; i < 20; i += 1) await stripe.paymentIntents.create({ amount: 500 + i, currency: 'usd' });
      await emulator.dispatcher.waitForIdle();
      return { stats: emulator.dispatcher.getStats(), received: receiver.received.length };
    };
    const first = await run();
    const second = await run();

    expect(first.stats.dropped).toBeGreaterThan(0);
    expect(first.stats.duplicated).toBeGreaterThan(0);
    expect(first.received).toBe(20 - first.stats.dropped + first.stats.duplicated);
    expect(second).toEqual(first);
  });

  test('when an event is resent through the control API, then the endpoint receives the same event id again', async () => {
    const { receiver, emulator, stripe } = await setup();
    await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    await emulator.dispatcher.waitForIdle();
    const id = (JSON.parse(receiver.received[0]?.body ?? '{}') as { id: string }).id;

    await fetch(`${emulator.url}/_emulator/events/${id}/resend`, { method: 'POST' });
    await eventually(() => (receiver.received.length === 2 ? true : undefined));
    expect((JSON.parse(receiver.received[1]?.body ?? '{}') as { id: string }).id).toBe(id);
  });
});
