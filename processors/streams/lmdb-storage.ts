// Task storage in LMDB (lmdb-js): one environment per task directory, a named database per
// store and `__meta` for the format version and the checkpoint. lmdb-js's default
// overlappingSync makes a commit visible at once and flushes it in the background, while a
// crash still falls back to a whole earlier commit.
//
// LMDB reads its file through a memory map and trusts it: lmdb-js 3.x segfaults when it
// cannot open a file (its error path frees what it never set up), and a read past the end of
// a truncated file is a SIGBUS. Both kill the process instead of throwing, so `open` checks
// the file's header itself first. Damage inside the data pages it cannot catch: of 40 runs
// with random pages overwritten, 16 aborted the process (an LMDB assertion), 17 read on with
// entries silently missing and 7 threw.
import { open, type Database, type RootDatabase } from 'lmdb';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  UnusableStorageError,
  type KeyRange,
  type StorageBackend,
  type StoreWrites,
  type TaskStorage,
} from './storage';

const META = '__meta';
// Address space, not memory or disk. lmdb-js otherwise starts at 128 KiB and, each time the
// file outgrows the map, maps it again at double the size while keeping the old maps: the
// resident set then counted the file's pages about 1.4 times (225 MiB for 166 MiB).
const MAP_SIZE = 2 ** 36;
const CHECKPOINT = 'checkpoint:';
const CORRUPTION = /MDB_(CORRUPTED|PAGE_NOTFOUND|INVALID|VERSION_MISMATCH)/;

// LMDB refuses zero-length keys; one leading byte keeps '' a key like any other, and
// preserves the byte order of the rest. Keys are then limited to 1,977 UTF-8 bytes.
function encodeKey(key: string): Buffer {
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(key) + 1);
  bytes[0] = 0;
  bytes.write(key, 1);
  return bytes;
}

function decodeKey(bytes: Buffer): string {
  return bytes.toString('utf8', 1);
}

// Where lmdb-js 3.x's LMDB (data format 2, 24-byte page headers) keeps a meta page's fields.
const HEADER = {
  flags: 18,
  magic: 24,
  version: 28,
  pageSize: 48,
  lastPage: 144,
  txnId: 152,
  end: 160,
} as const;
const P_META = 0x08;
const MAGIC = 0xbeefc0de;
const DATA_VERSION = 2;

interface Meta {
  /** The flags, magic and version of a full meta page (the half-page one has none). */
  stamped: boolean;
  pageSize: number;
  lastPage: bigint;
  txnId: bigint;
}

function readMeta(fd: number, offset: number): Meta | null {
  const page = Buffer.alloc(HEADER.end);
  if (readSync(fd, page, 0, page.length, offset) !== page.length) return null;
  return {
    stamped:
      (page.readUInt16LE(HEADER.flags) & P_META) !== 0 &&
      page.readUInt32LE(HEADER.magic) === MAGIC &&
      (page.readUInt32LE(HEADER.version) & 0xffff) === DATA_VERSION,
    pageSize: page.readUInt32LE(HEADER.pageSize),
    lastPage: page.readBigUInt64LE(HEADER.lastPage),
    txnId: page.readBigUInt64LE(HEADER.txnId),
  };
}

/**
 * Why LMDB must not open `file`, or null. Reads the meta pages as LMDB does: the first must
 * be stamped; the one with the highest transaction id wins among pages 0 and 1 and, with
 * overlappingSync, the last flushed one that lmdb-js writes (unstamped) at half a page. All
 * the pages the winner refers to must be inside the file.
 */
export function lmdbHeaderProblem(file: string): string | null {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const first = readMeta(fd, 0);
    if (!first?.stamped) return 'not an LMDB file (bad first meta page)';
    const { pageSize } = first;
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
      return `not an LMDB file (page size ${pageSize})`;
    }
    if (size < 2 * pageSize) return `truncated to ${size} bytes`;
    const half = readMeta(fd, pageSize / 2);
    const second = readMeta(fd, pageSize);
    if (!half || !second) return `truncated to ${size} bytes`;
    const candidates = [
      { meta: first, full: true },
      { meta: half, full: false },
      { meta: second, full: true },
    ];
    const latest = candidates.reduce((a, b) => (b.meta.txnId > a.meta.txnId ? b : a));
    if ((latest.full && !latest.meta.stamped) || latest.meta.pageSize !== pageSize) {
      return 'the latest meta page is damaged';
    }
    const needed = (latest.meta.lastPage + 1n) * BigInt(pageSize);
    if (needed > BigInt(size)) return `truncated to ${size} bytes; ${needed} in use`;
    return null;
  } finally {
    closeSync(fd);
  }
}

