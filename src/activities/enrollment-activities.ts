import { ApplicationFailure } from '@temporalio/activity';
import { ERROR_TYPE } from '../shared/errors';
import type { PaymentIntentSummary } from '../shared/payment-model';
import { activityLogger, type ActivityDeps } from './activity-deps';
import { databaseStep } from './database-errors';
import { ensureLocalPaymentIntent } from './local-payment-intent';

/** What an enrollment activity left behind. */
export interface EnrollmentResult {
  enrollmentId: string;
  status: 'ACTIVE' | 'REVOKED';
  /** Set when the student was already enrolled through another payment (a duplicate purchase). */
  enrolledByOtherPayment: string | null;
}

/** Activities that grant and revoke course access. Both converge to one row per student and course. */
export function createEnrollmentActivities({ prisma, logger }: ActivityDeps) {
  return {
    /**
     * Enrolls the student of a succeeded PaymentIntent. Re-activates a revoked enrollment only for a new
     * payment, never for the one whose refund revoked it.
     *
     * @throws ApplicationFailure `AmountMismatch` (non-retryable) when Stripe's amount or currency differs
     *   from what this service quoted: such a payment is never enrolled without a person.
     */
    enrollStudent: async (intent: PaymentIntentSummary): Promise<EnrollmentResult> => {
      const result = await databaseStep(`enroll student of ${intent.id}`, () =>
        prisma.$transaction(async (tx) => {
          const local = await ensureLocalPaymentIntent(tx, intent);
          if (local.amount !== intent.amount || local.currency !== intent.currency) {
            throw ApplicationFailure.create({
              type: ERROR_TYPE.AmountMismatch,
              nonRetryable: true,
              message: `PaymentIntent ${intent.id} is for ${intent.amount} ${intent.currency}, but ${local.amount} ${local.currency} was quoted; refund or adjust it in Stripe, then send retry`,
            });
          }
          const key = { studentId_courseId: { studentId: local.studentId, courseId: local.courseId } };
          const existing = await tx.enrollment.findUnique({ where: key });
          if (!existing) {
            const created = await tx.enrollment.create({
              data: {
                studentId: local.studentId,
                courseId: local.courseId,
                paymentIntentId: intent.id,
                status: 'ACTIVE',
              },
            });
            return { enrollmentId: created.id, status: created.status, enrolledByOtherPayment: null };
          }
          if (existing.status === 'REVOKED' && existing.paymentIntentId !== intent.id) {
            const reactivated = await tx.enrollment.update({
              where: key,
              data: {
                status: 'ACTIVE',
                paymentIntentId: intent.id,
                enrolledAt: new Date(),
                revokedAt: null,
                revokedReason: null,
              },
            });
            return { enrollmentId: reactivated.id, status: reactivated.status, enrolledByOtherPayment: null };
          }
          const other =
            existing.status === 'ACTIVE' && existing.paymentIntentId !== intent.id ? existing.paymentIntentId : null;
          return { enrollmentId: existing.id, status: existing.status, enrolledByOtherPayment: other };
        }),
      );
      const log = activityLogger(logger);
      if (result.enrolledByOtherPayment) {
        log.warn(
          { paymentIntentId: intent.id, other: result.enrolledByOtherPayment },
          'student already enrolled by another payment',
        );
      } else {
        log.info(
          { paymentIntentId: intent.id, enrollmentId: result.enrollmentId, status: result.status },
          'enrolled student',
        );
      }
      return result;
    },

    /** Revokes the enrollment this PaymentIntent granted (after a full refund); no-op when it granted none. */
    revokeEnrollment: async (intent: PaymentIntentSummary, reason: string): Promise<EnrollmentResult | null> => {
      const revoked = await databaseStep(`revoke enrollment of ${intent.id}`, async () => {
        const enrollment = await prisma.enrollment.findFirst({ where: { paymentIntentId: intent.id } });
        if (!enrollment) return null;
        if (enrollment.status === 'REVOKED') return enrollment;
        return prisma.enrollment.update({
          where: { id: enrollment.id },
          data: { status: 'REVOKED', revokedAt: new Date(), revokedReason: reason },
        });
      });
      activityLogger(logger).info({ paymentIntentId: intent.id, enrollmentId: revoked?.id }, 'revoked enrollment');
      return revoked && { enrollmentId: revoked.id, status: revoked.status, enrolledByOtherPayment: null };
    },
  };
}
