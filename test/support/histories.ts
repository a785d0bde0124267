import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { paymentWorkflowId } from '../../src/shared/payment-model';
import { requireTemporalCli } from '../../src/tools/tool-paths';
import { testEnv } from '../setup/test-env';
import { paymentHandle, type PaymentHarness } from './payment-harness';

/** Where replay tests find saved workflow histories. */
export const HISTORIES_DIR = path.resolve(__dirname, '..', 'replay', 'histories');

/**
 * Fetches a workflow's history; with `UPDATE_HISTORIES=1` also saves it for the replay test, in the JSON
 * form of `temporal workflow show --output json`. Saved histories change only on purpose: a change of
 * workflow logic that breaks them needs `patched()`.
 */
export async function saveHistory(
  h: PaymentHarness,
  paymentIntentId: string,
  name: string,
): Promise<temporal.api.history.v1.IHistory> {
  const history = await paymentHandle(h, paymentIntentId).fetchHistory();
  if (process.env.UPDATE_HISTORIES === '1') {
    const json = execFileSync(requireTemporalCli(), [
      'workflow',
      'show',
      '--address',
      testEnv('temporalAddress'),
      '-w',
      paymentWorkflowId(paymentIntentId),
      '--output',
      'json',
    ]);
    await mkdir(HISTORIES_DIR, { recursive: true });
    await writeFile(path.join(HISTORIES_DIR, `${name}.json`), json);
  }
  return history;
}

function payloadText(data: unknown): string {
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  return Buffer.from(data as Uint8Array).toString('utf8');
}

/** The steps a history ran, in order: scheduled activities and local activities (from their markers). */
export function stepsOf(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) return [scheduled];
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(payloadText(data)) as { activity_type: string }).activity_type] : [];
  });
}