function unusable(path: string, error: unknown): unknown {
  const message = (error as Error).message ?? '';
  return CORRUPTION.test(message) ? new UnusableStorageError(path, message) : error;
}

class LmdbStorage implements TaskStorage {
  constructor(
    readonly path: string,
    private readonly env: RootDatabase,
    private readonly meta: Database<string, string>,
    private readonly stores: Map<string, Database<Buffer, Buffer>>,
  ) {}

  get(store: string, key: string): Buffer | undefined {
    const db = this.store(store);
    try {
      return db.get(encodeKey(key));
    } catch (error) {
      throw unusable(this.path, error);
    }
  }

  /**
   * Lazy: LMDB iterates a read snapshot taken when iteration starts, so writes may go on
   * meanwhile. The values are copies.
   */
  *range(store: string, range: KeyRange): Iterable<[string, Buffer]> {
    const entries = this.store(store).getRange({
      start: encodeKey(range.gte ?? ''),
      end: range.lt === undefined ? undefined : encodeKey(range.lt),
    });
    try {
      for (const { key, value } of entries) yield [decodeKey(key), value];
    } catch (error) {
      throw unusable(this.path, error);
    }
  }

  commit(writes: StoreWrites, checkpoint: Map<string, bigint>): void {
    // Resolved before the transaction, so that an unknown store aborts nothing half-done.
    const targets = [...writes].map(([store, entries]) => [this.store(store), entries] as const);
    try {
      this.env.transactionSync(() => {
        for (const [db, entries] of targets) {
          for (const [key, value] of entries) {
            if (value) db.putSync(encodeKey(key), value);
            else db.removeSync(encodeKey(key));
          }
        }
        for (const [partition, offset] of checkpoint) {
          this.meta.putSync(CHECKPOINT + partition, offset.toString());
        }
      });
    } catch (error) {
      throw unusable(this.path, error);
    }
  }

  /** Partitions absent from a commit keep their offset: a commit records only what moved. */
  checkpoint(): Map<string, bigint> {
    // ';' is the character after ':', so this reads exactly the names starting CHECKPOINT.
    const rows = this.meta.getRange({ start: CHECKPOINT, end: CHECKPOINT.slice(0, -1) + ';' });
    return new Map(rows.map(({ key, value }) => [key.slice(CHECKPOINT.length), BigInt(value)]));
  }

  entries(store: string): number {
    // LMDB keeps each database's entry count in its header: no walk.
    return (this.store(store).getStats() as { entryCount: number }).entryCount;
  }

  sizeBytes(): number {
    return statSync(join(this.path, 'data.mdb')).size;
  }

  close(): void {
    // Returns a promise, but with only synchronous transactions it closes at once.
    void this.env.close();
  }

  private store(name: string): Database<Buffer, Buffer> {
    const db = this.stores.get(name);
    if (!db) throw new Error(`no store ${name} in ${this.path}`);
    return db;
  }
}

function openLmdb(dir: string, stores: readonly string[], formatVersion: number): TaskStorage {
  if (stores.includes(META)) throw new Error(`a store may not be called ${META}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'data.mdb');
  const existed = existsSync(file);
  if (existed) {
    const problem = lmdbHeaderProblem(file);
    if (problem) throw new UnusableStorageError(dir, problem);
  }
  let env: RootDatabase | undefined;
  try {
    env = open({ path: dir, maxDbs: stores.length + 1, mapSize: MAP_SIZE });
    const meta = env.openDB<string, string>(META, { encoding: 'string' });
    const found = meta.get('formatVersion');
    if (found === undefined && existed) {
      throw new UnusableStorageError(dir, 'no format version (empty or not a state store)');
    }
    if (found !== undefined && found !== String(formatVersion)) {
      throw new UnusableStorageError(dir, `format version ${found}, expected ${formatVersion}`);
    }
    const opened = env;
    const dbs = new Map<string, Database<Buffer, Buffer>>();
    // The databases and the format version land together or not at all.
    opened.transactionSync(() => {
      for (const store of stores) {
        dbs.set(
          store,
          opened.openDB<Buffer, Buffer>(store, { encoding: 'binary', keyEncoding: 'binary' }),
        );
      }
      if (found === undefined) meta.putSync('formatVersion', String(formatVersion));
    });
    return new LmdbStorage(dir, opened, meta, dbs);
  } catch (error) {
    void env?.close();
    throw unusable(dir, error);
  }
}

export const lmdbBackend: StorageBackend = { name: 'lmdb', open: openLmdb };
