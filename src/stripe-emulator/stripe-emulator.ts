import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createControlRouter } from './control-routes';
import { createEmulatorApiRouter, type EmulatorParts } from './emulator-app';
import { DEFAULT_BEHAVIOUR, EmulatorStore, type EmulatorBehaviour } from './emulator-store';
import { FaultInjector } from './fault-injector';
import { PaymentOperations } from './payment-operations';
import { seededRandom } from './seeded-random';
import {
  DEFAULT_RETRY,
  NO_CHAOS,
  WebhookDispatcher,
  type DeliveryChaos,
  type DeliveryRetry,
  type WebhookEndpoint,
} from './webhook-dispatcher';

/** Options of {@link StripeEmulator.start}. */
export interface StripeEmulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Seed of the RNG behind delivery chaos and fault rates. @default 1 */
  seed?: number;
  behaviour?: Partial<EmulatorBehaviour>;
  chaos?: Partial<DeliveryChaos>;
  retry?: Partial<DeliveryRetry>;
  webhookEndpoints?: WebhookEndpoint[];
  /** A JSON file that keeps the state across restarts (saved within half a second of a change, and on stop). */
  persistPath?: string;
}

/**
 * A local, stateful stand-in for the Stripe API that the unmodified `stripe` SDK talks to: PaymentIntents,
 * Charges, Refunds, BalanceTransactions, Disputes and Events, with signed webhook delivery. State lives
 * in memory for the life of the process.
 */
export class StripeEmulator {
  readonly store: EmulatorStore;
  readonly operations: PaymentOperations;
  readonly faults: FaultInjector;
  readonly dispatcher: WebhookDispatcher;
  readonly requestCounts = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  private constructor(options: StripeEmulatorOptions) {
    const random = seededRandom(options.seed ?? 1);
    this.store = new EmulatorStore({ ...DEFAULT_BEHAVIOUR, ...options.behaviour });
    this.operations = new PaymentOperations(this.store, (delayMs, task) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        task();
      }, delayMs);
      this.timers.add(timer);
    });
    this.faults = new FaultInjector(random);
    this.dispatcher = new WebhookDispatcher(
      random,
      { ...NO_CHAOS, ...options.chaos },
      { ...DEFAULT_RETRY, ...options.retry },
    );
    for (const endpoint of options.webhookEndpoints ?? []) this.dispatcher.addEndpoint(endpoint);
    this.store.onEvent((event) => this.dispatcher.dispatch(event));
    const persistPath = options.persistPath;
    if (persistPath) {
      try {
        this.store.restore(JSON.parse(readFileSync(persistPath, 'utf8')) as ReturnType<EmulatorStore['snapshot']>);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      this.store.changed = () => {
        this.saveTimer ??= setTimeout(() => {
          this.saveTimer = undefined;
          this.saving = this.saving.then(() => this.save(persistPath));
        }, 500);
      };
    }
    this.persistPath = persistPath;
  }

  private readonly persistPath: string | undefined;

  private async save(file: string): Promise<void> {
    const temporary = `${file}.tmp`;
    await writeFile(temporary, JSON.stringify(this.store.snapshot()));
    await rename(temporary, file);
  }

  /**
   * Starts the emulator's HTTP server.
   *
   * @throws Error when the port is taken.
   */
  static async start(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
    const emulator = new StripeEmulator(options);
    const parts: EmulatorParts = {
      store: emulator.store,
      operations: emulator.operations,
      faults: emulator.faults,
      requestCounts: emulator.requestCounts,
    };
    const app = express();
    app.set('query parser', 'extended');
    app.disable('x-powered-by');
    app.use('/v1', createEmulatorApiRouter(parts));
    app.use('/_emulator', createControlRouter(parts, emulator.dispatcher));
    await new Promise<void>((resolve, reject) => {
      const server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
      server.once('listening', resolve);
      server.once('error', reject);
      emulator.server = server;
    });
    return emulator;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  /** Base URL, e.g. `http://127.0.0.1:12180`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Total API requests received (all routes), e.g. for Stripe calls per payment. */
  totalRequests(): number {
    let total = 0;
    for (const count of this.requestCounts.values()) total += count;
    return total;
  }

  /** Stops the server, pending deliveries and pending settlements. */
  async stop(): Promise<void> {
    this.dispatcher.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    await this.saving;
    if (this.persistPath) await this.save(this.persistPath);
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
