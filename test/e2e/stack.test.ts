import { Client } from 'pg';
import { createStripeClient } from '../../src/stripe/stripe-client';
import { eventually } from '../support/emulator-client';
import { createStack, runCli, type StackProcess } from './stack-process';

interface Counts {
  succeeded: number;
  transactions: number;
  activeEnrollments: number;
  intentsWithTwoTransactions: number;
}

/** Reads the stack's own PGlite database directly. */
async function counts(stack: StackProcess, courseLike: string): Promise<Counts> {
  const db = new Client({ connectionString: `postgresql://postgres@127.0.0.1:${stack.env.PGLITE_PORT}/postgres` });
  await db.connect();
  try {
    const { rows } = await db.query<Record<keyof Counts, string>>(
      `SELECT
         (SELECT count(*) FROM payment_intents WHERE status = 'SUCCEEDED' AND course_id LIKE $1) AS succeeded,
         (SELECT count(*) FROM payment_transactions t JOIN payment_intents p ON p.id = t.payment_intent_id WHERE p.course_id LIKE $1) AS transactions,
         (SELECT count(*) FROM enrollments WHERE status = 'ACTIVE' AND course_id LIKE $1) AS "activeEnrollments",
         (SELECT count(*) FROM (SELECT payment_intent_id FROM payment_transactions GROUP BY 1 HAVING count(*) > 1) d) AS "intentsWithTwoTransactions"`,
      [courseLike],
    );
    const row = rows[0];
    if (!row) throw new Error('no counts');
    return {
      succeeded: Number(row.succeeded),
      transactions: Number(row.transactions),
      activeEnrollments: Number(row.activeEnrollments),
      intentsWithTwoTransactions: Number(row.intentsWithTwoTransactions),
    };
  } finally {
    await db.end();
  }
}

/** Creates paid PaymentIntents through the API and the emulator, as a customer would. */
async function payDirectly(stack: StackProcess, count: number, tag: string): Promise<string[]> {
  const token = (
    JSON.parse(
      await (await import('node:fs/promises')).readFile(`${String(stack.env.DATA_DIR)}/dev-secrets.json`, 'utf8'),
    ) as { adminApiToken: string }
  ).adminApiToken;
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { paymentIntentId: string };
  };
  const stripe = createStripeClient({ secretKey: 'sk_test_emulator', apiBase: stack.emulatorUrl });
  await call('PUT', `/api/v1/courses/${tag}`, { title: tag, priceAmount: 1500, currency: 'usd' });
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    await call('PUT', `/api/v1/students/${tag}_s${i}`, { email: `${tag}${i}@example.test`, name: `S ${i}` });
    const { paymentIntentId } = await call('POST', '/api/v1/payments/intents', {
      studentId: `${tag}_s${i}`,
      courseId: tag,
    });
    await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: 'pm_card_visa' });
    ids.push(paymentIntentId);
  }
  return ids;
}

/** Waits until every payment of a course has its enrollment; returns the counts then. */
function waitForEnrollments(stack: StackProcess, course: string, expected: number, timeoutMs: number): Promise<Counts> {
  return eventually(
    async () => {
      const now = await counts(stack, course);
      return now.activeEnrollments === expected ? now : undefined;
    },
    timeoutMs,
    `${expected} enrollments in ${course}`,
  );
}

describe('the one-command stack, end to end', () => {
  jest.setTimeout(300_000);

  test('when payments simulate runs 30 payments with declines, async methods, refunds and duplicates, then every one ends as predicted and the database agrees', async () => {
    const stack = await createStack();
    await stack.start();
    try {
      const result = runCli(stack, [
        'simulate',
        '--count',
        '30',
        '--concurrency',
        '6',
        '--mix',
        'success=50,decline=10,retry=10,async=15,refund=10,cancel=5',
        '--duplicates',
        '0.3',
      ]);

      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('30 as expected, 0 unexpected');
      const db = await counts(stack, 'sim_course_%');
      expect(db.intentsWithTwoTransactions).toBe(0);
      expect(db.transactions).toBe(db.succeeded);
      expect(db.activeEnrollments).toBeGreaterThan(0);
      expect(runCli(stack, ['status', 'pi_notathing']).code).toBe(1);
      expect(runCli(stack, ['list']).code).toBe(2);
    } finally {
      await stack.stop();
    }
  });

  test('when the emulator drops every webhook, then the reconcile schedule alone enrolls every succeeded payment', async () => {
    const stack = await createStack({ RECONCILE_INTERVAL: '3s' });
    await stack.start();
    try {
      await fetch(`${stack.emulatorUrl}/_emulator/delivery`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dropRate: 1 }),
      });
      const ids = await payDirectly(stack, 8, 'dropped');

      const done = await waitForEnrollments(stack, 'dropped', ids.length, 60_000);
      expect(done).toMatchObject({
        succeeded: 8,
        transactions: 8,
        activeEnrollments: 8,
        intentsWithTwoTransactions: 0,
      });
      const state = (await (await fetch(`${stack.emulatorUrl}/_emulator/state`)).json()) as {
        delivery: { stats: { delivered: number; dropped: number } };
      };
      expect(state.delivery.stats.delivered).toBe(0);
      expect(state.delivery.stats.dropped).toBeGreaterThan(0);
    } finally {
      await stack.stop();
    }
  });

  test('when the stack is killed mid-run and started again, then every payment finishes exactly once', async () => {
    const stack = await createStack({ RECONCILE_INTERVAL: '5s' });
    await stack.start();
    let ids: string[];
    try {
      await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ match: 'GET /v1/payment_intents/*', latencyMs: 1500 }),
      });
      ids = await payDirectly(stack, 10, 'crashed');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      await stack.crash();
    }
    await stack.start();
    try {
      const done = await waitForEnrollments(stack, 'crashed', ids.length, 120_000);
      expect(done).toMatchObject({
        succeeded: 10,
        transactions: 10,
        activeEnrollments: 10,
        intentsWithTwoTransactions: 0,
      });
    } finally {
      await stack.stop();
    }
  });
});
