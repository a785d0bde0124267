import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../../src/db/migrator';

/** The PostgreSQL server the tests create their databases on. */
export const DEFAULT_ADMIN_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Replaces the database name of a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates an empty, uniquely named database and returns its URL. */
export async function createEmptyDatabase(adminUrl: string, prefix = 'course_payments_test'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
}

/** Creates a database with every migration applied. */
export async function createMigratedDatabase(adminUrl: string): Promise<string> {
  const url = await createEmptyDatabase(adminUrl);
  await migrate(url);
  return url;
}

/** Drops a database made by {@link createEmptyDatabase}, closing whatever is still connected to it. */
export async function dropDatabase(adminUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
