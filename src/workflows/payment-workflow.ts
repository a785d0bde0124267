import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TemporalFailure,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  FINAL_STATES,
  PAYMENT_STATE,
  PAYMENT_STEP,
  type PaymentIntentSummary,
  type PaymentState,
  type PaymentStatus,
  type PaymentStep,
  type StripeEventSignal,
} from '../shared/payment-model';
import { retrySignal, statusQuery, stripeEventSignal } from '../shared/payment-workflow-api';
import { COURSE_ID_KEY, PAYMENT_STATE_KEY, STUDENT_ID_KEY } from '../shared/search-attributes';
import { isCovered, type Observed } from './event-coverage';
import { chooseSteps, LOCAL_STEPS_PATCH } from './payment-steps';

/** How often a payment that is `processing` is re-read from Stripe when no event comes. */
export const PROCESSING_RECHECK = '15 minutes';
/** How often a payment waiting for the customer is re-read from Stripe. */
export const IDLE_RECHECK = '6 hours';
/** How long a run waits for a customer who does not pay; a later event starts a new run. */
export const MAX_IDLE_MS = 7 * 24 * 3600 * 1000;
const MAX_REMEMBERED_EVENTS = 200;

/** Input of {@link paymentWorkflow}. */
export interface PaymentWorkflowInput {
  paymentIntentId: string;
  /** What a previous run handed over through continue-as-new. */
  carried?: { status: PaymentStatus; seenEventIds: string[] };
}

/** Thrown inside a pass when new events make the rest of it stale. */
class RestartPass extends Error {}

/**
 * Converges one PaymentIntent: reads it from Stripe and brings the ledger and the enrollment to what
 * Stripe says, pass by pass. Events that arrive during a pass are folded into one more pass. A step
 * that cannot succeed by retrying waits, visibly, for the `retry` signal. Finishes when the payment is
 * final and no event is pending.
 */
