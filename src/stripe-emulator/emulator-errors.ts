/** Stripe's error types, as they appear in the `error.type` of a response. */
export const STRIPE_ERROR_TYPE = {
  invalidRequest: 'invalid_request_error',
  card: 'card_error',
  rateLimit: 'rate_limit_error',
  api: 'api_error',
  idempotency: 'idempotency_error',
  authentication: 'authentication_error',
} as const;
export type StripeErrorType = (typeof STRIPE_ERROR_TYPE)[keyof typeof STRIPE_ERROR_TYPE];

/** An error the emulator answers in Stripe's envelope: `{ error: { type, code, message, param } }`. */
export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly extra: { code?: string; param?: string; decline_code?: string; payment_intent?: unknown } = {},
  ) {
    super(message);
  }

  /** The response body, as Stripe writes it. */
  toBody(): { error: Record<string, unknown> } {
    return { error: { type: this.type, message: this.message, ...this.extra } };
  }
}

/** 404 `resource_missing`, worded as Stripe words it. */
export function resourceMissing(kind: string, id: string, param = 'id'): EmulatorError {
  return new EmulatorError(404, STRIPE_ERROR_TYPE.invalidRequest, `No such ${kind}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}

/** 400 for a bad parameter. */
export function invalidParam(param: string, message: string, code = 'parameter_invalid'): EmulatorError {
  return new EmulatorError(400, STRIPE_ERROR_TYPE.invalidRequest, message, { code, param });
}

/** 400 when an operation does not fit the object's status. */
export function unexpectedState(message: string): EmulatorError {
  return new EmulatorError(400, STRIPE_ERROR_TYPE.invalidRequest, message, { code: 'payment_intent_unexpected_state' });
}
