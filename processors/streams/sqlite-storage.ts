// Task storage in SQLite (better-sqlite3): one `state.db` per task directory, one WITHOUT ROWID
// table per store (measured a little faster than one table keyed by store and key) and a
// `meta` table with the format version, the checkpoint and each store's entry count (SQLite
// keeps none: count(*) reads the whole table, 0.5 s for 300 MB). WAL with synchronous=NORMAL: a
// commit costs no fsync, and a power cut may lose the last commits but never mixes one
// commit's writes with another's, so the checkpoint always matches the stored state.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  UnusableStorageError,
  type KeyRange,
  type StorageBackend,
  type StoreWrites,
  type TaskStorage,
} from './storage';

const FILE = 'state.db';
const CHECKPOINT = 'checkpoint:';
const COUNT = 'count:';
/** Rows a range reads per query: bounds its memory, however large the range. */
const PAGE = 1000;

// SQLite reports damaged files with these codes; anything else (disk full, permissions, busy)
// is not the file's fault and must not get the state wiped.
const CORRUPTION = /^SQLITE_(CORRUPT|NOTADB|IOERR_SHORT_READ)/;

interface StoreStatements {
  get: Database.Statement<[string], Buffer>;
  /** Inserts only a new key: its `changes` tell a new key from an existing one. */
  insert: Database.Statement<[string, Buffer]>;
  update: Database.Statement<[Buffer, string]>;
  remove: Database.Statement<[string]>;
  /** A page of a range, from a key on (inclusive first, exclusive after), up to a limit. */
  from: Database.Statement<[string, number]>;
  fromBelow: Database.Statement<[string, string, number]>;
  after: Database.Statement<[string, number]>;
  afterBelow: Database.Statement<[string, string, number]>;
}

function table(store: string): string {
  return `"store:${store.replaceAll('"', '""')}"`;
}

function prepareStore(db: Database.Database, store: string): StoreStatements {
  const name = table(store);
  const page = (where: string) =>
    db.prepare(`SELECT key, value FROM ${name} WHERE ${where} ORDER BY key LIMIT ?`).raw();
  return {
    get: db.prepare<[string], Buffer>(`SELECT value FROM ${name} WHERE key = ?`).pluck(),
    insert: db.prepare(`INSERT OR IGNORE INTO ${name} (key, value) VALUES (?, ?)`),
    update: db.prepare(`UPDATE ${name} SET value = ? WHERE key = ?`),
    remove: db.prepare(`DELETE FROM ${name} WHERE key = ?`),
    from: page('key >= ?'),
    fromBelow: page('key >= ? AND key < ?'),
    after: page('key > ?'),
    afterBelow: page('key > ? AND key < ?'),
  };
}

function unusable(path: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CORRUPTION.test(code)) {
    return new UnusableStorageError(path, `${code}: ${(error as Error).message}`);
  }
  return error;
}

class SqliteStorage implements TaskStorage {
  private readonly stores = new Map<string, StoreStatements>();
  private readonly counts: Map<string, number>;
  private readonly readMeta: Database.Statement<[string, string], [string, string]>;
  private readonly applyCommit: (
    writes: StoreWrites,
    checkpoint: Map<string, bigint>,
  ) => Map<string, number>;

  constructor(
    readonly path: string,
    private readonly db: Database.Database,
    stores: readonly string[],
  ) {
    for (const store of stores) this.stores.set(store, prepareStore(db, store));
    this.readMeta = db
      .prepare<[string, string], [string, string]>(
        'SELECT name, value FROM meta WHERE name >= ? AND name < ?',
      )
      .raw();
    this.counts = new Map([...this.metaRows(COUNT)].map(([store, value]) => [store, +value]));
    const setMeta = db.prepare<[string, string]>(
      'INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)',
    );
    const addToCount = db.prepare<[number, string]>(
      'UPDATE meta SET value = value + ? WHERE name = ?',
    );
    // A throw inside (an unknown store) rolls the whole transaction back.
    this.applyCommit = db.transaction((writes: StoreWrites, checkpoint: Map<string, bigint>) => {
      const added = new Map<string, number>();
      for (const [store, entries] of writes) {
        const { insert, update, remove } = this.statements(store);
        let count = 0;
        for (const [key, value] of entries) {
          if (!value) count -= remove.run(key).changes;
          else if (insert.run(key, value).changes === 1) count += 1;
          else update.run(value, key);
        }
        if (count !== 0) addToCount.run(count, COUNT + store);
        added.set(store, count);
      }
      for (const [partition, offset] of checkpoint) {
        setMeta.run(CHECKPOINT + partition, offset.toString());
      }
      return added;
    });
  }

  get(store: string, key: string): Buffer | undefined {
    const statements = this.statements(store);
    try {
      return statements.get.get(key);
    } catch (error) {
      throw unusable(this.path, error);
    }
  }

