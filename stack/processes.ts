// Starting, recognising and stopping the stack's own processes. Each service runs detached in
// a process group of its own; its PID, the kernel's start time of that PID and its endpoint
// are recorded in a small JSON file, so `down` signals only a process the stack started
// (never a later process that happens to reuse the PID) and reaches its children too.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors';
import { logTail } from './log-tail';
import type { ServiceName } from './settings';

export interface ProcessRecord {
  service: ServiceName;
  pid: number;
  /** Field 22 of /proc/<pid>/stat when the process was started: tells a reused PID apart. */
  startTicks: string | null;
  endpoint: string;
  ports: number[];
  logFile: string;
  startedAt: string;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user (the stack must then be running as root). */
  uid?: number;
  gid?: number;
}

/** Written (exclusively) while one `up` fetches and starts a service, so a concurrent `up` waits. */
export interface ClaimRecord {
  service: ServiceName;
  claimedBy: number;
  claimedAt: string;
}

const recordFile = (runDir: string, service: ServiceName) =>
  join(runDir, 'pids', `${service}.json`);

function readStored(runDir: string, service: ServiceName): ProcessRecord | ClaimRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordFile(runDir, service), 'utf8')) as
      ProcessRecord | ClaimRecord;
  } catch {
    return undefined;
  }
}

export function readRecord(runDir: string, service: ServiceName): ProcessRecord | undefined {
  const stored = readStored(runDir, service);
  return stored && 'pid' in stored ? stored : undefined;
}

export type Lookup =
  | { kind: 'none' }
  | { kind: 'running'; record: ProcessRecord }
  | { kind: 'starting'; by: number }
  | { kind: 'stale' };

/** What the stack knows of a service: running, being started by a live `up`, or a dead entry. */
export function lookup(runDir: string, service: ServiceName): Lookup {
  const stored = readStored(runDir, service);
  if (!stored) return { kind: 'none' };
  if ('pid' in stored)
    return isAlive(stored) ? { kind: 'running', record: stored } : { kind: 'stale' };
  try {
    process.kill(stored.claimedBy, 0);
    return { kind: 'starting', by: stored.claimedBy };
  } catch {
    return { kind: 'stale' };
  }
}

/** Claims a service for this process; false when another record or claim is already there. */
export function claim(runDir: string, service: ServiceName): boolean {
  const file = recordFile(runDir, service);
  mkdirSync(dirname(file), { recursive: true });
  const record: ClaimRecord = {
    service,
    claimedBy: process.pid,
    claimedAt: new Date().toISOString(),
  };
  try {
    writeFileSync(file, `${JSON.stringify(record)}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export function writeRecord(runDir: string, record: ProcessRecord): void {
  const file = recordFile(runDir, record.service);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function removeRecord(runDir: string, service: ServiceName): void {
  rmSync(recordFile(runDir, service), { force: true });
}

function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while the recorded process (and so its group) is still the one the stack started. */
export function isAlive(record: ProcessRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return signalGroup(record.pid, 0); // the leader is gone, but a child may still be running
  }
  const ticks = startTicks(record.pid);
  return record.startTicks === null || ticks === null || ticks === record.startTicks;
}

const logSize = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** A log past this size is moved aside (one generation kept) when its service starts again. */
const LOG_ROTATE_BYTES = 64 * 1024 * 1024;

/** Starts a service detached, with stdout and stderr appended to its log file. */
export function launch(spec: LaunchSpec, logFile: string): ChildProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  if (logSize(logFile) > LOG_ROTATE_BYTES) renameSync(logFile, `${logFile}.1`);
  const fd = openSync(logFile, 'a');
  try {
    writeFileSync(fd, `\n--- ${new Date().toISOString()} ${spec.command} ${spec.args.join(' ')}\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

export function recordFor(
  service: ServiceName,
  child: ChildProcess,
  details: Pick<ProcessRecord, 'endpoint' | 'ports' | 'logFile'>,
): ProcessRecord {
  if (child.pid === undefined)
    throw new StackError(service, 'could not be started', details.logFile);
  return {
    service,
    pid: child.pid,
    startTicks: startTicks(child.pid),
    startedAt: new Date().toISOString(),
    ...details,
  };
}

/** SIGTERM to the process group, SIGKILL after the grace period; resolves once all are gone. */
export async function stop(record: ProcessRecord, graceMs: number): Promise<'stopped' | 'killed'> {
  if (!isAlive(record)) return 'stopped';
  signalGroup(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!signalGroup(record.pid, 0)) return 'stopped';
    await sleep(200);
  }
  signalGroup(record.pid, 'SIGKILL');
  for (let i = 0; i < 50 && signalGroup(record.pid, 0); i++) await sleep(100);
  return 'killed';
}

/** Whether something already listens on host:port (binding it ourselves is the only sure test). */
export function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(true));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolvePromise(false)));
  });
}

/** How long a service that is still writing its log may take to start, at most. */
export const START_CEILING_MS = 20 * 60_000;

export interface ReadyWait {
  service: ServiceName;
  probe: () => Promise<boolean>;
  exited: () => string | undefined;
  /** Give up when the service has neither answered nor written to its log for this long. */
  quietMs: number;
  logFile: string;
  /** Told every half minute while a slow start goes on, so a long wait is visibly alive. */
  progress?: (message: string) => void;
  /** What the end of the log says the service is doing, when the service can tell. */
  describe?: (logTail: string) => string | undefined;
}

/**
 * Polls `probe` until it answers true. Fails early, naming the log, once `exited()` reports
 * that the process has ended. A service whose log keeps growing is working (Kafka loading
 * thousands of partition logs after an unclean stop takes minutes), so the limit is on
 * silence, not on the total, up to START_CEILING_MS.
 */
export async function waitUntilReady(wait: ReadyWait): Promise<void> {
  const { service, probe, exited, quietMs, logFile, progress, describe } = wait;
  const began = Date.now();
  let lastGrowth = began;
  let lastSize = logSize(logFile);
  let lastTold = began;
  for (;;) {
    if (await probe().catch(() => false)) return;
    const why = exited();
    if (why) throw new StackError(service, `${why} before it was ready`, logFile);
    const now = Date.now();
    const size = logSize(logFile);
    if (size !== lastSize) [lastSize, lastGrowth] = [size, now];
    if (now - lastGrowth > quietMs) {
      const waited = Math.round((now - began) / 1000);
      const quiet = Math.round(quietMs / 1000);
      throw new StackError(
        service,
        `was not ready after ${waited} s (its log has been silent for ${quiet} s)`,
        logFile,
      );
    }
    if (now - began > START_CEILING_MS) {
      const ceiling = Math.round(START_CEILING_MS / 60_000);
      throw new StackError(service, `was not ready after ${ceiling} minutes`, logFile);
    }
    if (progress && now - lastTold >= 30_000) {
      lastTold = now;
      const doing = describe?.(logTail(logFile)) ?? 'its log is moving';
      progress(`still starting after ${Math.round((now - began) / 1000)} s (${doing})`);
    }
    await sleep(500);
  }
}

/** Watches a freshly started child: returns how it ended, or undefined while it runs. */
export function exitWatcher(child: ChildProcess): () => string | undefined {
  let how: string | undefined;
  child.once('exit', (code, signal) => {
    how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  });
  return () => how;
}
