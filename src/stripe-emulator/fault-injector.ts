import { EmulatorError, STRIPE_ERROR_TYPE } from './emulator-errors';

/** A fault rule: which requests it matches and what it does to them. */
export interface FaultRule {
  /** `METHOD /path` with `*` for one path segment, e.g. `GET /v1/payment_intents/*`; `*` alone for all. */
  match: string;
  /** Status codes to answer with, in order, one per matching request, before requests go through again. */
  errors?: number[];
  /** Share (0..1) of matching requests answered with {@link errorStatus}, drawn from the emulator's RNG. */
  errorRate?: number;
  /** @default 500 */
  errorStatus?: number;
  /** Added latency for every matching request. */
  latencyMs?: number;
}

function compile(match: string): (method: string, path: string) => boolean {
  if (match === '*') return () => true;
  const [method, pattern] = match.includes(' ') ? match.split(' ', 2) : ['*', match];
  const regex = new RegExp(
    `^${(pattern ?? '')
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}$`,
  );
  return (m, p) => (method === '*' || method?.toUpperCase() === m) && regex.test(p);
}

/** The error Stripe would answer with for a status code. */
export function errorForStatus(status: number): EmulatorError {
  if (status === 429) {
    return new EmulatorError(
      429,
      STRIPE_ERROR_TYPE.rateLimit,
      'Too many requests hit the API too quickly. (emulated)',
      { code: 'rate_limit' },
    );
  }
  if (status === 402)
    return new EmulatorError(402, STRIPE_ERROR_TYPE.card, 'Your card was declined. (emulated)', {
      code: 'card_declined',
    });
  if (status >= 500)
    return new EmulatorError(status, STRIPE_ERROR_TYPE.api, 'An unknown error occurred (emulated fault).');
  return new EmulatorError(status, STRIPE_ERROR_TYPE.invalidRequest, `Emulated fault ${status}.`);
}

/** Holds the fault rules and decides, per request, whether to delay it and whether to fail it. */
export class FaultInjector {
  private rules: { rule: FaultRule; matches: (method: string, path: string) => boolean; remaining: number[] }[] = [];

  /** Error answers given so far, by status code. */
  readonly injected = new Map<number, number>();

  constructor(private readonly random: () => number) {}

  add(rule: FaultRule): void {
    this.rules.push({ rule, matches: compile(rule.match), remaining: [...(rule.errors ?? [])] });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((entry) => ({ ...entry.rule, errors: entry.remaining }));
  }

  /** The latency to add and the error to answer (if any) for one request. */
  decide(method: string, path: string): { latencyMs: number; error: EmulatorError | undefined } {
    let latencyMs = 0;
    let error: EmulatorError | undefined;
    for (const entry of this.rules) {
      if (!entry.matches(method, path)) continue;
      latencyMs += entry.rule.latencyMs ?? 0;
      if (error) continue;
      const next = entry.remaining.shift();
      if (next !== undefined) error = errorForStatus(next);
      else if (entry.rule.errorRate && this.random() < entry.rule.errorRate)
        error = errorForStatus(entry.rule.errorStatus ?? 500);
    }
    if (error) this.injected.set(error.status, (this.injected.get(error.status) ?? 0) + 1);
    return { latencyMs, error };
  }
}
