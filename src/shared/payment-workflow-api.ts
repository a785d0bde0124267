import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { PaymentStatus, StripeEventSignal } from './payment-model';

/** Sent by the webhook handler for every Stripe event about the PaymentIntent. */
export const stripeEventSignal = defineSignal<[StripeEventSignal]>('stripeEvent');
/** Sent by an operator: run the failed step again. */
export const retrySignal = defineSignal('retry');
/** The workflow's view of the payment. */
export const statusQuery = defineQuery<PaymentStatus>('status');
