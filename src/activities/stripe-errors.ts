import { ApplicationFailure } from '@temporalio/activity';
import Stripe from 'stripe';
import { ERROR_TYPE } from '../shared/errors';

/**
 * Turns a failed Stripe call into the failure Temporal should see: connection errors, 429 and 5xx are
 * retried with backoff; `resource_missing`, other 4xx and authentication errors are not, since the same
 * request will fail the same way. The Stripe error is kept as the cause.
 */
export function classifyStripeError(error: unknown, what: string): ApplicationFailure {
  const cause = error instanceof Error ? error : new Error(String(error));
  const fail = (type: string, nonRetryable: boolean, detail: string) =>
    ApplicationFailure.create({ type, message: `${what}: ${detail}`, nonRetryable, cause });

  if (!(error instanceof Stripe.errors.StripeError)) return fail(ERROR_TYPE.StripeUnavailable, false, cause.message);
  const status = error.statusCode ?? 0;
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    status === 429 ||
    status >= 500 ||
    status === 0
  ) {
    return fail(ERROR_TYPE.StripeUnavailable, false, `${error.type} (${status || 'no response'}): ${error.message}`);
  }
  if (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  ) {
    return fail(
      ERROR_TYPE.StripeAuthentication,
      true,
      `Stripe refused the API key (${status}); check STRIPE_SECRET_KEY`,
    );
  }
  if (error.code === 'resource_missing') return fail(ERROR_TYPE.StripeResourceMissing, true, error.message);
  return fail(ERROR_TYPE.StripeInvalidRequest, true, `${error.type} ${status} ${error.code ?? ''}: ${error.message}`);
}
