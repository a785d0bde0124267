import type Stripe from 'stripe';
import { PAYMENT_STATE, type PaymentStatus } from '../../src/shared/payment-model';
import { retrySignal, statusQuery } from '../../src/shared/payment-workflow-api';
import { dispatchPaymentEvent } from '../../src/temporal/payment-dispatch';
import {
  createQuotedIntent,
  deliverEvents,
  paymentHandle,
  seedCatalogue,
  startPaymentHarness,
  waitForStatus,
  type PaymentHarness,
} from '../support/payment-harness';
import { saveHistory, stepsOf } from '../support/histories';
import { eventually } from '../support/emulator-client';

describe('paymentWorkflow on a real worker, dev server, PostgreSQL and the Stripe emulator', () => {
  let h: PaymentHarness;
  beforeAll(async () => {
    h = await startPaymentHarness({ behaviour: { asyncSettleMs: 60_000 } });
  });
  afterAll(() => h.stop());
  afterEach(() => h.emulator.faults.clear());

  const result = (id: string) => paymentHandle(h, id).result() as Promise<PaymentStatus>;
  const rows = async (id: string) => ({
    intent: await h.prisma.paymentIntent.findUniqueOrThrow({ where: { id } }),
    transactions: await h.prisma.paymentTransaction.findMany({ where: { paymentIntentId: id } }),
    enrollments: await h.prisma.enrollment.findMany({ where: { paymentIntentId: id } }),
  });
  const declined = (id: string, method = 'pm_card_chargeDeclined') =>
    expect(h.stripe.paymentIntents.confirm(id, { payment_method: method })).rejects.toMatchObject({
      type: 'StripeCardError',
    });

  test('when a card payment succeeds, then one Stripe call, one transaction, one enrollment, and a short history of the four steps', async () => {
    const { intent } = await createQuotedIntent(h);
    await h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    const retrievesBefore = h.emulator.requestCounts.get('GET /v1/payment_intents/:id') ?? 0;
    const callsBefore = h.emulator.totalRequests();

    await deliverEvents(h, intent.id);
    const status = await result(intent.id);

    expect(status).toMatchObject({
      state: PAYMENT_STATE.ENROLLED,
      stripeStatus: 'succeeded',
      passes: 1,
      lastError: null,
    });
    const { intent: local, transactions, enrollments } = await rows(intent.id);
    expect(local.status).toBe('SUCCEEDED');
    expect(local.paidAt).toBeInstanceOf(Date);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({
      amount: 4900,
      fee: 172,
      net: 4728,
      cardBrand: 'visa',
      cardLast4: '4242',
      status: 'SUCCEEDED',
    });
    expect(enrollments).toEqual([expect.objectContaining({ status: 'ACTIVE', id: status.enrollmentId })]);
    expect(h.emulator.totalRequests() - callsBefore).toBe(1);
    expect(h.emulator.requestCounts.get('GET /v1/payment_intents/:id')).toBe(retrievesBefore + 1);

    const history = await saveHistory(h, intent.id, 'card-success');
    const events = history.events ?? [];
    expect(events.length).toBeLessThanOrEqual(30);
    const steps = stepsOf(history);
    expect(steps).toEqual(['fetchPaymentIntent', 'resolveCharge', 'recordTransaction', 'enrollStudent']);
  });

  test('when a bank debit is processing and then succeeds, then the workflow waits in PROCESSING and then enrolls', async () => {
    const { intent } = await createQuotedIntent(h);
    await h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_usBankAccount' });
    await deliverEvents(h, intent.id);
    await waitForStatus(h, intent.id, (s) => s.state === PAYMENT_STATE.PROCESSING && s.step === 'waiting');
    expect((await rows(intent.id)).intent.status).toBe('PROCESSING');

    h.emulator.operations.settle(intent.id, true);
    await deliverEvents(h, intent.id);

    await expect(result(intent.id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED });
    await saveHistory(h, intent.id, 'processing-then-success');
  });

  test('when the first card is declined and a second succeeds on the same PaymentIntent, then the failure is recorded and the student enrolled', async () => {
    const { intent } = await createQuotedIntent(h);
    await declined(intent.id, 'pm_card_chargeDeclinedInsufficientFunds');
    await deliverEvents(h, intent.id);
    await waitForStatus(h, intent.id, (s) => s.state === PAYMENT_STATE.PAYMENT_FAILED && s.step === 'waiting');
    expect((await rows(intent.id)).intent).toMatchObject({
      status: 'REQUIRES_PAYMENT_METHOD',
      failedAttempts: 1,
      failureCode: 'insufficient_funds',
    });

    await h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    await deliverEvents(h, intent.id);

    await expect(result(intent.id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED });
    const after = await rows(intent.id);
    expect(after.intent).toMatchObject({ status: 'SUCCEEDED', failedAttempts: 1 });
    expect(after.transactions).toHaveLength(1);
    expect(after.enrollments).toHaveLength(1);
    await saveHistory(h, intent.id, 'failure-then-success');
  });

  test('when the PaymentIntent is canceled, then it is recorded and the workflow finishes', async () => {
    const { intent } = await createQuotedIntent(h);
    await h.stripe.paymentIntents.cancel(intent.id);
    await deliverEvents(h, intent.id);

    await expect(result(intent.id)).resolves.toMatchObject({ state: PAYMENT_STATE.CANCELED });
    const { intent: local, enrollments } = await rows(intent.id);
    expect(local.status).toBe('CANCELED');
    expect(local.canceledAt).toBeInstanceOf(Date);
    expect(enrollments).toEqual([]);
    await saveHistory(h, intent.id, 'canceled');
  });

  test('when an intent with our metadata has no local row and its course is unknown, then it waits; the course is added, retry, and it is adopted and enrolled', async () => {
    const { student } = await seedCatalogue(h.prisma);
    const courseId = `course_later_${Date.now()}`;
    const intent = await h.stripe.paymentIntents.create({
      amount: 2500,
      currency: 'usd',
      metadata: { studentId: student.id, courseId },
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await deliverEvents(h, intent.id);

    const waiting = await waitForStatus(h, intent.id, (s) => s.state === PAYMENT_STATE.NEEDS_ATTENTION);
    expect(waiting.lastError).toMatchObject({ step: 'recordTransaction', type: 'UnknownCourse' });
    expect(waiting.lastError?.message).toContain(courseId);

    await h.prisma.course.create({ data: { id: courseId, title: 'Added later', priceAmount: 2500, currency: 'usd' } });
    await paymentHandle(h, intent.id).signal(retrySignal);

    await expect(result(intent.id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED, attentionCount: 1 });
    const adopted = await rows(intent.id);
    expect(adopted.intent).toMatchObject({ studentId: student.id, courseId, amount: 2500, status: 'SUCCEEDED' });
    expect(adopted.transactions).toHaveLength(1);
    expect(adopted.enrollments).toHaveLength(1);
    await saveHistory(h, intent.id, 'adopted-after-retry');
  });

  test("when Stripe's amount differs from the quote, then it waits for a person, and still waits after retry", async () => {
    const { intent } = await createQuotedIntent(h, 4900);
    await h.stripe.paymentIntents.update(intent.id, { amount: 100 });
    await h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    await deliverEvents(h, intent.id);

    const first = await waitForStatus(h, intent.id, (s) => s.state === PAYMENT_STATE.NEEDS_ATTENTION);
    expect(first.lastError).toMatchObject({ step: 'enrollStudent', type: 'AmountMismatch' });
    await paymentHandle(h, intent.id).signal(retrySignal);
    const second = await waitForStatus(
      h,
      intent.id,
      (s) => s.state === PAYMENT_STATE.NEEDS_ATTENTION && s.attentionCount === 2,
    );

    expect(second.lastError?.type).toBe('AmountMismatch');
    expect((await rows(intent.id)).enrollments).toEqual([]);
    await paymentHandle(h, intent.id).terminate('test done');
  });

  test('when Stripe answers 500 three times, then the fetch is retried and the payment completes', async () => {
    const { intent } = await createQuotedIntent(h);
    await h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    h.emulator.faults.add({ match: `GET /v1/payment_intents/${intent.id}`, errors: [500, 500, 500] });
    await deliverEvents(h, intent.id);

    await expect(result(intent.id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED, attentionCount: 0 });
    expect((await rows(intent.id)).transactions).toHaveLength(1);
    await saveHistory(h, intent.id, 'stripe-500-three-times');
  });

  test('when Stripe has no such PaymentIntent, then the workflow waits for a person with resource_missing', async () => {
    const id = `pi_missing${Date.now()}`;
    await dispatchPaymentEvent(h.client, h.taskQueue, id, {
      eventId: `evt_${id}`,
      type: 'payment_intent.succeeded',
      created: 1,
    });

    const status = await waitForStatus(h, id, (s) => s.state === PAYMENT_STATE.NEEDS_ATTENTION);
    expect(status.lastError).toMatchObject({ step: 'fetchPaymentIntent', type: 'StripeResourceMissing' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(paymentHandle(h, id).query(statusQuery)).resolves.toMatchObject({ passes: 1, attentionCount: 1 });
    await paymentHandle(h, id).terminate('test done');
  });

  test('when 50 signals arrive in a burst, some duplicates, then at most two passes run and one transaction is written', async () => {
    const { intent } = await createQuotedIntent(h);
    await h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    h.emulator.faults.add({ match: `GET /v1/payment_intents/${intent.id}`, latencyMs: 300 });
    const signals = Array.from({ length: 50 }, (_, i) => ({
      eventId: `evt_burst_${intent.id}_${i % 25}`,
      type: 'payment_intent.succeeded',
      created: 1,
    }));

    await Promise.all(signals.map((signal) => dispatchPaymentEvent(h.client, h.taskQueue, intent.id, signal)));
    const status = await result(intent.id);

    expect(status.state).toBe(PAYMENT_STATE.ENROLLED);
    expect(status.passes).toBeLessThanOrEqual(2);
    expect(status.eventsReceived).toBe(25);
    expect((await rows(intent.id)).transactions).toHaveLength(1);
  });

  test('when a full refund follows completion, then a new run revokes the enrollment; a partial refund keeps it', async () => {
    const full = await createQuotedIntent(h);
    const partial = await createQuotedIntent(h);
    for (const { intent } of [full, partial]) {
      await h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
      await deliverEvents(h, intent.id);
      await expect(result(intent.id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED });
    }
    await h.stripe.refunds.create({ payment_intent: full.intent.id });
    await h.stripe.refunds.create({ payment_intent: partial.intent.id, amount: 1000 });
    await deliverEvents(h, full.intent.id);
    await deliverEvents(h, partial.intent.id);

    await expect(result(full.intent.id)).resolves.toMatchObject({ state: PAYMENT_STATE.REFUNDED });
    await expect(result(partial.intent.id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED });
    const refunded = await rows(full.intent.id);
    expect(refunded.transactions).toEqual([expect.objectContaining({ status: 'REFUNDED', amountRefunded: 4900 })]);
    expect(refunded.enrollments).toEqual([expect.objectContaining({ status: 'REVOKED', revokedReason: 'refunded' })]);
    const kept = await rows(partial.intent.id);
    expect(kept.transactions).toEqual([
      expect.objectContaining({ status: 'PARTIALLY_REFUNDED', amountRefunded: 1000 }),
    ]);
    expect(kept.enrollments).toEqual([expect.objectContaining({ status: 'ACTIVE' })]);
    await saveHistory(h, full.intent.id, 'refund-after-completion');
  });

  test('when the worker stops mid-workflow and a new one starts, then the payment completes exactly once', async () => {
    const { intent } = await createQuotedIntent(h);
    await h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    h.emulator.faults.add({ match: `GET /v1/payment_intents/${intent.id}`, latencyMs: 3000 });
    const requests = jest.spyOn(h.emulator.faults, 'decide');
    await deliverEvents(h, intent.id);
    // The fetch is in flight once the emulator has received it (it answers only after 3 s).
    await eventually(() =>
      requests.mock.calls.some(([method, path]) => method === 'GET' && path.includes(intent.id)) ? true : undefined,
    );
    requests.mockRestore();

    await h.stopWorker();
    await h.startWorker();

    await expect(result(intent.id)).resolves.toMatchObject({ state: PAYMENT_STATE.ENROLLED });
    const { transactions, enrollments } = await rows(intent.id);
    expect(transactions).toHaveLength(1);
    expect(enrollments).toHaveLength(1);
  }, 90_000);

  test('when an intent has no metadata of ours, then the workflow ignores it and writes nothing', async () => {
    const foreign: Stripe.PaymentIntent = await h.stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await deliverEvents(h, foreign.id);
    await expect(result(foreign.id)).resolves.toMatchObject({ state: PAYMENT_STATE.IGNORED });
    await expect(h.prisma.paymentIntent.findUnique({ where: { id: foreign.id } })).resolves.toBeNull();
  });
});
