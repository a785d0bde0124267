import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Secrets the embedded stack makes for itself when none are configured, kept in `<dataDir>/dev-secrets.json`. */
export interface DevSecrets {
  adminApiToken: string;
  webhookSecret: string;
}

/** Where the CLI finds the generated admin token when ADMIN_API_TOKEN is not set. */
export function devSecretsPath(dataDir: string): string {
  return path.resolve(dataDir, 'dev-secrets.json');
}

/** Reads the stack's generated secrets, or `undefined` when the stack has not run here. */
export async function readDevSecrets(dataDir: string): Promise<DevSecrets | undefined> {
  try {
    return JSON.parse(await readFile(devSecretsPath(dataDir), 'utf8')) as DevSecrets;
  } catch {
    return undefined;
  }
}

/**
 * Loads the generated secrets, creating random ones (file mode 0600) on first start. Never a fixed
 * default: every installation gets its own.
 */
export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevSecrets> {
  const existing = await readDevSecrets(dataDir);
  if (existing) return existing;
  const secrets: DevSecrets = {
    adminApiToken: randomBytes(24).toString('base64url'),
    webhookSecret: `whsec_${randomBytes(24).toString('base64url')}`,
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(devSecretsPath(dataDir), JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
