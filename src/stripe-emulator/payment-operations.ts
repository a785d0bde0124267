import { randomBytes } from 'node:crypto';
import { stripeId } from './emulator-ids';
import { EmulatorError, invalidParam, resourceMissing, STRIPE_ERROR_TYPE, unexpectedState } from './emulator-errors';
import type { ChargeRecord, DisputeRecord, PaymentIntentRecord, RefundRecord } from './emulator-resources';
import type { EmulatorStore } from './emulator-store';
import { declineMessage, TEST_PAYMENT_METHODS, type TestPaymentMethod } from './test-payment-methods';

/** Which request caused a change, carried into the events it raises. */
export interface RequestContext {
  requestId: string | null;
  idempotencyKey: string | null;
}
const NO_REQUEST: RequestContext = { requestId: null, idempotencyKey: null };

/** Form-decoded parameters: strings, nested objects and arrays of them. */
export type Params = Record<string, unknown>;

function readAmount(value: unknown, param: string): number {
  const amount = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(amount) || amount < 1 || amount > 99_999_999) {
    throw invalidParam(param, 'This value must be greater than or equal to 1 and a whole number of the minor unit.');
  }
  return amount;
}

function readCurrency(value: unknown): string {
  if (typeof value !== 'string' || !/^[a-zA-Z]{3}$/.test(value)) {
    throw invalidParam('currency', `Invalid currency: ${String(value)}.`);
  }
  return value.toLowerCase();
}

function readMetadata(value: unknown, current: Record<string, string> = {}): Record<string, string> {
  if (value === undefined) return current;
  if (value === '') return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParam('metadata', 'Invalid object');
  }
  const merged = { ...current };
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (key.length > 40) throw invalidParam(`metadata[${key}]`, 'Metadata keys can be at most 40 characters.');
    if (raw === '') delete merged[key];
    else if (typeof raw === 'string' && raw.length <= 500) merged[key] = raw;
    else throw invalidParam(`metadata[${key}]`, 'Metadata values must be strings of at most 500 characters.');
  }
  if (Object.keys(merged).length > 50) throw invalidParam('metadata', 'Metadata can have at most 50 keys.');
  return merged;
}

function paymentMethodDetails(method: TestPaymentMethod): Record<string, unknown> {
  if (method.type === 'card' && method.card) {
    return { type: 'card', card: { ...method.card, exp_month: 12, exp_year: 2034, network: method.card.brand } };
  }
  if (method.type === 'us_bank_account') {
    return { type: 'us_bank_account', us_bank_account: { last4: method.last4, bank_name: 'STRIPE TEST BANK' } };
  }
  return { type: 'sepa_debit', sepa_debit: { last4: method.last4, country: 'DE' } };
}

/**
 * What a PaymentIntent, a Charge, a Refund or a Dispute does when asked: the state machine of Stripe's
 * payments, on top of {@link EmulatorStore}. Every change raises the events Stripe raises for it.
 */
export class PaymentOperations {
  constructor(
    private readonly store: EmulatorStore,
    private readonly schedule: (delayMs: number, task: () => void) => void,
  ) {}

  createPaymentIntent(params: Params, ctx: RequestContext = NO_REQUEST): PaymentIntentRecord {
    if (params.amount === undefined)
      throw invalidParam('amount', 'Missing required param: amount.', 'parameter_missing');
    if (params.currency === undefined)
      throw invalidParam('currency', 'Missing required param: currency.', 'parameter_missing');
    const id = stripeId('pi');
    const intent = this.store.insert<PaymentIntentRecord>({
      id,
      object: 'payment_intent',
      amount: readAmount(params.amount, 'amount'),
      amount_received: 0,
      capture_method: 'automatic',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      confirmation_method: 'automatic',
      created: this.store.now(),
      currency: readCurrency(params.currency),
      customer: null,
      description: typeof params.description === 'string' ? params.description : null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: readMetadata(params.metadata),
      next_action: null,
      payment_method: typeof params.payment_method === 'string' ? params.payment_method : null,
      payment_method_types: ['card', 'us_bank_account', 'sepa_debit'],
      receipt_email: typeof params.receipt_email === 'string' ? params.receipt_email : null,
      status: typeof params.payment_method === 'string' ? 'requires_confirmation' : 'requires_payment_method',
      canceled_at: null,
      cancellation_reason: null,
    });
    this.store.emit('payment_intent.created', intent, ctx.requestId, ctx.idempotencyKey);
    if (params.confirm === 'true' || params.confirm === true) return this.confirmPaymentIntent(id, {}, ctx);
    return intent;
  }

  updatePaymentIntent(id: string, params: Params): PaymentIntentRecord {
    const intent = this.store.get('payment_intent', id);
    if (['succeeded', 'canceled', 'processing'].includes(intent.status)) {
      throw unexpectedState(`You cannot update this PaymentIntent because it has a status of ${intent.status}.`);
    }
    if (params.amount !== undefined) intent.amount = readAmount(params.amount, 'amount');
    if (params.currency !== undefined) intent.currency = readCurrency(params.currency);
    if (typeof params.description === 'string') intent.description = params.description;
    if (typeof params.payment_method === 'string') intent.payment_method = params.payment_method;
    intent.metadata = readMetadata(params.metadata, intent.metadata);
    return intent;
  }

