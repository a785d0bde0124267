import { dropDatabase } from './test-database';

/** Stops what global setup started. */
export default async function globalTeardown(): Promise<void> {
  const servers = globalThis.__testServers;
  if (!servers) return;
  await Promise.all([servers.temporal.stop(), dropDatabase(servers.adminDatabaseUrl, servers.databaseUrl)]);
}
