import type { Client } from '@temporalio/client';
import Stripe from 'stripe';
import type { PrismaClient } from '../db/prisma-client';
import type { Logger } from '../logger';
import { dispatchPaymentEvent } from '../temporal/payment-dispatch';
import { METADATA_KEYS, retrievePaymentIntentIdOf, retrievePaymentIntentMetadata } from '../stripe/stripe-requests';
import { ApiError } from './api-error';
import type { EventRoute } from './webhook-routing';

/** What the webhook use case needs. */
export interface WebhookDeps {
  prisma: PrismaClient;
  stripe: Stripe;
  temporal: { client: Client; taskQueue: string; dispatchTimeoutMs: number };
  logger: Logger;
}

/** A verified event reduced to what is recorded and forwarded. */
export interface IncomingEvent {
  id: string;
  type: string;
  created: number;
  livemode: boolean;
  route: EventRoute & { relatedType?: string; relatedId?: string };
}

/** How a delivery ended. */
export type WebhookOutcome = 'dispatched' | 'ignored' | 'duplicate';

type Decision =
  { forward: true; paymentIntentId: string } | { forward: false; paymentIntentId: string | null; reason: string };

const hasOurMetadata = (metadata: Record<string, string> | null | undefined): boolean =>
  Boolean(metadata?.[METADATA_KEYS.studentId] && metadata[METADATA_KEYS.courseId]);

/**
 * A Stripe read on the webhook's rare paths: an object Stripe does not know is not ours (`undefined`);
 * Stripe unreachable means 503, so that Stripe delivers the event again later.
 */
async function askStripe<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) return undefined;
    throw new ApiError(503, 'stripe_unavailable', 'Stripe could not be asked about this event; deliver again later.');
  }
}

async function decide(deps: WebhookDeps, event: IncomingEvent): Promise<Decision> {
  let { route } = event;
  if (!route.forward && route.relatedType && route.relatedId) {
    const { relatedType, relatedId } = route;
    const paymentIntentId = await askStripe(() => retrievePaymentIntentIdOf(deps.stripe, relatedType, relatedId));
    route = paymentIntentId
      ? { forward: true, paymentIntentId, metadata: null }
      : { forward: false, reason: 'not about a PaymentIntent', paymentIntentId: null };
  }
  if (!route.forward) return route;
  if (hasOurMetadata(route.metadata)) return { forward: true, paymentIntentId: route.paymentIntentId };
  const local = await deps.prisma.paymentIntent.findUnique({
    where: { id: route.paymentIntentId },
    select: { id: true },
  });
  if (local) return { forward: true, paymentIntentId: route.paymentIntentId };
  // A payload without metadata (refunds, disputes, thin events) for an intent with no local row: ask Stripe.
  const paymentIntentId = route.paymentIntentId;
  if (
    route.metadata === null &&
    hasOurMetadata(await askStripe(() => retrievePaymentIntentMetadata(deps.stripe, paymentIntentId)))
  ) {
    return { forward: true, paymentIntentId };
  }
  return { forward: false, paymentIntentId: route.paymentIntentId, reason: 'not created by this platform' };
}

/**
 * Records a verified Stripe event once (keyed by its id) and hands it to the PaymentIntent's workflow.
 * Resolves only after Temporal accepted the signal, so a 2xx always means the work is durably handed off.
 * A repeat of an event already handed off or ignored changes nothing.
 *
 * @throws ApiError 503 `temporal_unavailable` when Temporal does not accept the call in time: the event
 *   stays RECEIVED and Stripe's redelivery finds it again.
 */
export async function acceptStripeEvent(
  deps: WebhookDeps,
  event: IncomingEvent,
): Promise<{ outcome: WebhookOutcome; reason?: string }> {
  const decision = await decide(deps, event);
  const outcome = decision.forward ? 'RECEIVED' : 'IGNORED';
  const reason = decision.forward ? null : decision.reason;
  const [row] = await deps.prisma.$queryRaw<{ outcome: string; deliveries: number }[]>`
    INSERT INTO webhook_events (id, type, payment_intent_id, livemode, stripe_created_at, outcome, outcome_reason)
    VALUES (${event.id}, ${event.type}, ${decision.paymentIntentId}, ${event.livemode}, ${new Date(event.created * 1000)},
            ${outcome}::"WebhookEventOutcome", ${reason})
    ON CONFLICT (id) DO UPDATE SET deliveries = webhook_events.deliveries + 1
    RETURNING outcome::text AS outcome, deliveries`;
  if (row && row.deliveries > 1 && row.outcome !== 'RECEIVED') return { outcome: 'duplicate' };
  if (!decision.forward) return { outcome: 'ignored', reason: decision.reason };

  const { client, taskQueue, dispatchTimeoutMs } = deps.temporal;
  try {
    await client.withDeadline(Date.now() + dispatchTimeoutMs, () =>
      dispatchPaymentEvent(client, taskQueue, decision.paymentIntentId, {
        eventId: event.id,
        type: event.type,
        created: event.created,
      }),
    );
  } catch (error) {
    deps.logger.warn(
      { err: error, eventId: event.id, paymentIntentId: decision.paymentIntentId },
      'Temporal did not accept the event; answering 503',
    );
    throw new ApiError(503, 'temporal_unavailable', 'The workflow engine is unavailable; deliver again later.');
  }
  await deps.prisma.webhookEvent.updateMany({
    where: { id: event.id, outcome: 'RECEIVED' },
    data: { outcome: 'DISPATCHED', dispatchedAt: new Date() },
  });
  return { outcome: 'dispatched' };
}
