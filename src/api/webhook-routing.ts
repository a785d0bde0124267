import type Stripe from 'stripe';

/** Where an event goes: a PaymentIntent's workflow, or nowhere (with the reason it is ignored). */
export type EventRoute =
  | { forward: true; paymentIntentId: string; metadata: Record<string, string> | null }
  | { forward: false; reason: string; paymentIntentId: string | null };

/** Event types that can change a payment, and so start or signal its workflow. */
const FORWARDED_TYPES = new Set([
  'payment_intent.succeeded',
  'payment_intent.processing',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payment_intent.requires_action',
  'charge.refunded',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
]);

// These say nothing that the payment_intent.* event sent with them does not; forwarding them would only
// cost the workflow another read of Stripe.
const COVERED_TYPES = new Set([
  'charge.succeeded',
  'charge.failed',
  'charge.pending',
  'charge.updated',
  'charge.captured',
  'refund.created',
  'refund.updated',
]);

function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string')
    return (value as { id: string }).id;
  return null;
}

/**
 * Finds the PaymentIntent an event is about: the object itself for `payment_intent.*`, and the
 * `payment_intent` of charges, refunds and disputes. Only ids and types leave here: the workflow reads
 * Stripe again rather than trust a payload whose shape follows the endpoint's API version.
 */
export function routeSnapshotEvent(event: Stripe.Event): EventRoute {
  const object = event.data.object as unknown as Record<string, unknown>;
  const paymentIntentId = event.type.startsWith('payment_intent.') ? idOf(object) : idOf(object.payment_intent);
  if (COVERED_TYPES.has(event.type))
    return { forward: false, reason: 'covered by the payment_intent event', paymentIntentId };
  if (!FORWARDED_TYPES.has(event.type))
    return { forward: false, reason: `event type ${event.type} is not handled`, paymentIntentId };
  if (!paymentIntentId) return { forward: false, reason: 'not about a PaymentIntent', paymentIntentId: null };
  const metadata =
    object.metadata && typeof object.metadata === 'object' ? (object.metadata as Record<string, string>) : null;
  return { forward: true, paymentIntentId, metadata: event.type.startsWith('payment_intent.') ? metadata : null };
}

/** The same for a thin event: it names its related object, and carries no metadata. */
export function routeThinEvent(
  type: string,
  relatedObject: { id: string; type: string } | null,
): EventRoute & { relatedType?: string } {
  if (COVERED_TYPES.has(type))
    return { forward: false, reason: 'covered by the payment_intent event', paymentIntentId: null };
  if (!FORWARDED_TYPES.has(type))
    return { forward: false, reason: `event type ${type} is not handled`, paymentIntentId: null };
  if (!relatedObject) return { forward: false, reason: 'not about a PaymentIntent', paymentIntentId: null };
  if (relatedObject.type === 'payment_intent')
    return { forward: true, paymentIntentId: relatedObject.id, metadata: null };
  return { forward: false, reason: 'needs lookup', paymentIntentId: null, relatedType: relatedObject.type };
}
