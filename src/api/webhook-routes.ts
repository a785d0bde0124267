import express, { type Request, type Response } from 'express';
import type { ApiMetrics } from './api-metrics';
import { ApiError } from './api-error';
import { acceptStripeEvent, type IncomingEvent, type WebhookDeps } from './webhook-events';
import { routeSnapshotEvent, routeThinEvent } from './webhook-routing';
import { verifyStripeWebhook } from './webhook-verification';

/** Path Stripe posts to; Express also matches it with a trailing slash. */
export const STRIPE_WEBHOOK_PATH = '/api/v1/payments/webhooks/stripe';

/**
 * The Stripe webhook route. It reads the raw body itself (no JSON parser may touch it first: the
 * signature is over the exact bytes) and answers 2xx only after the event is recorded and handed to
 * Temporal.
 */
export function createWebhookRouter(
  deps: WebhookDeps & { webhookSecrets: readonly string[]; bodyLimit: string; metrics: ApiMetrics },
): express.Router {
  const router = express.Router();
  router.post(
    STRIPE_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: deps.bodyLimit }),
    async (req: Request, res: Response) => {
      const stopTimer = deps.metrics.webhookSeconds.startTimer();
      let type = 'unknown';
      let outcome = 'rejected';
      try {
        if (!req.is('application/json')) {
          throw new ApiError(415, 'unsupported_media_type', 'Stripe webhooks are application/json.');
        }
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        let verified;
        try {
          verified = verifyStripeWebhook(deps.stripe, body, req.header('stripe-signature'), deps.webhookSecrets);
        } catch (error) {
          if (error instanceof ApiError && /signature/.test(error.code))
            deps.metrics.signatureFailures.inc({ reason: error.code });
          throw error;
        }
        const incoming: IncomingEvent =
          verified.kind === 'snapshot'
            ? {
                id: verified.event.id,
                type: verified.event.type,
                created: verified.event.created,
                livemode: verified.event.livemode === true,
                route: routeSnapshotEvent(verified.event),
              }
            : {
                id: verified.id,
                type: verified.type,
                created: verified.created,
                livemode: false,
                route: {
                  ...routeThinEvent(verified.type, verified.relatedObject),
                  relatedId: verified.relatedObject?.id,
                },
              };
        type = incoming.type;
        const result = await acceptStripeEvent(
          { ...deps, logger: (res.locals.logger as WebhookDeps['logger'] | undefined) ?? deps.logger },
          incoming,
        );
        outcome = result.outcome;
        res
          .status(200)
          .json({ received: true, outcome: result.outcome, ...(result.reason && { reason: result.reason }) });
      } catch (error) {
        if (error instanceof ApiError && error.status === 503) outcome = 'unavailable';
        throw error;
      } finally {
        deps.metrics.webhooks.inc({ type, outcome });
        stopTimer({ outcome });
      }
    },
  );
  return router;
}
