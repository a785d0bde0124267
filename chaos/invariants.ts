import type { Client as TemporalClient } from '@temporalio/client';
import type { PrismaClient } from '../src/db/prisma-client';
import type { SimulatedPayment } from '../src/cli/simulate';
import type { StripeEmulator } from '../src/stripe-emulator/stripe-emulator';

/** One invariant of the design brief, with how many payments it checked and which broke it. */
export interface InvariantResult {
  name: string;
  checked: number;
  violations: string[];
}

/**
 * Checks the design brief's invariants from the emulator's state (Stripe's truth) and the database:
 * exactly one transaction and one enrollment per succeeded payment, no enrollment without a payment,
 * nothing stuck that the scenario did not predict, no failed workflow, no unprocessed webhook event.
 */
export async function checkInvariants(
  emulator: StripeEmulator,
  prisma: PrismaClient,
  temporal: TemporalClient,
  courseId: string,
  payments: SimulatedPayment[],
): Promise<InvariantResult[]> {
  const intents = emulator.store.all('payment_intent').filter((pi) => pi.metadata.courseId === courseId);
  const succeeded = intents.filter((pi) => pi.status === 'succeeded');
  const transactions = await prisma.paymentTransaction.findMany({ where: { paymentIntent: { courseId } } });
  const enrollments = await prisma.enrollment.findMany({ where: { courseId } });

  const exactlyOne: string[] = [];
  for (const pi of succeeded) {
    const rows = transactions.filter((t) => t.paymentIntentId === pi.id);
    const charge = pi.latest_charge ? emulator.store.find(pi.latest_charge) : undefined;
    const refunded = charge?.object === 'charge' && charge.amount_refunded >= charge.amount;
    const enrollment = enrollments.find((e) => e.paymentIntentId === pi.id);
    if (rows.length !== 1) exactlyOne.push(`${pi.id}: ${rows.length} transactions`);
    else if (rows[0]?.amount !== pi.amount)
      exactlyOne.push(`${pi.id}: transaction amount ${rows[0]?.amount} vs ${pi.amount}`);
    if (!enrollment) exactlyOne.push(`${pi.id}: no enrollment`);
    else if (enrollment.status !== (refunded ? 'REVOKED' : 'ACTIVE'))
      exactlyOne.push(`${pi.id}: enrollment ${enrollment.status}, refunded ${refunded}`);
  }

  const succeededIds = new Set(succeeded.map((pi) => pi.id));
  const orphans = enrollments
    .filter((e) => !succeededIds.has(e.paymentIntentId))
    .map((e) => `${e.id}: enrollment for ${e.paymentIntentId}, not a succeeded payment`);
  const stray = transactions
    .filter((t) => !succeededIds.has(t.paymentIntentId))
    .map((t) => `${t.id}: transaction for ${t.paymentIntentId}, not a succeeded payment`);

  const unexpected = payments
    .filter((p) => p.actual !== p.expected)
    .map((p) => `${p.paymentIntentId} (${p.scenario}): expected ${p.expected}, got ${p.actual}`);

  const failedQuery = `WorkflowType = 'paymentWorkflow' AND ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut')`;
  const failedWorkflows = (await temporal.workflow.count(failedQuery)).count;

  const received = await prisma.webhookEvent.findMany({
    where: { outcome: 'RECEIVED' },
    select: { id: true, type: true },
  });

  return [
    {
      name: 'succeeded payment: exactly one transaction and one enrollment (revoked after full refund)',
      checked: succeeded.length,
      violations: exactlyOne,
    },
    {
      name: 'no enrollment or transaction without a succeeded payment',
      checked: enrollments.length + transactions.length,
      violations: [...orphans, ...stray],
    },
    {
      name: 'every payment ended as its scenario predicts (nothing stuck)',
      checked: payments.length,
      violations: unexpected,
    },
    {
      name: 'no payment workflow failed, terminated or timed out',
      checked: payments.length,
      violations: failedWorkflows > 0 ? [`${failedWorkflows} workflows`] : [],
    },
    {
      name: 'every webhook event dispatched or ignored',
      checked: await prisma.webhookEvent.count(),
      violations: received.map((e) => `${e.id} ${e.type} still RECEIVED`),
    },
  ];
}