  /**
   * Confirms with the PaymentMethod given or attached: a card succeeds or is declined at once, a bank debit
   * goes `processing` and settles after {@link EmulatorBehaviour.asyncSettleMs}.
   *
   * @throws EmulatorError 402 `card_error` on a decline, after the PaymentIntent moved to
   *   `requires_payment_method` (as Stripe does); 400 when the status does not allow confirming.
   */
  confirmPaymentIntent(id: string, params: Params, ctx: RequestContext = NO_REQUEST): PaymentIntentRecord {
    const intent = this.store.get('payment_intent', id);
    if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(intent.status)) {
      throw unexpectedState(`You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`);
    }
    const methodId = typeof params.payment_method === 'string' ? params.payment_method : intent.payment_method;
    if (!methodId) {
      throw invalidParam(
        'payment_method',
        "You cannot confirm this PaymentIntent because it's missing a payment method.",
        'payment_intent_unexpected_state',
      );
    }
    const method = TEST_PAYMENT_METHODS[methodId];
    if (!method) throw resourceMissing('payment_method', methodId, 'payment_method');
    intent.payment_method = methodId;

    const charge = this.createCharge(intent, methodId, method);
    intent.latest_charge = charge.id;
    if (method.outcome === 'succeed') {
      this.succeed(intent, charge, ctx);
      if (method.disputes) this.schedule(this.store.behaviour.disputeDelayMs, () => this.tryDispute(charge.id));
    } else if (method.outcome === 'decline') {
      this.fail(intent, charge, method.declineCode ?? 'generic_decline', ctx);
      throw new EmulatorError(402, STRIPE_ERROR_TYPE.card, declineMessage(method.declineCode ?? 'generic_decline'), {
        code: 'card_declined',
        decline_code: method.declineCode ?? 'generic_decline',
        payment_intent: this.store.serialize(intent),
      });
    } else {
      intent.status = 'processing';
      this.store.emit('payment_intent.processing', intent, ctx.requestId, ctx.idempotencyKey);
      this.store.emit('charge.pending', charge, ctx.requestId, ctx.idempotencyKey);
      this.schedule(this.store.behaviour.asyncSettleMs, () => this.trySettle(id, method.outcome === 'async_succeed'));
    }
    return intent;
  }

  /**
   * Settles a `processing` PaymentIntent now: success or failure.
   *
   * @throws EmulatorError 400 when it is not processing.
   */
  settle(id: string, succeed: boolean): PaymentIntentRecord {
    const intent = this.store.get('payment_intent', id);
    if (intent.status !== 'processing' || !intent.latest_charge) {
      throw unexpectedState(`PaymentIntent ${id} is ${intent.status}, not processing.`);
    }
    const charge = this.store.get('charge', intent.latest_charge);
    if (succeed) this.succeed(intent, charge, NO_REQUEST);
    else this.fail(intent, charge, 'debit_not_authorized', NO_REQUEST);
    return intent;
  }

  cancelPaymentIntent(id: string, params: Params, ctx: RequestContext = NO_REQUEST): PaymentIntentRecord {
    const intent = this.store.get('payment_intent', id);
    if (['succeeded', 'canceled', 'processing'].includes(intent.status)) {
      throw unexpectedState(`You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`);
    }
    intent.status = 'canceled';
    intent.canceled_at = this.store.now();
    intent.cancellation_reason =
      typeof params.cancellation_reason === 'string' ? params.cancellation_reason : 'requested_by_customer';
    this.store.emit('payment_intent.canceled', intent, ctx.requestId, ctx.idempotencyKey);
    return intent;
  }

  /**
   * Refunds all or part of a succeeded charge, given by `charge` or `payment_intent`.
   *
   * @throws EmulatorError 400 when there is nothing to refund or the amount is larger than what is left.
   */
  createRefund(params: Params, ctx: RequestContext = NO_REQUEST): RefundRecord {
    const charge = this.refundableCharge(params);
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) {
      throw new EmulatorError(400, STRIPE_ERROR_TYPE.invalidRequest, `Charge ${charge.id} has already been refunded.`, {
        code: 'charge_already_refunded',
      });
    }
    const amount = params.amount === undefined ? remaining : readAmount(params.amount, 'amount');
    if (amount > remaining) {
      throw invalidParam(
        'amount',
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        'amount_too_large',
      );
    }
    const refund = this.store.insert<RefundRecord>({
      id: stripeId('re'),
      object: 'refund',
      amount,
      balance_transaction: '',
      charge: charge.id,
      created: this.store.now(),
      currency: charge.currency,
      metadata: readMetadata(params.metadata),
      payment_intent: charge.payment_intent,
      reason: typeof params.reason === 'string' ? params.reason : null,
      status: 'succeeded',
    });
    refund.balance_transaction = this.store.balanceTransactionFor(refund, -amount).id;
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.store.emit('refund.created', refund, ctx.requestId, ctx.idempotencyKey);
    this.store.emit('charge.refunded', charge, ctx.requestId, ctx.idempotencyKey);
    return refund;
  }

  /**
   * Opens a dispute on a succeeded charge, as a cardholder's bank would.
   *
   * @throws EmulatorError 400 when the charge did not succeed or is disputed already.
   */
  createDispute(chargeId: string, reason = 'fraudulent'): DisputeRecord {
    const charge = this.store.get('charge', chargeId);
    if (charge.status !== 'succeeded' || charge.disputed) {
      throw new EmulatorError(400, STRIPE_ERROR_TYPE.invalidRequest, `Charge ${chargeId} cannot be disputed.`);
    }
    charge.disputed = true;
    const dispute = this.store.insert<DisputeRecord>({
      id: stripeId('dp'),
      object: 'dispute',
      amount: charge.amount,
      charge: charge.id,
      created: this.store.now(),
      currency: charge.currency,
      livemode: false,
      payment_intent: charge.payment_intent,
      reason,
      status: 'needs_response',
    });
    this.store.emit('charge.dispute.created', dispute);
    return dispute;
  }

  private refundableCharge(params: Params): ChargeRecord {
    if (typeof params.charge === 'string') return this.store.get('charge', params.charge, 'charge');
    if (typeof params.payment_intent === 'string') {
      const intent = this.store.get('payment_intent', params.payment_intent, 'payment_intent');
      const charge = this.store.chargesOf(intent.id).find((c) => c.status === 'succeeded');
      if (!charge) {
        throw new EmulatorError(
          400,
          STRIPE_ERROR_TYPE.invalidRequest,
          `PaymentIntent ${intent.id} does not have a successful charge to refund.`,
          {
            code: 'charge_not_refundable',
          },
        );
      }
      return charge;
    }
    throw invalidParam('charge', 'One of `charge` or `payment_intent` is required.', 'parameter_missing');
  }

  private createCharge(intent: PaymentIntentRecord, methodId: string, method: TestPaymentMethod): ChargeRecord {
    return this.store.insert<ChargeRecord>({
      id: stripeId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: 0,
      amount_refunded: 0,
      balance_transaction: null,
      captured: false,
      created: this.store.now(),
      currency: intent.currency,
      disputed: false,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: { ...intent.metadata },
      outcome: { type: 'authorized', network_status: 'approved_by_network', seller_message: 'Payment complete.' },
      paid: false,
      payment_intent: intent.id,
      payment_method: methodId,
      payment_method_details: paymentMethodDetails(method),
      receipt_url: null,
      refunded: false,
      status: 'pending',
    });
  }

  private succeed(intent: PaymentIntentRecord, charge: ChargeRecord, ctx: RequestContext): void {
    charge.status = 'succeeded';
    charge.paid = true;
    charge.captured = true;
    charge.amount_captured = charge.amount;
    charge.balance_transaction = this.store.balanceTransactionFor(charge, charge.amount).id;
    charge.receipt_url = `https://pay.stripe.com/receipts/payment/${randomBytes(16).toString('hex')}`;
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    intent.last_payment_error = null;
    if (this.store.behaviour.latestChargeDelayMs > 0) {
      this.store.latestChargeVisibleAt.set(charge.id, Date.now() + this.store.behaviour.latestChargeDelayMs);
    }
    this.store.emit('charge.succeeded', charge, ctx.requestId, ctx.idempotencyKey);
    this.store.emit('payment_intent.succeeded', intent, ctx.requestId, ctx.idempotencyKey);
  }

  private fail(intent: PaymentIntentRecord, charge: ChargeRecord, code: string, ctx: RequestContext): void {
    const message = declineMessage(code);
    charge.status = 'failed';
    charge.failure_code = code === 'debit_not_authorized' ? code : 'card_declined';
    charge.failure_message = message;
    charge.outcome = { type: 'issuer_declined', network_status: 'declined_by_network', seller_message: message };
    intent.status = 'requires_payment_method';
    intent.last_payment_error = {
      type: 'card_error',
      code: charge.failure_code,
      decline_code: code,
      message,
      charge: charge.id,
      payment_method: { id: charge.payment_method, type: String(charge.payment_method_details.type) },
    };
    this.store.emit('charge.failed', charge, ctx.requestId, ctx.idempotencyKey);
    this.store.emit('payment_intent.payment_failed', intent, ctx.requestId, ctx.idempotencyKey);
  }

  private trySettle(id: string, succeed: boolean): void {
    const intent = this.store.find(id);
    if (intent?.object === 'payment_intent' && intent.status === 'processing') this.settle(id, succeed);
  }

  private tryDispute(chargeId: string): void {
    const charge = this.store.find(chargeId);
    if (charge?.object === 'charge' && charge.status === 'succeeded' && !charge.disputed) this.createDispute(chargeId);
  }
}
