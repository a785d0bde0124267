// `prisma generate` downloads the schema engine before it starts, although generate never uses it. Offline
// that download fails; pointing PRISMA_SCHEMA_ENGINE_BINARY at any file skips it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const placeholder = path.resolve('.tools', 'schema-engine-placeholder');
  if (!existsSync(placeholder)) {
    mkdirSync(path.dirname(placeholder), { recursive: true });
    writeFileSync(
      placeholder,
      '#!/bin/sh\necho "placeholder: prisma generate does not run the schema engine" >&2\nexit 1\n',
      { mode: 0o755 },
    );
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { env, stdio: 'inherit' });
process.exit(result.status ?? 1);
