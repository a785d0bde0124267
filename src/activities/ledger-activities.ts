import type { TransactionStatus } from '../generated/prisma/client';
import type { ChargeSummary, PaymentIntentSummary } from '../shared/payment-model';
import { activityLogger, type ActivityDeps } from './activity-deps';
import { databaseStep } from './database-errors';
import { ensureLocalPaymentIntent, localStatus } from './local-payment-intent';

/** What {@link LedgerActivities.recordTransaction} wrote. */
export interface RecordedTransaction {
  transactionId: string;
  status: TransactionStatus;
  amountRefunded: number;
  fullyRefunded: boolean;
  disputed: boolean;
}

function transactionStatus(charge: ChargeSummary): TransactionStatus {
  if (charge.amountRefunded >= charge.amount) return 'REFUNDED';
  return charge.amountRefunded > 0 ? 'PARTIALLY_REFUNDED' : 'SUCCEEDED';
}

/** Activities that write the payment ledger. Each converges rows to Stripe's state, so it is safe to run twice. */
export function createLedgerActivities({ prisma, logger }: ActivityDeps) {
  return {
    /**
     * In one database transaction: upserts the transaction by Stripe charge id (amounts, fee, net,
     * refunds, dispute flag, card brand and last4) and marks the local PaymentIntent succeeded with `paidAt`.
     *
     * @throws ApplicationFailure `UnknownCourse` / `UnknownStudent` when adopting an intent the catalogue
     *   does not know; `DatabaseUnavailable` (retried) on database errors.
     */
    recordTransaction: async (intent: PaymentIntentSummary, charge: ChargeSummary): Promise<RecordedTransaction> => {
      const recorded = await databaseStep(`record transaction of ${intent.id}`, () =>
        prisma.$transaction(async (tx) => {
          const local = await ensureLocalPaymentIntent(tx, intent);
          const fields = {
            amount: charge.amount,
            currency: charge.currency,
            fee: charge.fee ?? 0,
            net: charge.net ?? charge.amount,
            amountRefunded: charge.amountRefunded,
            status: transactionStatus(charge),
            disputed: charge.disputed,
            cardBrand: charge.cardBrand,
            cardLast4: charge.cardLast4,
            receiptUrl: charge.receiptUrl,
          };
          const row = await tx.paymentTransaction.upsert({
            where: { stripeChargeId: charge.id },
            create: { stripeChargeId: charge.id, paymentIntentId: intent.id, ...fields },
            update: fields,
          });
          await tx.paymentIntent.update({
            where: { id: intent.id },
            data: { status: 'SUCCEEDED', paidAt: local.paidAt ?? new Date() },
          });
          return row;
        }),
      );
      activityLogger(logger).info(
        {
          paymentIntentId: intent.id,
          transactionId: recorded.id,
          status: recorded.status,
          disputed: recorded.disputed,
        },
        'recorded transaction',
      );
      return {
        transactionId: recorded.id,
        status: recorded.status,
        amountRefunded: recorded.amountRefunded,
        fullyRefunded: recorded.status === 'REFUNDED',
        disputed: recorded.disputed,
      };
    },

    /**
     * Moves the local PaymentIntent to Stripe's status for every status but success: a failed attempt
     * (counted once per failed charge), processing, canceled, or still waiting for the customer.
     */
    recordPaymentStatus: async (intent: PaymentIntentSummary): Promise<void> => {
      await databaseStep(`record status of ${intent.id}`, () =>
        prisma.$transaction(async (tx) => {
          const local = await ensureLocalPaymentIntent(tx, intent);
          const failure = intent.status === 'requires_payment_method' ? intent.lastPaymentError : null;
          const newFailure = failure !== null && failure.chargeId !== local.lastFailureChargeId;
          await tx.paymentIntent.update({
            where: { id: intent.id },
            data: {
              status: localStatus(intent.status),
              ...(newFailure && {
                failedAttempts: { increment: 1 },
                failureCode: failure.code,
                failureMessage: failure.message,
                lastFailureChargeId: failure.chargeId,
              }),
              ...(intent.status === 'canceled' && { canceledAt: local.canceledAt ?? new Date() }),
            },
          });
        }),
      );
      activityLogger(logger).info({ paymentIntentId: intent.id, status: intent.status }, 'recorded payment status');
    },
  };
}
