import { mkdtemp, mkdir, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrate, migrationChecksum, MIGRATIONS_DIR, readMigrations } from '../../src/db/migrator';
import { createEmptyDatabase, dropDatabase } from '../setup/test-database';
import { testEnv } from '../setup/test-env';

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrator', () => {
  const created: string[] = [];
  const emptyDatabase = async (): Promise<string> => {
    const url = await createEmptyDatabase(testEnv('adminDatabaseUrl'));
    created.push(url);
    return url;
  };
  afterAll(async () => {
    await Promise.all(created.map((url) => dropDatabase(testEnv('adminDatabaseUrl'), url)));
  });

  test('when run on an empty database, then it applies every migration and records it as prisma migrate deploy does', async () => {
    const url = await emptyDatabase();
    const migrations = await readMigrations();

    await expect(migrate(url)).resolves.toEqual(migrations.map((m) => m.name));

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      migrations.map((m) => [m.name, m.checksum, 1]),
    );
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  test('when run twice, or by two processes at once, then each migration is applied once', async () => {
    const url = await emptyDatabase();
    const [first, second] = await Promise.all([migrate(url), migrate(url)]);
    expect([...first, ...second]).toHaveLength((await readMigrations()).length);
    await expect(migrate(url)).resolves.toEqual([]);
  });

  test('when a migration fails, then nothing of it is applied or recorded, and the error names it', async () => {
    const url = await emptyDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, '29990101000000_broken'));
    await writeFile(
      path.join(dir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE half (id INT);\nSELECT no_such_function();',
    );

    await expect(migrate(url, undefined, dir)).rejects.toThrow(
      'Migration 29990101000000_broken failed; nothing of it was applied.',
    );

    const tables = await query<{ table_name: string }>(
      url,
      `SELECT table_name FROM information_schema.tables WHERE table_name = 'half'`,
    );
    expect(tables).toEqual([]);
    const names = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM "_prisma_migrations"');
    expect(names.map((r) => r.migration_name)).not.toContain('29990101000000_broken');
  });

  test('when prisma recorded a failed migration, then the migrator refuses to continue and says how to resolve it', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'y', '20990101000000_failed')`,
    );

    await expect(migrate(url)).rejects.toThrow(/20990101000000_failed failed earlier.*prisma migrate resolve/s);
  });

  test('when a file has CRLF line endings, then its checksum equals the LF checksum, as in Prisma', () => {
    expect(migrationChecksum('SELECT 1;\r\nSELECT 2;\r\n')).toBe(migrationChecksum('SELECT 1;\nSELECT 2;\n'));
  });
});
