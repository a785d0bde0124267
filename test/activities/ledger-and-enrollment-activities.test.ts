import { MockActivityEnvironment } from '@temporalio/testing';
import type Stripe from 'stripe';
import { createActivities } from '../../src/activities';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma-client';
import { createLogger } from '../../src/logger';
import type { ChargeSummary, PaymentIntentSummary } from '../../src/shared/payment-model';
import { findFreePort } from '../../src/net/free-port';
import { testEnv } from '../setup/test-env';
import { seedCatalogue } from '../support/payment-harness';

const stripe = {} as Stripe;
const logger = createLogger('silent', 'test');

describe('ledger and enrollment activities against real PostgreSQL', () => {
  let prisma: PrismaClient;
  let activities: ReturnType<typeof createActivities>;
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    new MockActivityEnvironment().run<A, R, (...args: A) => Promise<R>>(fn, ...args);
  beforeAll(() => {
    prisma = createPrismaClient(testEnv('databaseUrl'), 5);
    activities = createActivities({ stripe, prisma, logger });
  });
  afterAll(() => prisma.$disconnect());

  let counter = 0;
  const intentFor = async (
    overrides: Partial<PaymentIntentSummary> = {},
    withLocalRow = true,
  ): Promise<PaymentIntentSummary> => {
    const { student, course } = await seedCatalogue(prisma);
    counter += 1;
    const id = `pi_ledger_${Date.now()}_${counter}`;
    if (withLocalRow) {
      await prisma.paymentIntent.create({
        data: { id, studentId: student.id, courseId: course.id, amount: 4900, currency: 'usd', status: 'PROCESSING' },
      });
    }
    return {
      id,
      status: 'succeeded',
      amount: 4900,
      currency: 'usd',
      ours: true,
      studentId: student.id,
      courseId: course.id,
      created: 0,
      latestCharge: null,
      legacyCharge: null,
      lastPaymentError: null,
      cancellationReason: null,
      ...overrides,
    };
  };
  const chargeFor = (intent: PaymentIntentSummary, overrides: Partial<ChargeSummary> = {}): ChargeSummary => ({
    id: `ch_${intent.id}`,
    status: 'succeeded',
    amount: intent.amount,
    currency: intent.currency,
    amountRefunded: 0,
    disputed: false,
    fee: 172,
    net: 4728,
    cardBrand: 'visa',
    cardLast4: '4242',
    receiptUrl: 'https://pay.stripe.com/receipts/x',
    ...overrides,
  });

  test('when a transaction is recorded twice, or five times at once, then there is one row and the intent is succeeded with paidAt', async () => {
    const intent = await intentFor();
    const charge = chargeFor(intent);
    const first = await run(activities.recordTransaction, intent, charge);
    const all = await Promise.all(Array.from({ length: 5 }, () => run(activities.recordTransaction, intent, charge)));

    expect(new Set(all.map((r) => r.transactionId))).toEqual(new Set([first.transactionId]));
    await expect(prisma.paymentTransaction.count({ where: { paymentIntentId: intent.id } })).resolves.toBe(1);
    const local = await prisma.paymentIntent.findUniqueOrThrow({ where: { id: intent.id } });
    expect(local.status).toBe('SUCCEEDED');
    expect(local.paidAt).toBeInstanceOf(Date);
  });

  test('when a refund or a dispute shows on the charge, then the same row converges to it', async () => {
    const intent = await intentFor();
    await run(activities.recordTransaction, intent, chargeFor(intent));
    const partial = await run(
      activities.recordTransaction,
      intent,
      chargeFor(intent, { amountRefunded: 900, disputed: true }),
    );
    expect(partial).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      amountRefunded: 900,
      fullyRefunded: false,
      disputed: true,
    });
    const full = await run(activities.recordTransaction, intent, chargeFor(intent, { amountRefunded: 4900 }));
    expect(full).toMatchObject({ status: 'REFUNDED', fullyRefunded: true });
  });

  test('when enrolled twice, then one active enrollment; revoked by its refund it stays revoked; a new payment re-activates it', async () => {
    const intent = await intentFor();
    const first = await run(activities.enrollStudent, intent);
    await expect(run(activities.enrollStudent, intent)).resolves.toMatchObject({
      enrollmentId: first.enrollmentId,
      status: 'ACTIVE',
    });
    await expect(run(activities.revokeEnrollment, intent, 'refunded')).resolves.toMatchObject({ status: 'REVOKED' });
    await expect(run(activities.revokeEnrollment, intent, 'refunded')).resolves.toMatchObject({ status: 'REVOKED' });
    await expect(run(activities.enrollStudent, intent)).resolves.toMatchObject({ status: 'REVOKED' });

    const second = { ...intent, id: `${intent.id}_again` };
    await prisma.paymentIntent.create({
      data: {
        id: second.id,
        studentId: String(intent.studentId),
        courseId: String(intent.courseId),
        amount: 4900,
        currency: 'usd',
        status: 'SUCCEEDED',
      },
    });
    await expect(run(activities.enrollStudent, second)).resolves.toMatchObject({
      enrollmentId: first.enrollmentId,
      status: 'ACTIVE',
    });
    await expect(
      prisma.enrollment.count({ where: { studentId: String(intent.studentId), courseId: String(intent.courseId) } }),
    ).resolves.toBe(1);
  });

  test('when the amount or currency differs from the quote, then enrolling fails with a non-retryable AmountMismatch', async () => {
    const cheaper = await intentFor({ amount: 100 });
    const otherCurrency = await intentFor({ currency: 'eur' });
    await expect(run(activities.enrollStudent, cheaper)).rejects.toMatchObject({
      type: 'AmountMismatch',
      nonRetryable: true,
    });
    await expect(run(activities.enrollStudent, otherCurrency)).rejects.toMatchObject({
      type: 'AmountMismatch',
      nonRetryable: true,
    });
    await expect(
      prisma.enrollment.count({ where: { paymentIntentId: { in: [cheaper.id, otherCurrency.id] } } }),
    ).resolves.toBe(0);
  });

  test('when an intent has no local row, then it is adopted with the course price; unknown course or student is non-retryable', async () => {
    const adopted = await intentFor({}, false);
    await run(activities.recordTransaction, adopted, chargeFor(adopted));
    await expect(prisma.paymentIntent.findUniqueOrThrow({ where: { id: adopted.id } })).resolves.toMatchObject({
      amount: 4900,
      currency: 'usd',
      status: 'SUCCEEDED',
    });

    const noCourse = await intentFor({ courseId: 'course_missing' }, false);
    await expect(run(activities.recordTransaction, noCourse, chargeFor(noCourse))).rejects.toMatchObject({
      type: 'UnknownCourse',
      nonRetryable: true,
    });
    const noStudent = await intentFor({ studentId: 'stu_missing' }, false);
    await expect(run(activities.recordPaymentStatus, noStudent)).rejects.toMatchObject({
      type: 'UnknownStudent',
      nonRetryable: true,
    });
    await expect(
      prisma.paymentTransaction.count({ where: { paymentIntentId: { in: [noCourse.id, noStudent.id] } } }),
    ).resolves.toBe(0);
  });

  test('when the same failed charge is recorded twice, then it counts as one failed attempt', async () => {
    const failure = { code: 'card_declined', message: 'Your card was declined.', chargeId: 'ch_failed_1' };
    const intent = await intentFor({ status: 'requires_payment_method', lastPaymentError: failure });
    await run(activities.recordPaymentStatus, intent);
    await run(activities.recordPaymentStatus, intent);
    await run(activities.recordPaymentStatus, { ...intent, lastPaymentError: { ...failure, chargeId: 'ch_failed_2' } });
    await expect(prisma.paymentIntent.findUniqueOrThrow({ where: { id: intent.id } })).resolves.toMatchObject({
      status: 'REQUIRES_PAYMENT_METHOD',
      failedAttempts: 2,
      failureCode: 'card_declined',
      lastFailureChargeId: 'ch_failed_2',
    });
  });

  test('when the database cannot be reached, then the failure is a retryable DatabaseUnavailable', async () => {
    const url = new URL(testEnv('databaseUrl'));
    url.port = String(await findFreePort());
    const offline = createPrismaClient(url.toString(), 1);
    const broken = createActivities({ stripe, prisma: offline, logger });
    try {
      const intent = await intentFor();
      await expect(run(broken.recordTransaction, intent, chargeFor(intent))).rejects.toMatchObject({
        type: 'DatabaseUnavailable',
        nonRetryable: false,
      });
    } finally {
      await offline.$disconnect();
    }
  });
});
