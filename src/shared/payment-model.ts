/**
 * The vocabulary shared by the payment workflow, its activities, the API and the CLI. Pure: no I/O, safe
 * to import from workflow code.
 */

/** Where a payment stands, as the workflow sees it (also the `PaymentState` search attribute). */
export const PAYMENT_STATE = {
  /** Created, not paid yet (or waiting for the customer to act). */
  PENDING: 'PENDING',
  /** An asynchronous method is settling. */
  PROCESSING: 'PROCESSING',
  /** The last attempt failed; the customer may pay again with the same PaymentIntent. */
  PAYMENT_FAILED: 'PAYMENT_FAILED',
  /** Paid, recorded and enrolled. */
  ENROLLED: 'ENROLLED',
  /** Fully refunded; the enrollment is revoked. */
  REFUNDED: 'REFUNDED',
  CANCELED: 'CANCELED',
  /** A step failed in a way retries cannot fix, or ran out of retries: waits for the `retry` signal. */
  NEEDS_ATTENTION: 'NEEDS_ATTENTION',
  /** Not created by this platform: nothing to do. */
  IGNORED: 'IGNORED',
} as const;
export type PaymentState = (typeof PAYMENT_STATE)[keyof typeof PAYMENT_STATE];

/** States after which a run finishes when no event is pending; a later event starts a new run. */
export const FINAL_STATES: readonly PaymentState[] = [
  PAYMENT_STATE.ENROLLED,
  PAYMENT_STATE.REFUNDED,
  PAYMENT_STATE.CANCELED,
  PAYMENT_STATE.IGNORED,
];

/** The workflow's steps, named as the activities that run them. */
export const PAYMENT_STEP = {
  fetchPaymentIntent: 'fetchPaymentIntent',
  resolveCharge: 'resolveCharge',
  recordTransaction: 'recordTransaction',
  enrollStudent: 'enrollStudent',
  revokeEnrollment: 'revokeEnrollment',
  recordPaymentStatus: 'recordPaymentStatus',
  waiting: 'waiting',
} as const;
export type PaymentStep = (typeof PAYMENT_STEP)[keyof typeof PAYMENT_STEP];

/** Stripe's PaymentIntent statuses. */
export type StripePaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'canceled'
  | 'succeeded'
  // A status added by a later API version: treated as "not final yet".
  | (string & {});

/** A charge as this service keeps it: amounts and card brand and last4 only, nothing else of the card. */
export interface ChargeSummary {
  id: string;
  status: 'succeeded' | 'pending' | 'failed' | (string & {});
  amount: number;
  currency: string;
  amountRefunded: number;
  disputed: boolean;
  /** From the balance transaction; `null` until Stripe has one. */
  fee: number | null;
  net: number | null;
  cardBrand: string | null;
  cardLast4: string | null;
  receiptUrl: string | null;
}

/**
 * A PaymentIntent reduced to what the workflow needs: small, and free of personal data and secrets (no
 * client secret, no billing details), since it is stored in workflow history.
 */
export interface PaymentIntentSummary {
  id: string;
  status: StripePaymentIntentStatus;
  amount: number;
  currency: string;
  /** Whether its metadata marks it as this platform's. */
  ours: boolean;
  studentId: string | null;
  courseId: string | null;
  created: number;
  /** `latest_charge`: expanded into a summary, an id to retrieve, or null. */
  latestCharge: ChargeSummary | { id: string } | null;
  /** `charges.data[0]` on accounts pinned to an API version before 2022-11-15. */
  legacyCharge: ChargeSummary | null;
  lastPaymentError: { code: string | null; message: string | null; chargeId: string | null } | null;
  cancellationReason: string | null;
}

/** What the webhook handler tells the workflow about an event: ids and types only, never the payload. */
export interface StripeEventSignal {
  eventId: string;
  type: string;
  /** Stripe's `created`, seconds since the epoch. */
  created: number;
}

/** The last failure that stopped the workflow. */
export interface PaymentError {
  step: PaymentStep;
  type: string;
  message: string;
  at: string;
}

/** Answer of the `status` query. */
export interface PaymentStatus {
  paymentIntentId: string;
  state: PaymentState;
  step: PaymentStep;
  stripeStatus: StripePaymentIntentStatus | null;
  studentId: string | null;
  courseId: string | null;
  amount: number | null;
  currency: string | null;
  /** Convergence passes run (one per batch of events, not one per event). */
  passes: number;
  eventsReceived: number;
  /** Times a step stopped and waited for a person. */
  attentionCount: number;
  lastError: PaymentError | null;
  transactionId: string | null;
  enrollmentId: string | null;
  startedAt: string;
  updatedAt: string;
}

/** Workflow id of a PaymentIntent's workflow. */
export function paymentWorkflowId(paymentIntentId: string): string {
  return `payment-${paymentIntentId}`;
}
