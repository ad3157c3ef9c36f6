// The storage behind a task's state stores: one embedded database per task (one input
// partition), holding every store of that task plus its checkpoint, so that a task's state
// can be opened, committed atomically, moved away (destroyed) and restored as one unit —
// the way Kafka Streams keeps one state directory per task.

/** Keys are strings; values are the exact bytes that also travel on the changelog. */
export type StoreWrites = Map<string, Map<string, Buffer | null>>;

export interface KeyRange {
  /** Inclusive lower bound. */
  gte?: string;
  /** Exclusive upper bound. */
  lt?: string;
}

export interface TaskStorage {
  /** Where the files are (for logs and tests); null for in-memory storage. */
  readonly path: string | null;
  get(store: string, key: string): Buffer | undefined;
  /** Entries of one store with keys in the range, in key order (byte order of UTF-8). */
  range(store: string, range: KeyRange): Iterable<[string, Buffer]>;
  /**
   * Applies the writes (null deletes) of every store and records the checkpoint (changelog
   * partition → next offset to read) in one atomic transaction: after a crash the storage
   * holds either all of it or none of it.
   */
  commit(writes: StoreWrites, checkpoint: Map<string, bigint>): void;
  /** The changelog offsets the stored state covers (empty for new storage). */
  checkpoint(): Map<string, bigint>;
  entries(store: string): number;
  /** Bytes on disk (or held, for in-memory storage). */
  sizeBytes(): number;
  close(): void;
}

/** Thrown when stored files cannot be used: corrupt, truncated or of another format version. */
export class UnusableStorageError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`state store at ${path} is unusable: ${reason}`);
    this.name = 'UnusableStorageError';
  }
}

export interface StorageBackend {
  readonly name: string;
  /**
   * Opens (creating if absent) the storage of one task at `dir` with the given store names.
   * Throws UnusableStorageError when existing files are corrupt, truncated or were written
   * with another `formatVersion`; it must throw, never crash the process.
   */
  open(dir: string, stores: readonly string[], formatVersion: number): TaskStorage;
}
