/**
 * The design this service replaces, for comparison: the webhook fetches, resolves, records and enrolls
 * inside the request, before it answers. Same code for each step, no Temporal.
 */
import express from 'express';
import { createActivities } from '../src/activities';
import { verifyStripeWebhook } from '../src/api/webhook-verification';
import { createPrismaClient } from '../src/db/prisma-client';
import { createLogger } from '../src/logger';
import { createStripeClient } from '../src/stripe/stripe-client';

const prisma = createPrismaClient(String(process.env.DATABASE_URL), Number(process.env.DATABASE_POOL_SIZE ?? 10));
const stripe = createStripeClient({ secretKey: 'sk_test_emulator', apiBase: process.env.STRIPE_API_BASE });
const steps = createActivities({ stripe, prisma, logger: createLogger('silent', 'inline') });
const secrets = String(process.env.STRIPE_WEBHOOK_SECRETS).split(',');

const app = express();
app.post('/api/v1/payments/webhooks/stripe', express.raw({ type: () => true }), async (req, res) => {
  const verified = verifyStripeWebhook(stripe, req.body as Buffer, req.header('stripe-signature'), secrets);
  if (verified.kind === 'snapshot' && verified.event.type === 'payment_intent.succeeded') {
    const intent = await steps.fetchPaymentIntent((verified.event.data.object as { id: string }).id);
    const charge = await steps.resolveCharge(intent);
    await steps.recordTransaction(intent, charge);
    await steps.enrollStudent(intent);
  }
  res.json({ received: true });
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('inline listening'));
process.once('SIGTERM', () => process.exit(0));
