import type Stripe from 'stripe';
import type { PrismaClient } from '../db/prisma-client';
import { createCoursePaymentIntent } from '../stripe/stripe-requests';
import { ApiError } from './api-error';

/** What the platform's backend gets back to confirm the payment in the browser. */
export interface CheckoutIntent {
  paymentIntentId: string;
  clientSecret: string;
  amount: number;
  currency: string;
  status: string;
}

async function assertStudentExists(prisma: PrismaClient, studentId: string) {
  const student = await prisma.student.findUnique({ where: { id: studentId } });
  if (!student)
    throw new ApiError(
      404,
      'student_not_found',
      `Student ${studentId} is not in the catalogue; PUT /api/v1/students/${studentId} first.`,
    );
  return student;
}

async function assertCourseExists(prisma: PrismaClient, courseId: string) {
  const course = await prisma.course.findUnique({ where: { id: courseId } });
  if (!course)
    throw new ApiError(
      404,
      'course_not_found',
      `Course ${courseId} is not in the catalogue; PUT /api/v1/courses/${courseId} first.`,
    );
  return course;
}

async function assertNotEnrolled(prisma: PrismaClient, studentId: string, courseId: string): Promise<void> {
  const enrollment = await prisma.enrollment.findUnique({ where: { studentId_courseId: { studentId, courseId } } });
  if (enrollment?.status === 'ACTIVE')
    throw new ApiError(409, 'already_enrolled', `Student ${studentId} is already enrolled in ${courseId}.`);
}

/**
 * Creates (or returns the still-open) PaymentIntent for a student buying a course: amount and currency
 * from the catalogue, our metadata, and an idempotency key that makes a retried request after a crash
 * get the same PaymentIntent back from Stripe rather than a second one.
 *
 * @throws ApiError 404 for an unknown student or course, 409 when the student is already enrolled, 502
 *   when Stripe refuses or cannot be reached.
 */
export async function createCheckoutIntent(
  deps: { prisma: PrismaClient; stripe: Stripe },
  studentId: string,
  courseId: string,
): Promise<CheckoutIntent> {
  const { prisma, stripe } = deps;
  await assertStudentExists(prisma, studentId);
  const course = await assertCourseExists(prisma, courseId);
  await assertNotEnrolled(prisma, studentId, courseId);

  const previous = await prisma.paymentIntent.findMany({
    where: { studentId, courseId },
    orderBy: { createdAt: 'desc' },
  });
  const open = previous.find((p) =>
    ['REQUIRES_PAYMENT_METHOD', 'REQUIRES_CONFIRMATION', 'REQUIRES_ACTION'].includes(p.status),
  );
  let intent: Stripe.PaymentIntent;
  try {
    intent =
      open && open.amount === course.priceAmount && open.currency === course.currency
        ? await stripe.paymentIntents.retrieve(open.id)
        : await createCoursePaymentIntent(stripe, {
            amount: course.priceAmount,
            currency: course.currency,
            studentId,
            courseId,
            description: course.title,
            idempotencyKey: `checkout:${studentId}:${courseId}:${previous.length}`,
          });
  } catch (error) {
    throw new ApiError(
      502,
      'stripe_error',
      `Stripe did not create the PaymentIntent: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  await prisma.paymentIntent.upsert({
    where: { id: intent.id },
    create: {
      id: intent.id,
      studentId,
      courseId,
      amount: course.priceAmount,
      currency: course.currency,
      status: 'REQUIRES_PAYMENT_METHOD',
    },
    update: {},
  });
  if (!intent.client_secret) throw new ApiError(502, 'stripe_error', 'Stripe returned no client secret.');
  return {
    paymentIntentId: intent.id,
    clientSecret: intent.client_secret,
    amount: intent.amount,
    currency: intent.currency,
    status: intent.status,
  };
}
