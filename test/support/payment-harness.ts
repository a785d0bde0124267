import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type Stripe from 'stripe';
import { createWorkerActivities } from '../../src/activities';
import { createCheckoutIntent } from '../../src/api/checkout-intents';
import { routeSnapshotEvent } from '../../src/api/webhook-routing';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma-client';
import { createLogger } from '../../src/logger';
import { paymentWorkflowId, type PaymentStatus, type StripeEventSignal } from '../../src/shared/payment-model';
import { statusQuery } from '../../src/shared/payment-workflow-api';
import type { EventRecord } from '../../src/stripe-emulator/emulator-resources';
import { StripeEmulator, type StripeEmulatorOptions } from '../../src/stripe-emulator/stripe-emulator';
import { dispatchPaymentEvent } from '../../src/temporal/payment-dispatch';
import { createPaymentWorker } from '../../src/worker/payment-worker';
import { testEnv } from '../setup/test-env';
import { eventually, stripeFor } from './emulator-client';

/** Everything a payment test runs against: the emulator, real PostgreSQL, a real worker on the dev server. */
export interface PaymentHarness {
  emulator: StripeEmulator;
  stripe: Stripe;
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  worker: Worker;
  /** Starts a fresh worker on the same task queue (after {@link stopWorker}). */
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the harness; call `stop()` in afterAll. */
export async function startPaymentHarness(emulatorOptions: StripeEmulatorOptions = {}): Promise<PaymentHarness> {
  const address = testEnv('temporalAddress');
  const emulator = await StripeEmulator.start(emulatorOptions);
  const stripe = stripeFor(emulator);
  const prisma = createPrismaClient(testEnv('databaseUrl'), 5);
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = `payments-test-${randomUUID()}`;
  const activities = createWorkerActivities({
    stripe,
    prisma,
    logger: createLogger('silent', 'test-worker'),
    temporal: { client, taskQueue },
  });
  let running: Promise<void> | undefined;

  const harness: PaymentHarness = {
    emulator,
    stripe,
    prisma,
    client,
    taskQueue,
    worker: undefined as unknown as Worker,
    async startWorker() {
      harness.worker = await createPaymentWorker({
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        activities,
        workflowBundle: { codePath: testEnv('workflowBundlePath') },
        shutdownGraceTime: '1s',
      });
      running = harness.worker.run();
    },
    async stopWorker() {
      if (harness.worker.getState() === 'RUNNING') harness.worker.shutdown();
      await running;
    },
    async stop() {
      await harness.stopWorker();
      await Promise.all([connection.close(), nativeConnection.close(), prisma.$disconnect(), emulator.stop()]);
    },
  };
  await harness.startWorker();
  return harness;
}

/** A student and a course of their own for one test, so tests never share rows. */
export async function seedCatalogue(prisma: PrismaClient, priceAmount = 4900, currency = 'usd') {
  const suffix = randomUUID().slice(0, 8);
  const student = await prisma.student.create({
    data: { id: `stu_${suffix}`, email: `s-${suffix}@example.test`, name: 'Test Student' },
  });
  const course = await prisma.course.create({
    data: { id: `course_${suffix}`, title: `Course ${suffix}`, priceAmount, currency },
  });
  return { student, course };
}

/** A checkout, exactly as the API runs it: a Stripe PaymentIntent with our metadata and the local row. */
export async function createQuotedIntent(
  h: PaymentHarness,
  priceAmount = 4900,
): Promise<{ intent: { id: string }; studentId: string; courseId: string }> {
  const { student, course } = await seedCatalogue(h.prisma, priceAmount);
  const checkout = await createCheckoutIntent({ prisma: h.prisma, stripe: h.stripe }, student.id, course.id);
  return { intent: { id: checkout.paymentIntentId }, studentId: student.id, courseId: course.id };
}

/** The emulator's events about a PaymentIntent, oldest first, optionally of one type. */
export function eventsOf(h: PaymentHarness, paymentIntentId: string, type?: string): EventRecord[] {
  return h.emulator.store
    .all('event')
    .reverse()
    .filter((event) => event.data.object.id === paymentIntentId || event.data.object.payment_intent === paymentIntentId)
    .filter((event) => !type || event.type === type);
}

/** Delivers the emulator's events about one PaymentIntent to its workflow, routed as the webhook routes them. */
export async function deliverEvents(h: PaymentHarness, paymentIntentId: string): Promise<StripeEventSignal[]> {
  const delivered = eventsOf(h, paymentIntentId)
    .filter((event) => routeSnapshotEvent(event as unknown as Stripe.Event).forward)
    .map((event) => ({ eventId: event.id, type: event.type, created: event.created }));
  for (const signal of delivered) await dispatchPaymentEvent(h.client, h.taskQueue, paymentIntentId, signal);
  return delivered;
}

/** The workflow handle of a PaymentIntent (the latest run). */
export function paymentHandle(h: PaymentHarness, paymentIntentId: string): WorkflowHandle {
  return h.client.workflow.getHandle(paymentWorkflowId(paymentIntentId));
}

/** Polls the `status` query until `predicate` holds. */
export async function waitForStatus(
  h: PaymentHarness,
  paymentIntentId: string,
  predicate: (status: PaymentStatus) => boolean,
  timeoutMs = 20_000,
): Promise<PaymentStatus> {
  return eventually(
    async () => {
      const status = await paymentHandle(h, paymentIntentId)
        .query(statusQuery)
        .catch(() => undefined);
      return status && predicate(status) ? status : undefined;
    },
    timeoutMs,
    `payment ${paymentIntentId} status`,
  );
}
