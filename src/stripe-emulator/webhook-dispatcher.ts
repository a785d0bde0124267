import { createHmac } from 'node:crypto';
import type { EventRecord } from './emulator-resources';

/** A webhook endpoint the emulator delivers to. */
export interface WebhookEndpoint {
  url: string;
  /** The `whsec_…` secret the endpoint verifies with. */
  secret: string;
  /** Event types to send; `['*']` for all. @default ['*'] */
  enabledEvents?: string[];
}

/** Delivery misbehaviour, for tests: every share is drawn from the emulator's seeded RNG. */
export interface DeliveryChaos {
  /** Share of events never delivered (reconciliation must recover them). */
  dropRate: number;
  /** Event types the drops apply to; all types when absent. */
  dropTypes?: string[];
  /** Share of events delivered twice. */
  duplicateRate: number;
  /** Each delivery waits a random time up to this long first, so events arrive out of order. */
  maxDelayMs: number;
}

/** How failed deliveries are retried: `retryBaseMs * 2^(attempt-1)`, at most `maxAttempts` tries. */
export interface DeliveryRetry {
  retryBaseMs: number;
  maxAttempts: number;
}

export const NO_CHAOS: DeliveryChaos = { dropRate: 0, duplicateRate: 0, maxDelayMs: 0 };
export const DEFAULT_RETRY: DeliveryRetry = { retryBaseMs: 1000, maxAttempts: 8 };

/** One delivery attempt, for whoever measures (the benchmark). */
export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  /** The `id` of the event's object (a PaymentIntent for `payment_intent.*`). */
  objectId: string;
  startedAt: number;
  ms: number;
  status: number | null;
}

/** Counters of what the dispatcher did. */
export interface DeliveryStats {
  delivered: number;
  failedAttempts: number;
  dropped: number;
  duplicated: number;
  abandoned: number;
  pending: number;
}

/**
 * The `Stripe-Signature` header for a payload, exactly as Stripe computes it: HMAC-SHA256 of
 * `<timestamp>.<payload>` with the endpoint secret.
 */
export function stripeSignatureHeader(
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/** Delivers events to webhook endpoints as Stripe does: signed, retried with backoff on failure. */
export class WebhookDispatcher {
  private endpoints: WebhookEndpoint[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly stats: DeliveryStats = {
    delivered: 0,
    failedAttempts: 0,
    dropped: 0,
    duplicated: 0,
    abandoned: 0,
    pending: 0,
  };
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** At most this many deliveries in flight at once; the rest wait their turn. @default Infinity */
  maxInFlight = Number.POSITIVE_INFINITY;
  /** Called after every delivery attempt. */
  onAttempt: ((attempt: DeliveryAttempt) => void) | undefined;

  constructor(
    private readonly random: () => number,
    public chaos: DeliveryChaos = { ...NO_CHAOS },
    public retry: DeliveryRetry = { ...DEFAULT_RETRY },
  ) {}

  addEndpoint(endpoint: WebhookEndpoint): void {
    this.endpoints.push(endpoint);
  }

  clearEndpoints(): void {
    this.endpoints = [];
  }

  listEndpoints(): { url: string; enabledEvents: string[] }[] {
    return this.endpoints.map((endpoint) => ({ url: endpoint.url, enabledEvents: endpoint.enabledEvents ?? ['*'] }));
  }

  getStats(): DeliveryStats {
    return { ...this.stats };
  }

  /** Queues an event for every endpoint that wants it. */
  dispatch(event: EventRecord): void {
    const payload = JSON.stringify(event, null, 2);
    for (const endpoint of this.endpoints) {
      const wanted = endpoint.enabledEvents ?? ['*'];
      if (!wanted.includes('*') && !wanted.includes(event.type)) continue;
      const droppable = !this.chaos.dropTypes || this.chaos.dropTypes.includes(event.type);
      if (droppable && this.random() < this.chaos.dropRate) {
        this.stats.dropped += 1;
        continue;
      }
      const copies = this.random() < this.chaos.duplicateRate ? 2 : 1;
      if (copies === 2) this.stats.duplicated += 1;
      for (let i = 0; i < copies; i += 1)
        this.schedule(Math.floor(this.random() * this.chaos.maxDelayMs), endpoint, payload, 1);
    }
  }

  /** Resolves when no delivery is pending (delivered, or abandoned after its last retry). */
  async waitForIdle(): Promise<void> {
    if (this.stats.pending === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels every pending delivery. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stats.pending = 0;
    this.notifyIdle();
  }

  private schedule(delayMs: number, endpoint: WebhookEndpoint, payload: string, attempt: number): void {
    if (this.stopped) return;
    this.stats.pending += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const go = () => {
        this.inFlight += 1;
        void this.attempt(endpoint, payload, attempt).finally(() => {
          this.inFlight -= 1;
          this.waiting.shift()?.();
        });
      };
      if (this.inFlight < this.maxInFlight) go();
      else this.waiting.push(go);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(endpoint: WebhookEndpoint, payload: string, attempt: number): Promise<void> {
    let ok: boolean;
    let status: number | null = null;
    const startedAt = Date.now();
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': stripeSignatureHeader(payload, endpoint.secret),
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      ok = response.ok;
      status = response.status;
    } catch {
      ok = false;
    }
    if (this.stopped) return;
    if (this.onAttempt) {
      const event = JSON.parse(payload) as { id: string; type: string; data: { object: { id: string } } };
      this.onAttempt({
        eventId: event.id,
        eventType: event.type,
        objectId: event.data.object.id,
        startedAt,
        ms: Date.now() - startedAt,
        status,
      });
    }
    this.stats.pending -= 1;
    if (ok) {
      this.stats.delivered += 1;
    } else {
      this.stats.failedAttempts += 1;
      if (attempt < this.retry.maxAttempts)
        this.schedule(this.retry.retryBaseMs * 2 ** (attempt - 1), endpoint, payload, attempt + 1);
      else this.stats.abandoned += 1;
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.stats.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
