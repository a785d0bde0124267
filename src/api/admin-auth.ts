import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error';

/**
 * Requires `Authorization: Bearer <ADMIN_API_TOKEN>`. Compares digests in constant time so the
 * comparison leaks neither the token nor its length. With no token configured every call is refused.
 */
export function requireAdminToken(token: string | undefined): RequestHandler {
  const expected = token ? createHash('sha256').update(token).digest() : undefined;
  return (req, _res, next) => {
    if (!expected)
      throw new ApiError(
        401,
        'unauthorized',
        'ADMIN_API_TOKEN is not set on the server; operator routes are disabled.',
      );
    const header = req.header('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match?.[1]) throw new ApiError(401, 'unauthorized', 'Send Authorization: Bearer <ADMIN_API_TOKEN>.');
    const given = createHash('sha256').update(match[1]).digest();
    if (!timingSafeEqual(given, expected)) throw new ApiError(401, 'unauthorized', 'The bearer token is not valid.');
    next();
  };
}
