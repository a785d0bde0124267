import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** A Node process the benchmark measures: one process (no wrapper), so its peak RSS is its own. */
export interface MeasuredProcess {
  pid: number;
  output: () => string;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMb(): number;
  /** Resolves when the output contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Kills at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

/** Runs a TypeScript file with `node --import tsx`. */
export function startNode(script: string, env: NodeJS.ProcessEnv): MeasuredProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const pid = child.pid ?? -1;
  let peak = 0;
  return {
    pid,
    output: () => log,
    peakRssMb() {
      try {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb / 1024);
      } catch {
        // The process is gone: keep the last reading.
      }
      return Math.round(peak);
    },
    async waitFor(text, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!log.includes(text)) {
        this.peakRssMb();
        if (child.exitCode !== null) throw new Error(`${script} exited:\n${log}`);
        if (Date.now() > deadline) throw new Error(`${script} did not print "${text}" in ${timeoutMs} ms:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
