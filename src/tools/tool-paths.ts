import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Project-local folder where `npm install` builds the Go tools it cannot find elsewhere. */
export const TOOLS_BIN_DIR = path.resolve(__dirname, '..', '..', '.tools', 'bin');

/** The Go tools this project runs, with the module each is built from. */
export const GO_TOOLS = {
  temporal: { envVar: 'TEMPORAL_CLI_PATH', module: 'github.com/temporalio/cli/cmd/temporal@v1.5.1' },
  'stripe-mock': { envVar: 'STRIPE_MOCK_PATH', module: 'github.com/stripe/stripe-mock@latest' },
} as const;
export type GoToolName = keyof typeof GO_TOOLS;

/** Where a tool was found, in the order {@link findTool} looks. */
export type ToolSource = 'env' | 'path' | 'project';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  return envPath
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(isExecutable);
}

/**
 * Finds a Go tool: the path in its environment variable, else one on PATH, else the one built into
 * {@link TOOLS_BIN_DIR}.
 *
 * @returns the executable and where it came from, or `undefined` when none is installed.
 * @throws Error when the environment variable names a file that is not executable, since a typo there
 *   should not silently fall back to another binary.
 */
export function findTool(
  name: GoToolName,
  env: NodeJS.ProcessEnv = process.env,
): { path: string; source: ToolSource } | undefined {
  const fromEnv = env[GO_TOOLS[name].envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`${GO_TOOLS[name].envVar}=${fromEnv} is not an executable file; fix the path or unset it.`);
    }
    return { path: fromEnv, source: 'env' };
  }
  const onPath = findOnPath(name, env.PATH);
  if (onPath) return { path: onPath, source: 'path' };
  const local = path.join(TOOLS_BIN_DIR, name);
  return isExecutable(local) ? { path: local, source: 'project' } : undefined;
}

/** The `go` binary: on PATH, else Go's default install location. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findOnPath('go', env.PATH) ?? ['/usr/local/go/bin/go'].find(isExecutable);
}

/**
 * Builds a Go tool into {@link TOOLS_BIN_DIR} with `go install`.
 *
 * @throws Error with go's output when the build fails.
 */
export function buildTool(name: GoToolName, go: string): string {
  const result = spawnSync(go, ['install', GO_TOOLS[name].module], {
    env: { ...process.env, GOBIN: TOOLS_BIN_DIR },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(`go install ${GO_TOOLS[name].module} failed (exit ${String(result.status)}).`);
  }
  return path.join(TOOLS_BIN_DIR, name);
}

/**
 * The Temporal CLI to run, or a clear error. Used wherever a dev server is started.
 *
 * @throws Error telling the reader how to install the CLI when none is found.
 */
export function requireTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const found = findTool('temporal', env);
  if (found) return found.path;
  throw new Error(
    'No Temporal CLI found. Run `npm install` (it builds one into .tools/bin when Go is installed), ' +
      'put `temporal` on PATH, or set TEMPORAL_CLI_PATH.',
  );
}
