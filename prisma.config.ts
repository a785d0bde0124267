import { defineConfig } from 'prisma/config';

// The CLI (`prisma migrate deploy`, `prisma studio`) reads DATABASE_URL; the service itself
// connects through @prisma/adapter-pg with the URL from src/config.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
