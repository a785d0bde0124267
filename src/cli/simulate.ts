import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { PAYMENT_STATE, type PaymentState } from '../shared/payment-model';
import { seededRandom } from '../stripe-emulator/seeded-random';
import { CliFailure, apiErrorLine, percentile, table, type ApiClient } from './cli-support';

/** What each simulated payment does, and the state it must end in. */
export const SCENARIOS = {
  success: { expected: PAYMENT_STATE.ENROLLED, describe: 'card succeeds' },
  decline: { expected: PAYMENT_STATE.PAYMENT_FAILED, describe: 'card declined, customer gives up' },
  retry: {
    expected: PAYMENT_STATE.ENROLLED,
    describe: 'card declined, then another card succeeds on the same PaymentIntent',
  },
  async: { expected: PAYMENT_STATE.ENROLLED, describe: 'bank debit: processing, then succeeds' },
  async_fail: { expected: PAYMENT_STATE.PAYMENT_FAILED, describe: 'bank debit: processing, then fails' },
  refund: { expected: PAYMENT_STATE.REFUNDED, describe: 'card succeeds, then is fully refunded' },
  cancel: { expected: PAYMENT_STATE.CANCELED, describe: 'PaymentIntent canceled before paying' },
} as const;
export type Scenario = keyof typeof SCENARIOS;

/** Options of {@link simulate}. */
export interface SimulateOptions {
  count: number;
  concurrency: number;
  mix: Record<Scenario, number>;
  duplicates: number;
  timeoutMs: number;
  seed: number;
  /** Where progress goes; nothing when undefined. */
  progress?: NodeJS.WriteStream;
  /** Told the id of the course the run created, so a caller can check its rows afterwards. */
  onCourse?: (courseId: string) => void;
}

/** The result of one simulated payment. */
export interface SimulatedPayment {
  paymentIntentId: string;
  scenario: Scenario;
  expected: PaymentState;
  actual: string;
  enrollMs: number | null;
}

/**
 * Parses `success=80,decline=10,async=5,refund=5`.
 *
 * @throws Error naming the bad part.
 */
export function parseMix(text: string): Record<Scenario, number> {
  const mix = Object.fromEntries(Object.keys(SCENARIOS).map((key) => [key, 0])) as Record<Scenario, number>;
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, weight] = part.split('=');
    if (!name || !(name in SCENARIOS))
      throw new Error(`unknown scenario "${name ?? ''}" in --mix (known: ${Object.keys(SCENARIOS).join(', ')})`);
    const value = Number(weight);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`--mix ${name} needs a weight of 0 or more, got "${weight ?? ''}"`);
    mix[name as Scenario] = value;
  }
  if (Object.values(mix).every((value) => value === 0)) throw new Error('--mix gives every scenario a weight of 0');
  return mix;
}

/** Exactly `count` scenarios in the mix's proportions (largest remainder), in a seeded random order. */
export function planScenarios(count: number, mix: Record<Scenario, number>, random: () => number): Scenario[] {
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  const entries = Object.entries(mix) as [Scenario, number][];
  const exact = entries.map(([name, weight]) => ({ name, value: (weight / total) * count }));
  const counts = exact.map((e) => ({ name: e.name, n: Math.floor(e.value), rest: e.value - Math.floor(e.value) }));
  let missing = count - counts.reduce((a, c) => a + c.n, 0);
  for (const c of [...counts].sort((a, b) => b.rest - a.rest)) if (missing-- > 0) c.n += 1;
  const plan = counts.flatMap((c) => Array<Scenario>(c.n).fill(c.name));
  for (let i = plan.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [plan[i], plan[j]] = [plan[j] as Scenario, plan[i] as Scenario];
  }
  return plan;
}

interface PaymentView {
  enrollment: { enrolledAt: string } | null;
  workflow: { status: { state: string } | null } | null;
}

const FINAL: readonly string[] = [
  PAYMENT_STATE.ENROLLED,
  PAYMENT_STATE.REFUNDED,
  PAYMENT_STATE.CANCELED,
  PAYMENT_STATE.NEEDS_ATTENTION,
  PAYMENT_STATE.IGNORED,
];

async function confirm(stripe: Stripe, id: string, method: string): Promise<void> {
  try {
    await stripe.paymentIntents.confirm(id, { payment_method: method });
  } catch (error) {
    if ((error as { type?: string }).type !== 'StripeCardError') throw error;
  }
}

/**
 * Runs simulated payments through the real service: catalogue and PaymentIntents through the API, payment
 * through the Stripe emulator with the scenario's test PaymentMethods, then waits for each payment's
 * final state as the API reports it.
 */
