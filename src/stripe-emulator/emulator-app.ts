import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { stripeId } from './emulator-ids';
import { EmulatorError, STRIPE_ERROR_TYPE } from './emulator-errors';
import { EMULATOR_API_VERSION, type EmulatorStore } from './emulator-store';
import { expandObject, readExpand } from './expand';
import type { FaultInjector } from './fault-injector';
import { paginate, type ListQuery } from './list-params';
import type { Params, PaymentOperations, RequestContext } from './payment-operations';
import type { AnyRecord } from './emulator-resources';

/** What the emulator's routes work on. */
export interface EmulatorParts {
  store: EmulatorStore;
  operations: PaymentOperations;
  faults: FaultInjector;
  /** Counts of API requests by `METHOD /v1/route`, read by the benchmark. */
  requestCounts: Map<string, number>;
}

interface CachedResponse {
  fingerprint: string;
  status: number;
  body: unknown;
}

type Handler = (req: Request, ctx: RequestContext) => { status?: number; body: unknown };

/** Builds the Express app that speaks Stripe's REST API (`/v1`). */
export function createEmulatorApiRouter(parts: EmulatorParts): express.Router {
  const { store, operations, faults } = parts;
  const router = express.Router();
  const idempotency = new Map<string, CachedResponse>();

  router.use(express.urlencoded({ extended: true, limit: '1mb' }));
  router.use((req, res, next) => {
    const requestId = stripeId('req');
    res.locals.requestId = requestId;
    res.setHeader('Request-Id', requestId);
    res.setHeader('Stripe-Version', req.header('stripe-version') ?? EMULATOR_API_VERSION);
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const key = `${req.method} /v1${route ?? req.path}`;
      parts.requestCounts.set(key, (parts.requestCounts.get(key) ?? 0) + 1);
    });
    const auth = req.header('authorization') ?? '';
    if (!/^Bearer (sk|rk)_(test|live)_\S+$/.test(auth)) {
      next(
        new EmulatorError(
          401,
          STRIPE_ERROR_TYPE.invalidRequest,
          'You did not provide an API key. Provide it as `Authorization: Bearer sk_test_…`.',
        ),
      );
      return;
    }
    const { latencyMs, error } = faults.decide(req.method, `/v1${req.path}`);
    setTimeout(() => next(error), latencyMs);
  });

  const params = (req: Request): Params => ({ ...(req.query as Params), ...((req.body as Params | undefined) ?? {}) });
  const handle =
    (handler: Handler) =>
    (req: Request, res: Response): void => {
      const key = req.method === 'POST' ? req.header('idempotency-key') : undefined;
      const fingerprint = createHash('sha256')
        .update(`${req.method} ${req.path} ${JSON.stringify(params(req))}`)
        .digest('hex');
      if (key) {
        res.setHeader('Idempotency-Key', key);
        const cached = idempotency.get(key);
        if (cached) {
          if (cached.fingerprint !== fingerprint) {
            throw new EmulatorError(
              400,
              STRIPE_ERROR_TYPE.idempotency,
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            );
          }
          res.setHeader('Idempotent-Replayed', 'true');
          res.status(cached.status).json(cached.body);
          return;
        }
      }
      const ctx = { requestId: res.locals.requestId as string, idempotencyKey: key ?? null };
      let status: number;
      let body: unknown;
      try {
        const result = handler(req, ctx);
        status = result.status ?? 200;
        body = result.body;
      } catch (error) {
        // Stripe stores the outcome of a request that reached it, errors included, under its key.
        if (!(error instanceof EmulatorError) || error.status >= 500) throw error;
        status = error.status;
        body = error.toBody();
      }
      if (key) idempotency.set(key, { fingerprint, status, body });
      res.status(status).json(body);
    };
  const render = (req: Request, record: AnyRecord): Record<string, unknown> =>
    expandObject(store, store.serialize(record), readExpand(params(req).expand));
  const renderList = (req: Request, records: (AnyRecord & { created: number })[], url: string, kind: string) => {
    const page = paginate(records, req.query as ListQuery, kind);
    const expand = readExpand(params(req).expand);
    const list = store.list(
      page.data.map((record) => store.serialize(record)),
      url,
      page.hasMore,
    );
    return expandObject(store, list, expand);
  };
  const id = (req: Request): string => String(req.params.id);

  router.post(
    '/payment_intents',
    handle((req, ctx) => ({ body: render(req, operations.createPaymentIntent(params(req), ctx)) })),
  );
  router.get(
    '/payment_intents',
    handle((req) => ({ body: renderList(req, store.all('payment_intent'), '/v1/payment_intents', 'payment_intent') })),
  );
  router.get(
    '/payment_intents/:id',
    handle((req) => ({ body: render(req, store.get('payment_intent', id(req))) })),
  );
  router.post(
    '/payment_intents/:id',
    handle((req) => ({ body: render(req, operations.updatePaymentIntent(id(req), params(req))) })),
  );
  router.post(
    '/payment_intents/:id/confirm',
    handle((req, ctx) => ({ body: render(req, operations.confirmPaymentIntent(id(req), params(req), ctx)) })),
  );
  router.post(
    '/payment_intents/:id/cancel',
    handle((req, ctx) => ({ body: render(req, operations.cancelPaymentIntent(id(req), params(req), ctx)) })),
  );

  router.get(
    '/charges',
    handle((req) => {
      const pi = params(req).payment_intent;
      const charges = typeof pi === 'string' ? store.chargesOf(pi) : store.all('charge');
      return { body: renderList(req, charges, '/v1/charges', 'charge') };
    }),
  );
  router.get(
    '/charges/:id',
    handle((req) => ({ body: render(req, store.get('charge', id(req))) })),
  );
  router.post(
    '/refunds',
    handle((req, ctx) => ({ body: render(req, operations.createRefund(params(req), ctx)) })),
  );
  router.get(
    '/refunds',
    handle((req) => ({ body: renderList(req, store.all('refund'), '/v1/refunds', 'refund') })),
  );
  router.get(
    '/refunds/:id',
    handle((req) => ({ body: render(req, store.get('refund', id(req))) })),
  );
  router.get(
    '/balance_transactions/:id',
    handle((req) => ({ body: render(req, store.get('balance_transaction', id(req))) })),
  );
  router.get(
    '/disputes/:id',
    handle((req) => ({ body: render(req, store.get('dispute', id(req))) })),
  );
  router.get(
    '/events/:id',
    handle((req) => ({ body: render(req, store.get('event', id(req))) })),
  );
  router.get(
    '/events',
    handle((req) => {
      const query = params(req);
      const listed: unknown[] = Array.isArray(query.types) ? query.types : [];
      const types = [query.type, ...listed].filter((t): t is string => typeof t === 'string');
      const matches = (type: string) =>
        types.length === 0 || types.some((t) => (t.endsWith('.*') ? type.startsWith(t.slice(0, -1)) : t === type));
      return {
        body: renderList(
          req,
          store.all('event').filter((event) => matches(event.type)),
          '/v1/events',
          'event',
        ),
      };
    }),
  );

  router.use((req) => {
    throw new EmulatorError(
      404,
      STRIPE_ERROR_TYPE.invalidRequest,
      `Unrecognized request URL (${req.method}: /v1${req.path}).`,
    );
  });
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known =
      error instanceof EmulatorError
        ? error
        : new EmulatorError(500, STRIPE_ERROR_TYPE.api, 'An unknown error occurred in the Stripe emulator.');
    if (known.status === 429 || known.status >= 500) res.setHeader('Stripe-Should-Retry', 'true');
    res.status(known.status).json(known.toBody());
  });
  return router;
}