  /**
   * Lazy, a page of rows per query, each page resuming after the last key read. Not
   * better-sqlite3's iterate(): an open iterator keeps its cached statement busy and blocks
   * every write on the connection until it ends. Not one array: a full scan would hold the
   * whole store in memory. A commit between pages shows in the pages that follow.
   */
  *range(store: string, range: KeyRange): Iterable<[string, Buffer]> {
    const { from, fromBelow, after, afterBelow } = this.statements(store);
    const { lt } = range;
    // '' is the smallest TEXT, so "from ''" is "from the start".
    let rows = this.page(() =>
      lt === undefined ? from.all(range.gte ?? '', PAGE) : fromBelow.all(range.gte ?? '', lt, PAGE),
    );
    while (rows.length > 0) {
      yield* rows;
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1][0];
      rows = this.page(() =>
        lt === undefined ? after.all(last, PAGE) : afterBelow.all(last, lt, PAGE),
      );
    }
  }

  commit(writes: StoreWrites, checkpoint: Map<string, bigint>): void {
    let added: Map<string, number>;
    try {
      added = this.applyCommit(writes, checkpoint);
    } catch (error) {
      throw unusable(this.path, error);
    }
    for (const [store, count] of added) this.counts.set(store, this.entries(store) + count);
  }

  /** Partitions absent from a commit keep their offset: a commit records only what moved. */
  checkpoint(): Map<string, bigint> {
    return new Map([...this.metaRows(CHECKPOINT)].map(([name, value]) => [name, BigInt(value)]));
  }

  entries(store: string): number {
    this.statements(store); // throws for a store it does not have
    return this.counts.get(store) ?? 0;
  }

  sizeBytes(): number {
    return [this.path, `${this.path}-wal`]
      .filter((file) => existsSync(file))
      .reduce((sum, file) => sum + statSync(file).size, 0);
  }

  close(): void {
    // The last connection to close checkpoints the WAL into state.db and deletes it.
    this.db.close();
  }

  /** The meta rows whose names start with `prefix` (ending ':'), by the rest of the name. */
  private metaRows(prefix: string): Map<string, string> {
    // ';' is the character after ':': the rows from prefix to there are the prefix's.
    const rows = this.readMeta.all(prefix, `${prefix.slice(0, -1)};`);
    return new Map(rows.map(([name, value]) => [name.slice(prefix.length), value]));
  }

  private page(read: () => unknown[]): [string, Buffer][] {
    try {
      return read() as [string, Buffer][];
    } catch (error) {
      throw unusable(this.path, error);
    }
  }

  private statements(store: string): StoreStatements {
    const statements = this.stores.get(store);
    if (!statements) throw new Error(`no store ${store} in ${this.path}`);
    return statements;
  }
}

/**
 * Checks (or, for a new file, writes) the format version and creates missing tables; run in
 * one transaction, so a throw leaves the file as it was.
 */
function prepareFile(db: Database.Database, opening: Opening): void {
  const { path, existed, formatVersion, stores } = opening;
  db.exec(
    'CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID',
  );
  const found = db
    .prepare<[], string>("SELECT value FROM meta WHERE name = 'formatVersion'")
    .pluck()
    .get();
  if (found === undefined && existed) {
    // Ours has it from its first transaction: this is an empty or foreign file, or one whose
    // creation a crash cut short. Its contents cannot be trusted either way.
    throw new UnusableStorageError(path, 'no format version (empty or not a state store)');
  }
  if (found === undefined) {
    db.prepare("INSERT INTO meta (name, value) VALUES ('formatVersion', ?)").run(
      String(formatVersion),
    );
  } else if (found !== String(formatVersion)) {
    throw new UnusableStorageError(path, `format version ${found}, expected ${formatVersion}`);
  }
  const newCount = db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES (?, '0')");
  for (const store of stores) {
    // TEXT keys compare with BINARY collation: memcmp of UTF-8, the byte order promised.
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table(store)} ` +
        '(key TEXT COLLATE BINARY PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID',
    );
    newCount.run(COUNT + store);
  }
}

interface Opening {
  path: string;
  existed: boolean;
  formatVersion: number;
  stores: readonly string[];
}

function openSqlite(dir: string, stores: readonly string[], formatVersion: number): TaskStorage {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, FILE);
  const existed = existsSync(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    // The first statement to read the file: a garbage file fails here (SQLITE_NOTADB), a
    // truncated one here or at the schema read below (SQLITE_CORRUPT, the header's page
    // count exceeds the file's).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A small page cache per task (256 KiB): every task has its own file, and SQLite holds a
    // transaction's dirty pages in it until it spills them to the WAL. With the 2 MiB default,
    // a restore's large transactions kept a 10,000-doctor process at about 350 MB resident;
    // with this, about 185 MB. Reads that miss come from the OS page cache.
    db.pragma('cache_size = -256');
    const opened = db;
    opened.transaction(() => prepareFile(opened, { path, existed, formatVersion, stores }))();
    return new SqliteStorage(path, opened, stores);
  } catch (error) {
    db?.close();
    throw unusable(path, error);
  }
}

export const sqliteBackend: StorageBackend = { name: 'sqlite', open: openSqlite };
