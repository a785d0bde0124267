/**
 * Run by `npm install`: makes sure the Temporal CLI and stripe-mock are available, building them with Go
 * when they are not. Prints what it does; exits 1 with a message when a tool cannot be had.
 */
import { lookup } from 'node:dns/promises';
import { buildTool, findGo, findTool, GO_TOOLS, type GoToolName } from '../src/tools/tool-paths';

const SDK_DOWNLOAD_HOST = 'temporal.download';

async function canReach(host: string): Promise<boolean> {
  try {
    await lookup(host);
    return true;
  } catch {
    return false;
  }
}

async function provision(name: GoToolName): Promise<void> {
  const found = findTool(name);
  if (found) {
    console.log(`[provision] ${name}: using ${found.path} (from ${found.source})`);
    return;
  }
  const go = findGo();
  if (go) {
    console.log(`[provision] ${name}: building ${GO_TOOLS[name].module} with ${go} (first time takes minutes)`);
    console.log(`[provision] ${name}: built ${buildTool(name, go)}`);
    return;
  }
  if (name === 'temporal' && (await canReach(SDK_DOWNLOAD_HOST))) {
    console.log('[provision] temporal: no CLI and no Go; @temporalio/testing will download the CLI on first use');
    return;
  }
  if (name === 'stripe-mock') {
    console.warn('[provision] stripe-mock: not found and no Go to build it; the Stripe contract tests will fail.');
    return;
  }
  throw new Error(
    `${name}: not found (${GO_TOOLS[name].envVar}, PATH, .tools/bin) and neither Go nor the internet is available. ` +
      `Install Go (https://go.dev/dl) and run npm install again, or set ${GO_TOOLS[name].envVar}.`,
  );
}

async function main(): Promise<void> {
  for (const name of Object.keys(GO_TOOLS) as GoToolName[]) await provision(name);
}

main().catch((error: unknown) => {
  console.error(`[provision] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
