import type { z } from 'zod';
import { ApiError } from './api-error';

/** Ids of students, courses and Stripe objects: letters, digits, `_` and `-`, at most 64. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Parses input with a schema.
 *
 * @throws ApiError 400 `validation_error` naming each bad field and what it expected.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
  throw new ApiError(400, 'validation_error', detail);
}

/**
 * Checks a path id.
 *
 * @throws ApiError 400 `invalid_id`.
 */
export function parseId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new ApiError(400, 'invalid_id', `${what} must be 1 to 64 letters, digits, _ or -.`);
  }
  return value;
}
