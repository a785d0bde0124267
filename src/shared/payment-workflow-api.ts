import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { PaymentStatus, StripeEventSignal } from './payment-model';

/** Task queue of the payment workflows, unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'payments';

/** Sent by the webhook handler for every Stripe event about the PaymentIntent. */
export const stripeEventSignal = defineSignal<[StripeEventSignal]>('stripeEvent');
/** Sent by an operator: run the failed step again. */
export const retrySignal = defineSignal('retry');
/** The workflow's view of the payment. */
export const statusQuery = defineQuery<PaymentStatus>('status');
