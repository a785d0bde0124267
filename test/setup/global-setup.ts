import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { findFreeFixedPort } from '../../src/net/free-port';
import { startTemporalDevServer, type DevServer } from '../../src/temporal/dev-server';
import { requireTemporalCli } from '../../src/tools/tool-paths';
import { createMigratedDatabase, DEFAULT_ADMIN_DATABASE_URL } from './test-database';
import { TEST_ENV } from './test-env';

/** What global teardown needs to stop; Jest runs both in the same context. */
export interface TestServers {
  temporal: DevServer;
  adminDatabaseUrl: string;
  databaseUrl: string;
}
declare global {
  var __testServers: TestServers | undefined;
}

/**
 * Starts one Temporal dev server and one fresh, migrated PostgreSQL database for the whole run, and
 * bundles the workflow code once (bundling per worker is slow).
 */
export default async function globalSetup(): Promise<void> {
  const adminDatabaseUrl = process.env.TEST_ADMIN_DATABASE_URL ?? DEFAULT_ADMIN_DATABASE_URL;
  const [temporal, databaseUrl, bundle] = await Promise.all([
    findFreeFixedPort().then((port) => startTemporalDevServer({ cliPath: requireTemporalCli(), port })),
    createMigratedDatabase(adminDatabaseUrl),
    bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '..', '..', 'src', 'workflows', 'index.ts') }),
  ]);
  const bundlePath = path.join(os.tmpdir(), `course-payments-workflows-${process.pid}.js`);
  await writeFile(bundlePath, bundle.code);
  globalThis.__testServers = { temporal, adminDatabaseUrl, databaseUrl };
  process.env[TEST_ENV.temporalAddress] = temporal.address;
  process.env[TEST_ENV.databaseUrl] = databaseUrl;
  process.env[TEST_ENV.adminDatabaseUrl] = adminDatabaseUrl;
  process.env[TEST_ENV.workflowBundlePath] = bundlePath;
}
