import express, { type NextFunction, type Request, type Response } from 'express';
import { EmulatorError } from './emulator-errors';
import type { EmulatorParts } from './emulator-app';
import type { EmulatorBehaviour } from './emulator-store';
import type { FaultRule } from './fault-injector';
import type { DeliveryChaos, DeliveryRetry, WebhookDispatcher, WebhookEndpoint } from './webhook-dispatcher';

/**
 * The emulator's own control API (`/_emulator`), for tests, the simulator and the chaos runner: behaviour
 * switches, delivery chaos, fault rules, webhook endpoints, and acts that on Stripe come from elsewhere
 * (a bank settling a debit, a cardholder disputing a charge).
 */
export function createControlRouter(parts: EmulatorParts, dispatcher: WebhookDispatcher): express.Router {
  const { store, operations, faults } = parts;
  const router = express.Router();
  router.use(express.json());

  router.get('/state', (_req, res) => {
    res.json({
      counts: store.counts(),
      behaviour: store.behaviour,
      delivery: { chaos: dispatcher.chaos, retry: dispatcher.retry, stats: dispatcher.getStats() },
      endpoints: dispatcher.listEndpoints(),
      faults: faults.list(),
      requests: Object.fromEntries(parts.requestCounts),
    });
  });
  router.put('/behaviour', (req, res) => {
    store.behaviour = { ...store.behaviour, ...(req.body as Partial<EmulatorBehaviour>) };
    res.json(store.behaviour);
  });
  router.put('/delivery', (req, res) => {
    const body = req.body as Partial<DeliveryChaos & DeliveryRetry>;
    dispatcher.chaos = {
      dropRate: body.dropRate ?? dispatcher.chaos.dropRate,
      duplicateRate: body.duplicateRate ?? dispatcher.chaos.duplicateRate,
      maxDelayMs: body.maxDelayMs ?? dispatcher.chaos.maxDelayMs,
      ...((body.dropTypes ?? dispatcher.chaos.dropTypes) && {
        dropTypes: body.dropTypes ?? dispatcher.chaos.dropTypes,
      }),
    };
    dispatcher.retry = {
      retryBaseMs: body.retryBaseMs ?? dispatcher.retry.retryBaseMs,
      maxAttempts: body.maxAttempts ?? dispatcher.retry.maxAttempts,
    };
    res.json({ chaos: dispatcher.chaos, retry: dispatcher.retry });
  });
  router.post('/webhook_endpoints', (req, res) => {
    const endpoint = req.body as WebhookEndpoint;
    if (typeof endpoint.url !== 'string' || typeof endpoint.secret !== 'string') {
      throw new EmulatorError(400, 'invalid_request_error', 'Give `url` and `secret`.');
    }
    dispatcher.addEndpoint(endpoint);
    res.status(201).json(dispatcher.listEndpoints());
  });
  router.delete('/webhook_endpoints', (_req, res) => {
    dispatcher.clearEndpoints();
    res.status(204).end();
  });
  router.post('/faults', (req, res) => {
    const rule = req.body as FaultRule;
    if (typeof rule.match !== 'string')
      throw new EmulatorError(400, 'invalid_request_error', 'Give `match`, e.g. "GET /v1/payment_intents/*".');
    faults.add(rule);
    res.status(201).json(faults.list());
  });
  router.delete('/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });
  router.post('/payment_intents/:id/settle', (req, res) => {
    const outcome = (req.body as { outcome?: string }).outcome ?? 'succeeded';
    res.json(store.serialize(operations.settle(String(req.params.id), outcome === 'succeeded')));
  });
  router.post('/charges/:id/dispute', (req, res) => {
    res.status(201).json(store.serialize(operations.createDispute(String(req.params.id))));
  });
  router.post('/events/:id/resend', (req, res) => {
    const event = store.get('event', String(req.params.id));
    dispatcher.dispatch(event);
    res.status(202).json({ id: event.id });
  });
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = error instanceof EmulatorError ? error : new EmulatorError(500, 'api_error', String(error));
    res.status(known.status).json(known.toBody());
  });
  return router;
}
