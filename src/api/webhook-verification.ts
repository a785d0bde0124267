import Stripe from 'stripe';
import { ApiError } from './api-error';

/** A verified delivery: a snapshot event (v1) or a thin event notification (event destinations, v2). */
export type VerifiedWebhook =
  | { kind: 'snapshot'; event: Stripe.Event }
  | { kind: 'thin'; id: string; type: string; created: number; relatedObject: { id: string; type: string } | null };

function peekObject(body: Buffer): unknown {
  try {
    return (JSON.parse(body.toString('utf8')) as { object?: unknown }).object;
  } catch {
    return undefined;
  }
}

/** Stripe's verification errors, as short reasons for the 400 answer and the metric label. */
function signatureReason(error: unknown): { code: string; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (/tolerance/i.test(message))
    return { code: 'stale_signature', message: 'The signature timestamp is outside the 300 s tolerance.' };
  if (/Unable to extract timestamp and signatures/i.test(message))
    return { code: 'malformed_signature', message: 'The Stripe-Signature header cannot be read.' };
  return { code: 'invalid_signature', message: 'No signature matches any configured webhook secret.' };
}

/**
 * Verifies `Stripe-Signature` over the raw body against every configured secret (several during a
 * rotation) with Stripe's default 300 s tolerance, and parses the event.
 *
 * @throws ApiError 400 `missing_signature`, `invalid_signature`, `stale_signature`, `malformed_signature`,
 *   `malformed_body` or `not_a_stripe_event`.
 */
export function verifyStripeWebhook(
  stripe: Stripe,
  body: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): VerifiedWebhook {
  if (!header) throw new ApiError(400, 'missing_signature', 'The Stripe-Signature header is missing.');
  const thin = peekObject(body) === 'v2.core.event';
  const failures: unknown[] = [];
  for (const secret of secrets) {
    try {
      if (thin) {
        const notification = stripe.parseEventNotification(body, header, secret) as unknown as {
          id: string;
          type: string;
          created: string;
          related_object?: { id: string; type: string } | null;
        };
        const created = Date.parse(notification.created);
        if (typeof notification.id !== 'string' || typeof notification.type !== 'string' || Number.isNaN(created)) {
          throw new ApiError(400, 'not_a_stripe_event', 'The body is JSON but not a Stripe event notification.');
        }
        return {
          kind: 'thin',
          id: notification.id,
          type: notification.type.replace(/^v1\./, ''),
          created: Math.floor(created / 1000),
          relatedObject: notification.related_object ?? null,
        };
      }
      const event = stripe.webhooks.constructEvent(body, header, secret);
      if (
        typeof event.id !== 'string' ||
        typeof event.type !== 'string' ||
        event.object !== 'event' ||
        !Number.isInteger(event.created) ||
        typeof event.data?.object !== 'object' ||
        event.data.object === null
      ) {
        throw new ApiError(400, 'not_a_stripe_event', 'The body is JSON but not a Stripe event.');
      }
      return { kind: 'snapshot', event };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      // Anything but a verification failure comes after the signature matched: the body itself is bad
      // (not JSON, or nested too deep to parse).
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) {
        throw new ApiError(400, 'malformed_body', 'The signed body is not valid JSON.');
      }
      failures.push(error);
    }
  }
  // One secret matching but too old says more than the others not matching at all.
  const stale = failures.find((error) => error instanceof Error && /tolerance/i.test(error.message));
  const reason = signatureReason(stale ?? failures.at(-1));
  throw new ApiError(400, reason.code, reason.message);
}
