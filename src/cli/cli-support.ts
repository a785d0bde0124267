import { readDevSecrets } from '../embedded/dev-secrets';
import type { Config } from '../config';

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Thrown for bad arguments: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Thrown when the work itself failed (API refused, payments ended unexpectedly): exit 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** A small client of the service's HTTP API with the admin token. */
export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/**
 * Builds the API client: `PAYMENTS_API_URL` (default the local API), token from `ADMIN_API_TOKEN` or the
 * one `npm start` generated under DATA_DIR.
 *
 * @throws CliFailure when no token can be found.
 */
export async function createApiClient(config: Config): Promise<ApiClient> {
  const token = config.http.adminApiToken ?? (await readDevSecrets(config.dataDir))?.adminApiToken;
  if (!token)
    throw new CliFailure(
      `No admin token: set ADMIN_API_TOKEN, or run npm start here first (it writes one under ${config.dataDir}).`,
    );
  return {
    async request<T>(method: string, path: string, body?: unknown) {
      let response: Response;
      try {
        response = await fetch(`${config.apiUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        throw new CliFailure(
          `Cannot reach the API at ${config.apiUrl} (${(error as Error).message}); is npm start running? Set PAYMENTS_API_URL otherwise.`,
        );
      }
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    },
  };
}

/** The `{ error: { code, message } }` of an API answer, as one line. */
export function apiErrorLine(status: number, body: unknown): string {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return `API answered ${status}${error ? `: ${error.code ?? ''} ${error.message ?? ''}` : ''}`;
}

/** Percentile of sorted numbers (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** A fixed-width text table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}
