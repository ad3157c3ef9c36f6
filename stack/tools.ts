// The machine's tools the stack relies on (java, mvn, go, tar, unzip), run with their output
// appended to a log file, so a failure names the service and the log that explains it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  existsSync,
  constants,
  mkdirSync,
  openSync,
  closeSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { StackError } from './errors';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** What the command does, for the error message ("fetching from Maven Central"). */
  what?: string;
}

/** Runs a command to completion; rejects with a StackError naming `service` and the log. */
export function runTool(
  service: string,
  command: string,
  args: string[],
  options: RunOptions,
): Promise<void> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  writeFileSync(fd, `\n--- ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ENOENT' ? `\`${command}\` is not installed or not on PATH` : error.message;
      reject(new StackError(service, why, options.logFile));
    });
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else {
        const how = signal ? `was killed by ${signal}` : `failed with exit code ${code}`;
        const what = options.what ?? `\`${command}\``;
        reject(new StackError(service, `${what} ${how}`, options.logFile));
      }
    });
  }).finally(() => closeSync(fd));
}

/** Runs a command and returns its standard output (for short queries such as `go mod download -json`). */
export function capture(
  service: string,
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): string {
  try {
    return execFileSync(command, args, {
      env: env ?? process.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const why =
      e.code === 'ENOENT'
        ? `\`${command}\` is not installed or not on PATH`
        : (e.stderr || e.message).trim();
    throw new StackError(service, why);
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A tool on PATH, else at one of the usual install places (Go's tarball lives in /usr/local/go). */
export function findTool(name: string, elsewhere: string[] = []): string {
  return onPath(name) ?? elsewhere.find((path) => existsSync(path)) ?? name;
}

export interface Java {
  home: string;
  bin: string;
  major: number;
}

let java: Java | undefined;

/** The Java to run Kafka, Apicurio and Elasticsearch with: 17 or newer. */
export function findJava(preferredHome: string | undefined): Java {
  if (java) return java;
  const onPathJava = onPath('java');
  const home =
    preferredHome ?? (onPathJava ? dirname(dirname(realpathSync(onPathJava))) : undefined);
  if (!home)
    throw new StackError('java', 'Java 17 or newer is needed: install it or set JAVA_HOME');
  const bin = join(home, 'bin', 'java');
  const run = spawnSync(bin, ['-version'], { encoding: 'utf8' });
  if (run.error) throw new StackError('java', `cannot run ${bin}: ${run.error.message}`);
  const banner = `${run.stderr}${run.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : NaN;
  if (!(major >= 17)) {
    throw new StackError(
      'java',
      `Java 17 or newer is needed, found ${match?.[0] ?? 'an unknown version'} at ${home}; set REVAL_JAVA_HOME`,
    );
  }
  java = { home, bin, major };
  return java;
}
