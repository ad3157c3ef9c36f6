// The chaos suite's hold on the local stack: bring it up (or reuse it) through the `reval`
// CLI, and signal each service's recorded process group (SIGKILL, SIGSTOP/SIGCONT, a real
// stop) and start it again. By default the suite runs a stack of its own (its own run
// folder and ports, the shared download cache), so that killing its broker never touches
// the stack other work is using.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isAlive,
  readRecord,
  stop as stopProcess,
  type ProcessRecord,
} from '../../stack/processes';
import type { ServiceName } from '../../stack/settings';

export const CLI = join(__dirname, '../../processors/cli/main.js');

export type StackService = ServiceName;

/** The chaos stack's defaults: every port 10,000 above the shared stack's. */
export const CHAOS_STACK_DEFAULTS: Record<string, string> = {
  REVAL_KAFKA_PORT: '29092',
  REVAL_KAFKA_CONTROLLER_PORT: '29093',
  REVAL_REGISTRY_PORT: '28081',
  REVAL_ELASTICSEARCH_PORT: '29200',
  REVAL_ELASTICSEARCH_TRANSPORT_PORT: '29300',
  REVAL_FERRETDB_PORT: '27028',
  REVAL_MARIADB_PORT: '23306',
  REVAL_CONNECT_PORT: '28083',
};

/**
 * The environment of the chaos stack: the caller's REVAL_STACK_DIR and ports when
 * REVAL_STACK_DIR is set, else a run folder and ports of its own.
 */
export function chaosStackEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.REVAL_STACK_DIR) return { ...env };
  const cache = env.REVAL_CACHE_DIR || join(homedir(), '.cache', 'reval-stream');
  const out: NodeJS.ProcessEnv = { ...env, REVAL_STACK_DIR: join(cache, 'chaos-run') };
  for (const [name, value] of Object.entries(CHAOS_STACK_DEFAULTS)) out[name] ??= value;
  return out;
}

export interface Endpoints {
  KAFKA_BROKERS: string;
  SCHEMA_REGISTRY_URL: string;
  ELASTICSEARCH_URL: string;
  MONGODB_URI: string;
}

export class StackControl {
  /** Services this run started (and so stops at the end unless asked to keep them). */
  startedHere = false;

  constructor(
    readonly env: NodeJS.ProcessEnv,
    private readonly say: (line: string) => void,
  ) {}

  get runDir(): string {
    return this.env.REVAL_STACK_DIR as string;
  }

  /** `reval stack <args>`; resolves with its exit code and output. */
  private cli(args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, 'stack', ...args], {
        env: { ...this.env, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', (code) => resolve({ code: code ?? 1, output }));
    });
  }

  /** Starts whatever is not running; fails with the CLI's output. */
  async up(): Promise<void> {
    const { code, output } = await this.cli(['up']);
    if (code !== 0) throw new Error(`reval stack up failed (${code}):\n${output}`);
    if (/starting /.test(output)) this.startedHere = true;
  }

  async down(): Promise<void> {
    await this.cli(['down']);
  }

  endpoints(): Endpoints {
    const text = readFileSync(join(this.runDir, 'stack.env'), 'utf8');
    const out: Record<string, string> = {};
    for (const [, name, value] of text.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) out[name] = value;
    return out as unknown as Endpoints;
  }

  /** The service's process as `reval stack` recorded it, while it is still that process. */
  private record(service: StackService): ProcessRecord | undefined {
    const record = readRecord(this.runDir, service);
    return record && isAlive(record) ? record : undefined;
  }

  running(service: StackService): boolean {
    return this.record(service) !== undefined;
  }

  /** Sends `signal` to the service's whole process group; false when it is not running. */
  signal(service: StackService, signal: NodeJS.Signals): boolean {
    const record = this.record(service);
    if (!record) return false;
    try {
      process.kill(-record.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  private recorded(service: StackService): ProcessRecord {
    const record = readRecord(this.runDir, service);
    if (!record) throw new Error(`${service} is not running`);
    return record;
  }

  /** SIGKILL, and wait until the group is gone. */
  async kill(service: StackService): Promise<void> {
    const record = this.recorded(service);
    this.signal(service, 'SIGKILL');
    for (let i = 0; i < 100 && isAlive(record); i++) await sleep(100);
  }

  /** A real stop: SIGTERM to the group, SIGKILL after `graceMs` (the stack's own stop). */
  async stop(service: StackService, graceMs = 30_000): Promise<void> {
    await stopProcess(this.recorded(service), graceMs);
  }

  /** Starts it again (`reval stack up` starts whatever is down) and waits until it is ready. */
  async start(service: StackService, withCdc = false): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { code, output } = await this.cli(withCdc ? ['up', '--with-cdc'] : ['up']);
      if (code === 0 && this.running(service)) return;
      this.say(`stack up after stopping ${service} failed (attempt ${attempt}): ${output.trim()}`);
      if (attempt >= 3) throw new Error(`could not start ${service} again`);
      await sleep(5_000);
    }
  }
}
