import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../support/histories';
import { testEnv } from '../setup/test-env';

describe('replay of saved payment workflow histories', () => {
  test('when every saved history is replayed against the current workflow code, then none is non-deterministic', async () => {
    // Every saved history, including those from before a patch: in-flight workflows of older code must
    // still replay on the current code.
    const files = (await readdir(HISTORIES_DIR, { recursive: true })).filter((file) => file.endsWith('.json')).sort();
    expect(files.filter((file) => file.startsWith('before-local-steps/')).length).toBeGreaterThanOrEqual(6);
    expect(files.filter((file) => !file.includes('/')).length).toBeGreaterThanOrEqual(6);
    const histories = await Promise.all(
      files.map(async (file) => ({
        workflowId: file,
        history: historyFromJSON(JSON.parse(await readFile(path.join(HISTORIES_DIR, file), 'utf8'))),
      })),
    );

    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: testEnv('workflowBundlePath') } },
      histories,
    )) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }

    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
