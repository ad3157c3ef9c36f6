// A `reval` command in a child process, as production runs it, so that its memory is its
// own: peak resident set (VmHWM) sampled from /proc, its JSON log lines timed as they come,
// and its /readyz polled. For the pipeline benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CLI = join(__dirname, '../../processors/cli/main.js');

export interface LogLine {
  /** performance.now() in the parent when the line arrived. */
  at: number;
  msg: string;
  fields: Record<string, unknown>;
}

export interface RevalChild {
  child: ChildProcess;
  /** performance.now() in the parent just before the spawn. */
  spawnedAt: number;
  /** Resolves with stdout when the process exits 0, or after our SIGTERM. */
  exit: Promise<string>;
  /** Peak resident set size so far, in MiB (VmHWM; the kernel keeps the maximum). */
  peakMb(): number;
  logs: LogLine[];
  /** stderr lines that are not JSON logs (progress, summaries). */
  otherLines: string[];
  /** Resolves when a log line whose message starts with `prefix` arrives. */
  logged(prefix: string): Promise<LogLine>;
  /** SIGTERM, then waits for the graceful exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill would end it, then waits for the exit. */
  kill(): Promise<void>;
  /**
   * Starts the peak afresh (the kernel's VmHWM included), so that a later peakMb() covers
   * only what happened since: steady running apart from the start-up that preceded it.
   * False when the kernel refused (then the peak still covers the whole life).
   */
  resetPeak(): boolean;
}

export interface ChildOptions {
  env: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

export function spawnReval(args: string[], options: ChildOptions): RevalChild {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const otherLines: string[] = [];
  const waiters: { prefix: string; resolve(line: LogLine): void }[] = [];
  let stdout = '';
  let stderrTail: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  // pino writes JSON lines to stderr; progress bars and errors are the other lines.
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (text) => {
    stderrTail = [...stderrTail.slice(-40), text];
    const line = parseLogLine(text);
    if (!line) {
      otherLines.push(text);
      return;
    }
    logs.push(line);
    for (const waiter of waiters.filter((w) => line.msg.startsWith(w.prefix))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });

  let peakKb = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited between samples
    }
  };
  const sampler = setInterval(sample, 200);
  let stopping = false;
  let killed = false;
  const exit = new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      if (code === 0 || (stopping && (signal === 'SIGTERM' || code === 143))) resolve(stdout);
      else if (killed && signal === 'SIGKILL') resolve(stdout);
      else {
        reject(
          new Error(
            `reval ${args.join(' ')} exited with ${code ?? signal}:\n${stderrTail.join('\n')}`,
          ),
        );
      }
    });
  });
  // A failure is reported by whoever awaits `exit`; never let it go unhandled meanwhile.
  exit.catch(() => undefined);

  return {
    child,
    spawnedAt,
    exit,
    peakMb: () => {
      sample();
      return Math.round(peakKb / 1024);
    },
    logs,
    otherLines,
    logged: (prefix) => {
      const seen = logs.find((line) => line.msg.startsWith(prefix));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ prefix, resolve }));
    },
    stop: async () => {
      sample();
      if (child.exitCode === null && child.signalCode === null) {
        stopping = true;
        child.kill('SIGTERM');
      }
      await exit;
    },
    kill: async () => {
      sample();
      if (child.exitCode === null && child.signalCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
      await exit;
    },
    resetPeak: () => {
      try {
        // "5" resets the process's peak resident set to its current one (proc(5), clear_refs).
        writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
      } catch {
        return false;
      }
      peakKb = 0;
      sample();
      return true;
    },
  };
}

function parseLogLine(text: string): LogLine | null {
  if (!text.startsWith('{')) return null;
  try {
    const fields = JSON.parse(text) as Record<string, unknown>;
    if (typeof fields.msg !== 'string') return null;
    return { at: performance.now(), msg: fields.msg, fields };
  } catch {
    return null;
  }
}

/**
 * Peak resident set of a node process that loads nothing and waits: what any node process
 * pays before doing any work, so that figures "above idle" compare the work alone.
 */
export async function idleNodeMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 1500)'], {
    stdio: 'ignore',
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  child.kill('SIGTERM');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Polls GET <url> until it answers 200; rejects if the child exits first or on timeout. */
export async function waitForOk(
  url: string,
  child: RevalChild,
  timeoutMs: number,
  intervalMs = 50,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  void child.exit.then(
    () => (exited = true),
    () => (exited = true),
  );
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return performance.now();
    } catch {
      // not listening yet
    }
    if (exited) await child.exit.then(() => Promise.reject(new Error(`exited before ${url}`)));
    if (performance.now() > deadline) throw new Error(`${url} not ready in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
