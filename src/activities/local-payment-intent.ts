import { ApplicationFailure } from '@temporalio/activity';
import type { PaymentIntentStatus, Prisma } from '../generated/prisma/client';
import { ERROR_TYPE } from '../shared/errors';
import type { PaymentIntentSummary } from '../shared/payment-model';

type Tx = Prisma.TransactionClient;

/** Stripe's status as the local enum; an unknown future status reads as still needing payment. */
export function localStatus(status: PaymentIntentSummary['status']): PaymentIntentStatus {
  const known: Record<string, PaymentIntentStatus> = {
    requires_payment_method: 'REQUIRES_PAYMENT_METHOD',
    requires_confirmation: 'REQUIRES_CONFIRMATION',
    requires_action: 'REQUIRES_ACTION',
    processing: 'PROCESSING',
    requires_capture: 'REQUIRES_CAPTURE',
    canceled: 'CANCELED',
    succeeded: 'SUCCEEDED',
  };
  return known[status] ?? 'REQUIRES_PAYMENT_METHOD';
}

/**
 * The local row of a PaymentIntent; adopts one that carries this platform's metadata but has no row (the
 * row was lost to a crash, or older code created the intent), quoting the course's current price.
 *
 * @throws ApplicationFailure `UnknownStudent` / `UnknownCourse` (non-retryable) when adopting an intent
 *   whose student or course is not in the catalogue: a person must add it, then send `retry`.
 */
export async function ensureLocalPaymentIntent(tx: Tx, intent: PaymentIntentSummary) {
  const existing = await tx.paymentIntent.findUnique({ where: { id: intent.id } });
  if (existing) return existing;
  const course = intent.courseId ? await tx.course.findUnique({ where: { id: intent.courseId } }) : null;
  if (!course) {
    throw ApplicationFailure.create({
      type: ERROR_TYPE.UnknownCourse,
      nonRetryable: true,
      message: `PaymentIntent ${intent.id} is for course ${String(intent.courseId)}, which is not in the catalogue; add it (PUT /api/v1/courses/:id), then send retry`,
    });
  }
  const student = intent.studentId ? await tx.student.findUnique({ where: { id: intent.studentId } }) : null;
  if (!student) {
    throw ApplicationFailure.create({
      type: ERROR_TYPE.UnknownStudent,
      nonRetryable: true,
      message: `PaymentIntent ${intent.id} is for student ${String(intent.studentId)}, who is not in the catalogue; add them (PUT /api/v1/students/:id), then send retry`,
    });
  }
  return tx.paymentIntent.create({
    data: {
      id: intent.id,
      studentId: student.id,
      courseId: course.id,
      amount: course.priceAmount,
      currency: course.currency,
      status: localStatus(intent.status),
    },
  });
}
