import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { isPortFree } from '../net/free-port';

/** A running embedded PostgreSQL (PGlite served over the PostgreSQL wire protocol). */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite with its data under `<dataDir>/pglite`, served on 127.0.0.1:port so that node-postgres
 * and Prisma connect to it like to any PostgreSQL. PGlite is a single session: use a pool of one.
 *
 * @throws Error when the port is taken.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  if (!(await isPortFree(port))) {
    throw new Error(
      `Port ${port} is in use: stop what uses it, set PGLITE_PORT to a free port, or set DATABASE_URL to use PostgreSQL.`,
    );
  }
  const directory = path.resolve(dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  const db = await PGlite.create(directory);
  // A few extra connections let psql or a test look in while the service holds its one.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 4 });
  await server.start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
