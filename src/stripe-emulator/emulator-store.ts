import { stripeId } from './emulator-ids';
import { resourceMissing } from './emulator-errors';
import type {
  AnyRecord,
  BalanceTransactionRecord,
  ChargeRecord,
  EventRecord,
  PaymentIntentRecord,
  RefundRecord,
} from './emulator-resources';

/** Switches that make the emulator behave like particular Stripe accounts or races, for tests. */
export interface EmulatorBehaviour {
  /** PaymentIntents come back with a `charges` list and no `latest_charge`, as before API 2022-11-15. */
  legacyChargesShape: boolean;
  /** For this long after success, `latest_charge` reads null (a race seen on the real API). */
  latestChargeDelayMs: number;
  /** How long an asynchronous method stays `processing` before it settles. */
  asyncSettleMs: number;
  /** How long after success `pm_card_createDispute` opens a dispute. */
  disputeDelayMs: number;
}

export const DEFAULT_BEHAVIOUR: EmulatorBehaviour = {
  legacyChargesShape: false,
  latestChargeDelayMs: 0,
  asyncSettleMs: 1000,
  disputeDelayMs: 500,
};

/** The API version the emulator claims, the one stripe-node 23 pins. */
export const EMULATOR_API_VERSION = '2026-11-18.endive';

type Kind = AnyRecord['object'];
type RecordOf<K extends Kind> = Extract<AnyRecord, { object: K }>;

/**
 * The emulator's state: every resource by id in creation order, and the events that state changes raise.
 * Not thread-safe in any sense that matters: Node runs one request at a time through it.
 */
export class EmulatorStore {
  private readonly records = new Map<string, AnyRecord>();
  private readonly order: AnyRecord[] = [];
  /** When a charge becomes visible as `latest_charge`, for {@link EmulatorBehaviour.latestChargeDelayMs}. */
  readonly latestChargeVisibleAt = new Map<string, number>();
  private readonly eventListeners: ((event: EventRecord) => void)[] = [];

  constructor(public behaviour: EmulatorBehaviour = { ...DEFAULT_BEHAVIOUR }) {}

  /** Seconds since the epoch, as Stripe's `created`. */
  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  insert<T extends AnyRecord>(record: T): T {
    this.records.set(record.id, record);
    this.order.push(record);
    this.changed();
    return record;
  }

  /** Called after every change; the emulator uses it to persist snapshots. */
  changed: () => void = () => undefined;

  /** Every record in creation order, for a snapshot. */
  snapshot(): AnyRecord[] {
    return [...this.order];
  }

  /** Replaces the state with a snapshot's records. */
  restore(records: AnyRecord[]): void {
    this.records.clear();
    this.order.length = 0;
    for (const record of records) {
      this.records.set(record.id, record);
      this.order.push(record);
    }
  }

  /** Any stored resource by id, or `undefined`. */
  find(id: string): AnyRecord | undefined {
    return this.records.get(id);
  }

  /**
   * A stored resource of one kind.
   *
   * @throws EmulatorError 404 `resource_missing` when there is none.
   */
  get<K extends Kind>(kind: K, id: string, param = 'id'): RecordOf<K> {
    const record = this.records.get(id);
    if (!record || record.object !== kind) throw resourceMissing(kind, id, param);
    return record as RecordOf<K>;
  }

  /** Every resource of a kind, newest first, as Stripe lists them. */
  all<K extends Kind>(kind: K): RecordOf<K>[] {
    return this.order.filter((record): record is RecordOf<K> => record.object === kind).reverse();
  }

  chargesOf(paymentIntentId: string): ChargeRecord[] {
    return this.all('charge').filter((charge) => charge.payment_intent === paymentIntentId);
  }

  onEvent(listener: (event: EventRecord) => void): void {
    this.eventListeners.push(listener);
  }

  /** Records an event with a snapshot of `object` as it is now, and hands it to the listeners. */
  emit(
    type: string,
    object: AnyRecord,
    requestId: string | null = null,
    idempotencyKey: string | null = null,
  ): EventRecord {
    const event = this.insert<EventRecord>({
      id: stripeId('evt'),
      object: 'event',
      api_version: EMULATOR_API_VERSION,
      created: this.now(),
      data: { object: this.serialize(object) },
      livemode: false,
      pending_webhooks: 0,
      request: { id: requestId, idempotency_key: idempotencyKey },
      type,
    });
    for (const listener of this.eventListeners) listener(event);
    this.changed();
    return event;
  }

  /** A resource as the API returns it, with the behaviour switches applied. A deep copy. */
  serialize(record: AnyRecord): Record<string, unknown> {
    const copy = structuredClone(record) as unknown as Record<string, unknown>;
    if (record.object === 'payment_intent') return this.serializePaymentIntent(record, copy);
    if (record.object === 'charge') {
      copy.refunds = this.list(
        this.all('refund').filter((refund) => refund.charge === record.id),
        `/v1/charges/${record.id}/refunds`,
      );
    }
    return copy;
  }

  private serializePaymentIntent(record: PaymentIntentRecord, copy: Record<string, unknown>): Record<string, unknown> {
    const visibleAt = record.latest_charge ? this.latestChargeVisibleAt.get(record.latest_charge) : undefined;
    if (visibleAt !== undefined && Date.now() < visibleAt) copy.latest_charge = null;
    if (this.behaviour.legacyChargesShape) {
      delete copy.latest_charge;
      copy.charges = this.list(
        this.chargesOf(record.id).map((charge) => this.serialize(charge)),
        `/v1/charges?payment_intent=${record.id}`,
      );
    }
    return copy;
  }

  /** A Stripe list object. */
  list(
    data: unknown[],
    url: string,
    hasMore = false,
  ): { object: 'list'; data: unknown[]; has_more: boolean; url: string } {
    return { object: 'list', data, has_more: hasMore, url };
  }

  /** Creates a balance transaction with Stripe's US card pricing (2.9% + 30 minor units) for a charge. */
  balanceTransactionFor(source: ChargeRecord | RefundRecord, amount: number): BalanceTransactionRecord {
    const isCharge = source.object === 'charge';
    const fee = isCharge ? Math.round(amount * 0.029) + 30 : 0;
    return this.insert<BalanceTransactionRecord>({
      id: stripeId('txn'),
      object: 'balance_transaction',
      amount,
      available_on: this.now() + 2 * 86_400,
      created: this.now(),
      currency: source.currency,
      fee,
      fee_details: fee
        ? [{ amount: fee, currency: source.currency, type: 'stripe_fee', description: 'Stripe processing fees' }]
        : [],
      net: amount - fee,
      source: source.id,
      status: 'pending',
      type: isCharge ? 'charge' : 'refund',
    });
  }

  /** Counts of stored resources by kind, for the control API. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const record of this.order) counts[record.object] = (counts[record.object] ?? 0) + 1;
    return counts;
  }
}
