// The application's folder under the state directory: one process at a time (a lock file
// with its pid, taken over when that pid is gone), and the consumer-group member id of the
// last process, so a restart after a crash can evict the dead member at once.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../platform/config';

/** A configuration error (exit 78): two processes were given one state directory. */
export class StateDirInUseError extends ConfigError {
  constructor(dir: string, pid: number) {
    super(
      `state directory ${dir} is in use by process ${pid}: give each instance on a machine its own REVAL_STATE_DIR`,
    );
    this.name = 'StateDirInUseError';
  }
}

export class ApplicationStateDir {
  private constructor(readonly path: string) {}

  /** Takes the folder's lock; throws StateDirInUseError when a live process holds it. */
  static lock(path: string): ApplicationStateDir {
    mkdirSync(path, { recursive: true });
    const lock = join(path, '.lock');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
        return new ApplicationStateDir(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(lock, 'utf8'));
        if (holder !== process.pid && isAlive(holder)) throw new StateDirInUseError(path, holder);
        rmSync(lock, { force: true });
      }
    }
    throw new Error(`cannot lock ${path}`);
  }

  lastMemberId(): string | null {
    const file = join(this.path, 'member-id');
    return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
  }

  rememberMemberId(memberId: string): void {
    writeFileSync(join(this.path, 'member-id'), memberId);
  }

  release(): void {
    const lock = join(this.path, '.lock');
    if (existsSync(lock) && Number(readFileSync(lock, 'utf8')) === process.pid) {
      rmSync(lock, { force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