export async function simulate(
  api: ApiClient,
  stripe: Stripe,
  emulatorUrl: string,
  options: SimulateOptions,
): Promise<SimulatedPayment[]> {
  const run = randomBytes(4).toString('hex');
  const courseId = `sim_course_${run}`;
  const course = await api.request('PUT', `/api/v1/courses/${courseId}`, {
    title: `Simulation ${run}`,
    priceAmount: 2500,
    currency: 'usd',
  });
  if (course.status !== 200) throw new CliFailure(apiErrorLine(course.status, course.body));
  options.onCourse?.(courseId);
  const setDuplicates = (duplicateRate: number) =>
    fetch(`${emulatorUrl}/_emulator/delivery`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ duplicateRate }),
    });
  if (options.duplicates > 0) await setDuplicates(options.duplicates);

  const plan = planScenarios(options.count, options.mix, seededRandom(options.seed));
  const results: SimulatedPayment[] = [];
  const deadline = Date.now() + options.timeoutMs;
  const report = () => {
    if (!options.progress) return;
    const width = 30;
    const filled = Math.round((results.length / plan.length) * width);
    options.progress.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${results.length}/${plan.length}`);
  };

  const waitFor = async (
    id: string,
    until: (state: string) => boolean,
  ): Promise<{ state: string; view: PaymentView | null }> => {
    let last: PaymentView | null = null;
    while (Date.now() < deadline) {
      const response = await api.request<PaymentView>('GET', `/api/v1/payments/${id}`);
      if (response.status === 200) {
        last = response.body;
        const state = last.workflow?.status?.state;
        if (state && until(state)) return { state, view: last };
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { state: `TIMEOUT (${last?.workflow?.status?.state ?? 'no workflow'})`, view: last };
  };

  const runOne = async (index: number, scenario: Scenario): Promise<void> => {
    const studentId = `sim_${run}_${index}`;
    const student = await api.request('PUT', `/api/v1/students/${studentId}`, {
      email: `${studentId}@example.test`,
      name: `Sim ${index}`,
    });
    if (student.status !== 200) throw new CliFailure(apiErrorLine(student.status, student.body));
    const created = await api.request<{ paymentIntentId: string }>('POST', '/api/v1/payments/intents', {
      studentId,
      courseId,
    });
    if (created.status !== 201) throw new CliFailure(apiErrorLine(created.status, created.body));
    const id = created.body.paymentIntentId;
    const started = Date.now();
    const expected = SCENARIOS[scenario].expected;
    if (scenario === 'cancel') await stripe.paymentIntents.cancel(id);
    else if (scenario === 'decline') await confirm(stripe, id, 'pm_card_chargeDeclined');
    else if (scenario === 'async') await confirm(stripe, id, 'pm_usBankAccount');
    else if (scenario === 'async_fail') await confirm(stripe, id, 'pm_usBankAccount_fail');
    else if (scenario === 'retry') {
      await confirm(stripe, id, 'pm_card_chargeDeclinedInsufficientFunds');
      await confirm(stripe, id, 'pm_card_visa');
    } else await confirm(stripe, id, 'pm_card_visa');

    const settled = (state: string) =>
      FINAL.includes(state) || (expected === PAYMENT_STATE.PAYMENT_FAILED && state === PAYMENT_STATE.PAYMENT_FAILED);
    let outcome = await waitFor(id, scenario === 'refund' ? (s) => FINAL.includes(s) : settled);
    const enrolledAt = outcome.view?.enrollment?.enrolledAt;
    const enrollMs = enrolledAt ? Math.max(0, Date.parse(enrolledAt) - started) : null;
    if (scenario === 'refund' && outcome.state === PAYMENT_STATE.ENROLLED) {
      await stripe.refunds.create({ payment_intent: id });
      outcome = await waitFor(id, (s) => s !== PAYMENT_STATE.ENROLLED && FINAL.includes(s));
    }
    results.push({ paymentIntentId: id, scenario, expected, actual: outcome.state, enrollMs });
    report();
  };

  let next = 0;
  const workers = Array.from({ length: Math.min(options.concurrency, plan.length) }, async () => {
    while (next < plan.length) {
      const index = next++;
      await runOne(index, plan[index] as Scenario);
    }
  });
  try {
    await Promise.all(workers);
  } finally {
    if (options.duplicates > 0) await setDuplicates(0);
    options.progress?.write('\n');
  }
  return results;
}

/** The closing table: counts by final state, expected vs actual per scenario, time to enrollment. */
export function summarize(results: SimulatedPayment[]): { text: string; unexpected: SimulatedPayment[] } {
  const unexpected = results.filter((r) => r.actual !== r.expected);
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const rows = scenarios.map((scenario) => {
    const mine = results.filter((r) => r.scenario === scenario);
    const states = [...new Set(mine.map((r) => r.actual))].map(
      (state) => `${state}=${mine.filter((r) => r.actual === state).length}`,
    );
    return [
      scenario,
      mine.length,
      SCENARIOS[scenario].expected,
      states.join(' '),
      mine.filter((r) => r.actual === r.expected).length === mine.length ? 'ok' : 'UNEXPECTED',
    ];
  });
  const times = results
    .map((r) => r.enrollMs)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  const byState = [...new Set(results.map((r) => r.actual))].map((state) => [
    state,
    results.filter((r) => r.actual === state).length,
  ]);
  const text = [
    table(['scenario', 'count', 'expected', 'actual', 'verdict'], rows),
    '',
    table(['final state', 'count'], byState),
    '',
    `time to enrollment (${times.length} enrolled): p50 ${percentile(times, 50)} ms, p95 ${percentile(times, 95)} ms, p99 ${percentile(times, 99)} ms`,
    `${results.length - unexpected.length} as expected, ${unexpected.length} unexpected`,
  ].join('\n');
  return { text, unexpected };
}
