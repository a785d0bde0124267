/**
 * The error types of this service, by the `type` of the ApplicationFailure that carries them. Pure: the
 * workflow lists the non-retryable ones in its activity options.
 */
export const ERROR_TYPE = {
  /** Stripe has no such object (`resource_missing`): retrying cannot help. */
  StripeResourceMissing: 'StripeResourceMissing',
  /** Stripe refused the request (other 4xx): a bug or a configuration error. */
  StripeInvalidRequest: 'StripeInvalidRequest',
  /** Stripe refused the API key. */
  StripeAuthentication: 'StripeAuthentication',
  /** Stripe could not be reached, rate-limited us or failed (5xx): retried with backoff. */
  StripeUnavailable: 'StripeUnavailable',
  /** A succeeded PaymentIntent whose charge Stripe does not show yet: retried. */
  ChargeNotYetAvailable: 'ChargeNotYetAvailable',
  /** The PaymentIntent's amount or currency differs from the quote: a person must look. */
  AmountMismatch: 'AmountMismatch',
  /** The student in the PaymentIntent's metadata is not in the catalogue. */
  UnknownStudent: 'UnknownStudent',
  /** The course in the PaymentIntent's metadata is not in the catalogue. */
  UnknownCourse: 'UnknownCourse',
  /** The database could not be reached or failed: retried with backoff. */
  DatabaseUnavailable: 'DatabaseUnavailable',
} as const;
export type ErrorType = (typeof ERROR_TYPE)[keyof typeof ERROR_TYPE];

/** Errors that retrying the same step cannot fix: the workflow waits for a person at once. */
export const NON_RETRYABLE_ERROR_TYPES: readonly ErrorType[] = [
  ERROR_TYPE.StripeResourceMissing,
  ERROR_TYPE.StripeInvalidRequest,
  ERROR_TYPE.StripeAuthentication,
  ERROR_TYPE.AmountMismatch,
  ERROR_TYPE.UnknownStudent,
  ERROR_TYPE.UnknownCourse,
];
