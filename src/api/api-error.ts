import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';

/** An error the API answers with its status and `{ error: { code, message } }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The one error middleware: known errors with their status, anything else as 500 without a stack. */
export function errorMiddleware(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const parserError = error as { type?: string; status?: number };
    let known: ApiError;
    if (error instanceof ApiError) known = error;
    else if (parserError.type === 'entity.too.large')
      known = new ApiError(413, 'payload_too_large', 'The request body is larger than allowed.');
    else if (parserError.type === 'entity.parse.failed')
      known = new ApiError(400, 'malformed_json', 'The request body is not valid JSON.');
    else if (parserError.status && parserError.status >= 400 && parserError.status < 500)
      known = new ApiError(parserError.status, 'bad_request', 'The request could not be read.');
    else known = new ApiError(500, 'internal_error', 'Something went wrong on our side; it was logged.');
    const log = (res.locals.logger as Logger | undefined) ?? logger;
    if (known.status >= 500) log.error({ err: error, path: req.path }, 'request failed');
    res.status(known.status).json({ error: { code: known.code, message: known.message } });
  };
}
