/**
 * The database ceiling: the same transaction and enrollment upserts the workflow's activities write, called
 * directly with the same pool size and concurrency. Prints one JSON line with the timings.
 */
import { createActivities } from '../src/activities';
import { createPrismaClient } from '../src/db/prisma-client';
import { createLogger } from '../src/logger';
import type { PaymentIntentSummary } from '../src/shared/payment-model';
import type Stripe from 'stripe';

async function main(): Promise<void> {
  const size = Number(process.env.BENCH_SIZE);
  const concurrency = Number(process.env.BENCH_CONCURRENCY);
  const courseId = String(process.env.BENCH_COURSE);
  const prisma = createPrismaClient(String(process.env.DATABASE_URL), Number(process.env.DATABASE_POOL_SIZE));
  const steps = createActivities({ stripe: {} as Stripe, prisma, logger: createLogger('silent', 'db-ceiling') });
  const intents: PaymentIntentSummary[] = Array.from({ length: size }, (_, i) => ({
    id: `pi_db_${courseId}_${i}`,
    status: 'succeeded',
    amount: 2500,
    currency: 'usd',
    ours: true,
    studentId: `${courseId}_s${i}`,
    courseId,
    created: 0,
    latestCharge: null,
    legacyCharge: null,
    lastPaymentError: null,
    cancellationReason: null,
  }));
  const latencies: number[] = [];
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < intents.length) {
        const intent = intents[next++] as PaymentIntentSummary;
        const t = Date.now();
        const charge = {
          id: `ch_${intent.id}`,
          status: 'succeeded',
          amount: 2500,
          currency: 'usd',
          amountRefunded: 0,
          disputed: false,
          fee: 103,
          net: 2397,
          cardBrand: 'visa',
          cardLast4: '4242',
          receiptUrl: null,
        };
        await steps.recordTransaction(intent, charge);
        await steps.enrollStudent(intent);
        latencies.push(Date.now() - t);
      }
    }),
  );
  await prisma.$disconnect();
  console.log(JSON.stringify({ durationMs: Date.now() - started, latencies }));
  // Stay until the benchmark has read this process's peak RSS and stops it.
  await new Promise((resolve) => process.once('SIGTERM', resolve));
}

void main();
