import express from 'express';
import type { Client } from '@temporalio/client';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { PrismaClient } from '../db/prisma-client';
import { PAYMENT_STATE } from '../shared/payment-model';
import { getPaymentWorkflow, listPaymentsByState, requestRetry } from '../temporal/payment-queries';
import { ApiError } from './api-error';
import { createCheckoutIntent } from './checkout-intents';
import { ID_PATTERN, parseId, parseInput } from './validation';

const checkoutBody = z.object({
  studentId: z.string().regex(ID_PATTERN, 'expected 1 to 64 letters, digits, _ or -'),
  courseId: z.string().regex(ID_PATTERN, 'expected 1 to 64 letters, digits, _ or -'),
});
const listQuery = z.object({
  state: z.enum(Object.values(PAYMENT_STATE) as [string, ...string[]], {
    error: `expected one of ${Object.values(PAYMENT_STATE).join(', ')}`,
  }),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  pageToken: z.string().max(4096).optional(),
});

/** Deps of the payments routes. */
export interface PaymentRoutesDeps {
  prisma: PrismaClient;
  stripe: Stripe;
  temporal: { client: Client; namespace: string };
}

/** `POST /intents`, `GET /`, `GET /:id`, `POST /:id/retry`, mounted at `/api/v1/payments` behind the admin token. */
export function createPaymentRouter(deps: PaymentRoutesDeps): express.Router {
  const router = express.Router();
  const { prisma, temporal } = deps;

  router.post('/intents', async (req, res) => {
    const { studentId, courseId } = parseInput(checkoutBody, req.body);
    res.status(201).json(await createCheckoutIntent(deps, studentId, courseId));
  });

  router.get('/', async (req, res) => {
    const query = parseInput(listQuery, req.query);
    const page = await listPaymentsByState(
      temporal.client,
      temporal.namespace,
      query.state as (typeof PAYMENT_STATE)[keyof typeof PAYMENT_STATE],
      query.pageSize,
      query.pageToken,
    );
    res.json(page);
  });

  router.get('/:paymentIntentId', async (req, res) => {
    const id = parseId(req.params.paymentIntentId, 'paymentIntentId');
    const [local, transaction, enrollment, workflow] = await Promise.all([
      prisma.paymentIntent.findUnique({ where: { id } }),
      prisma.paymentTransaction.findUnique({ where: { paymentIntentId: id } }),
      prisma.enrollment.findFirst({ where: { paymentIntentId: id } }),
      getPaymentWorkflow(temporal.client, id).catch(() => undefined),
    ]);
    if (!local && !workflow) throw new ApiError(404, 'payment_not_found', `No payment is known for ${id}.`);
    res.json({
      paymentIntent: local,
      transaction,
      enrollment,
      workflow: workflow === undefined ? { error: 'Temporal is unavailable' } : workflow,
    });
  });

  router.post('/:paymentIntentId/retry', async (req, res) => {
    const id = parseId(req.params.paymentIntentId, 'paymentIntentId');
    const result = await requestRetry(temporal.client, id);
    if (result.outcome === 'not_found') throw new ApiError(404, 'payment_not_found', `No workflow exists for ${id}.`);
    if (result.outcome === 'not_waiting') {
      throw new ApiError(
        409,
        'not_waiting',
        `Payment ${id} is not waiting for a person (state ${result.state ?? 'closed'}).`,
      );
    }
    res.status(202).json({ paymentIntentId: id, signaled: 'retry' });
  });
  return router;
}
