// The processors as production runs them: `reval run <processor>` child processes, each with
// its log in a file, its /metrics and /readyz on a port of its own, and a supervisor that
// starts a process again when it exits by itself (as an orchestrator would), counting it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI } from './stack-control';

export interface ProcessSpec {
  /** A name of this run: connections-a, es-sink… */
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  metricsPort?: number;
}

export class Supervised {
  private child?: ChildProcess;
  private wanted = false;
  /** Exits this suite did not cause, with their code or signal. */
  readonly unplannedExits: string[] = [];
  private planned = false;
  startedAt = 0;

  constructor(
    readonly spec: ProcessSpec,
    private readonly logDir: string,
    private readonly say: (line: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.signalCode;
  }

  start(): void {
    this.wanted = true;
    this.planned = false;
    mkdirSync(this.logDir, { recursive: true });
    const fd = openSync(join(this.logDir, `${this.spec.name}.log`), 'a');
    writeSync(fd, `\n--- ${new Date().toISOString()} reval ${this.spec.args.join(' ')}\n`);
    const env = { ...this.spec.env };
    if (this.spec.metricsPort) env.METRICS_PORT = String(this.spec.metricsPort);
    const child = spawn(process.execPath, [CLI, ...this.spec.args], {
      env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child = child;
    this.startedAt = Date.now();
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      if (this.planned || !this.wanted) return;
      const how = signal ?? `code ${code}`;
      this.unplannedExits.push(`${new Date().toISOString()} ${how}`);
      this.say(`${this.spec.name} exited by itself (${how}); starting it again in 2 s`);
      setTimeout(() => {
        if (this.wanted && this.child === child) this.start();
      }, 2_000);
    });
  }

  /** SIGKILL (a crash); waits for the exit. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL', 10_000);
  }

  /** SIGTERM (a graceful stop, leaving the group); waits for the exit, SIGKILL after 60 s. */
  async stop(): Promise<void> {
    this.wanted = false;
    await this.signalAndWait('SIGTERM', 60_000);
    if (this.alive) await this.signalAndWait('SIGKILL', 10_000);
  }

  private async signalAndWait(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    this.planned = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await Promise.race([exited, sleep(timeoutMs)]);
  }

  /** Resident set in MiB now (VmRSS), or NaN when not running. */
  rssMb(): number {
    try {
      const status = readFileSync(`/proc/${this.child?.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    } catch {
      return NaN;
    }
  }

  /** Waits for /readyz 200 (the process restored its state and joined its group). */
  async ready(timeoutMs = 180_000): Promise<number> {
    const began = Date.now();
    if (!this.spec.metricsPort) return 0;
    const url = `http://127.0.0.1:${this.spec.metricsPort}/readyz`;
    while (Date.now() - began < timeoutMs) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.ok) return Date.now() - began;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`${this.spec.name} not ready after ${timeoutMs / 1000} s`);
  }
}

/** Runs `reval <args>` to its end; resolves with the exit code (or signal) and output. */
export function runOnce(
  args: string[],
  env: NodeJS.ProcessEnv,
  onSpawn?: (child: ChildProcess) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
    onSpawn?.(child);
  });
}