export async function paymentWorkflow(input: PaymentWorkflowInput): Promise<PaymentStatus> {
  const { fetchPaymentIntent, resolveCharge, recordTransaction, recordPaymentStatus, enrollStudent, revokeEnrollment } =
    chooseSteps(patched(LOCAL_STEPS_PATCH));
  const now = (): string => new Date().toISOString();
  const status: PaymentStatus = input.carried?.status ?? {
    paymentIntentId: input.paymentIntentId,
    state: PAYMENT_STATE.PENDING,
    step: PAYMENT_STEP.fetchPaymentIntent,
    stripeStatus: null,
    studentId: null,
    courseId: null,
    amount: null,
    currency: null,
    passes: 0,
    eventsReceived: 0,
    attentionCount: 0,
    lastError: null,
    transactionId: null,
    enrollmentId: null,
    startedAt: now(),
    updatedAt: now(),
  };
  const seenEventIds: string[] = [...(input.carried?.seenEventIds ?? [])];
  let unprocessed: StripeEventSignal[] = [];
  let retryRequested = false;
  let identified = false;
  const observed: Observed = { intent: null, charge: null };

  const touch = (step: PaymentStep): void => {
    status.step = step;
    status.updatedAt = now();
  };
  const setState = (state: PaymentState): void => {
    if (status.state === state) return;
    status.state = state;
    status.updatedAt = now();
    upsertSearchAttributes([{ key: PAYMENT_STATE_KEY, value: state }]);
  };
  const hasUncovered = (): boolean => unprocessed.some((event) => !isCovered(observed, event));

  setHandler(statusQuery, () => status);
  setHandler(stripeEventSignal, (event) => {
    if (seenEventIds.includes(event.eventId)) return;
    seenEventIds.push(event.eventId);
    if (seenEventIds.length > MAX_REMEMBERED_EVENTS) seenEventIds.shift();
    status.eventsReceived += 1;
    unprocessed.push(event);
  });
  setHandler(retrySignal, () => {
    if (status.state === PAYMENT_STATE.NEEDS_ATTENTION) retryRequested = true;
  });

  async function run<T>(step: PaymentStep, activity: () => Promise<T>): Promise<T> {
    for (;;) {
      touch(step);
      try {
        return await activity();
      } catch (error) {
        // A scheduled activity's failure arrives wrapped in ActivityFailure; a local activity's arrives
        // as the failure itself. Cancellation and anything else (a bug) must not be taken for a step failure.
        if (error instanceof CancelledFailure || !(error instanceof TemporalFailure)) throw error;
        const cause = error instanceof ActivityFailure ? error.cause : error;
        const type =
          cause instanceof ApplicationFailure
            ? (cause.type ?? 'ApplicationFailure')
            : (cause?.name ?? 'ActivityFailure');
        status.lastError = { step, type, message: cause?.message ?? error.message, at: now() };
        status.attentionCount += 1;
        const resumeState = status.state;
        setState(PAYMENT_STATE.NEEDS_ATTENTION);
        log.error('Payment needs attention', {
          paymentIntentId: input.paymentIntentId,
          step,
          type,
          message: status.lastError.message,
        });
        // Only events that arrive while it waits can make the rest of the pass stale; the ones before
        // are what this pass is already handling.
        const arrivedBefore = unprocessed.length;
        const newUncovered = (): boolean =>
          unprocessed.slice(arrivedBefore).some((event) => !isCovered(observed, event));
        await condition(() => retryRequested || newUncovered());
        setState(resumeState);
        if (!retryRequested) throw new RestartPass();
        retryRequested = false;
        log.info('Retrying step after operator signal', { paymentIntentId: input.paymentIntentId, step });
      }
    }
  }

  function identify(intent: PaymentIntentSummary): void {
    status.stripeStatus = intent.status;
    status.studentId = intent.studentId;
    status.courseId = intent.courseId;
    status.amount = intent.amount;
    status.currency = intent.currency;
    if (identified || !intent.ours) return;
    identified = true;
    upsertSearchAttributes([
      { key: STUDENT_ID_KEY, value: intent.studentId ?? '' },
      { key: COURSE_ID_KEY, value: intent.courseId ?? '' },
    ]);
    upsertMemo({ amount: intent.amount, currency: intent.currency });
  }

  async function convergeOnce(): Promise<void> {
    status.passes += 1;
    const intent = await run(PAYMENT_STEP.fetchPaymentIntent, () => fetchPaymentIntent(input.paymentIntentId));
    observed.intent = intent;
    identify(intent);
    if (!intent.ours) {
      log.info("PaymentIntent is not this platform's; ignoring", { paymentIntentId: intent.id });
      setState(PAYMENT_STATE.IGNORED);
      return;
    }
    if (intent.status === 'succeeded') {
      const charge = await run(PAYMENT_STEP.resolveCharge, () => resolveCharge(intent));
      observed.charge = charge;
      const transaction = await run(PAYMENT_STEP.recordTransaction, () => recordTransaction(intent, charge));
      status.transactionId = transaction.transactionId;
      if (transaction.fullyRefunded) {
        const revoked = await run(PAYMENT_STEP.revokeEnrollment, () => revokeEnrollment(intent, 'refunded'));
        status.enrollmentId = revoked?.enrollmentId ?? status.enrollmentId;
        setState(PAYMENT_STATE.REFUNDED);
      } else {
        const enrollment = await run(PAYMENT_STEP.enrollStudent, () => enrollStudent(intent));
        status.enrollmentId = enrollment.enrollmentId;
        setState(PAYMENT_STATE.ENROLLED);
      }
      return;
    }
    await run(PAYMENT_STEP.recordPaymentStatus, () => recordPaymentStatus(intent));
    if (intent.status === 'canceled') setState(PAYMENT_STATE.CANCELED);
    else if (intent.status === 'processing') setState(PAYMENT_STATE.PROCESSING);
    else if (intent.status === 'requires_payment_method' && intent.lastPaymentError)
      setState(PAYMENT_STATE.PAYMENT_FAILED);
    else setState(PAYMENT_STATE.PENDING);
  }

  let passNeeded = true;
  let idleSince = Date.now();
  for (;;) {
    if (passNeeded) {
      passNeeded = false;
      try {
        await convergeOnce();
      } catch (error) {
        if (!(error instanceof RestartPass)) throw error;
        passNeeded = true;
        continue;
      }
    }
    const uncovered = hasUncovered();
    unprocessed = [];
    if (uncovered) {
      passNeeded = true;
      continue;
    }
    if (FINAL_STATES.includes(status.state)) break;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof paymentWorkflow>({
        paymentIntentId: input.paymentIntentId,
        carried: { status, seenEventIds },
      });
    }
    touch(PAYMENT_STEP.waiting);
    const processing = status.state === PAYMENT_STATE.PROCESSING;
    const woke = await condition(() => unprocessed.length > 0, processing ? PROCESSING_RECHECK : IDLE_RECHECK);
    if (woke) {
      idleSince = Date.now();
      continue;
    }
    if (!processing && Date.now() - idleSince >= MAX_IDLE_MS) {
      log.info('No payment for a week; finishing this run (a later event starts a new one)', {
        paymentIntentId: input.paymentIntentId,
      });
      break;
    }
    passNeeded = true;
  }
  return status;
}
