// Task storage held in memory, for the test driver: no files, nothing survives the process.
// Correctness over speed: a range sorts the store's keys on each call.
import type { KeyRange, StorageBackend, StoreWrites, TaskStorage } from './storage';

/**
 * Orders strings as their UTF-8 bytes order (= code point order), which is what the file
 * backends do. Plain `<` compares UTF-16 code units and puts U+E000..U+FFFF after the
 * surrogate pairs of U+10000 and above, where UTF-8 puts them before.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
    return x - y;
  }
  return a.length - b.length;
}

// Moves surrogates (0xD800..0xDFFF) above 0xE000..0xFFFF, keeping each group's own order.
function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

function inRange(key: string, range: KeyRange): boolean {
  if (range.gte !== undefined && compareUtf8(key, range.gte) < 0) return false;
  return range.lt === undefined || compareUtf8(key, range.lt) < 0;
}

class MemoryStorage implements TaskStorage {
  readonly path = null;
  private readonly stores = new Map<string, Map<string, Buffer>>();
  private readonly offsets = new Map<string, bigint>();

  constructor(stores: readonly string[]) {
    for (const store of stores) this.stores.set(store, new Map());
  }

  get(store: string, key: string): Buffer | undefined {
    return this.store(store).get(key);
  }

  range(store: string, range: KeyRange): [string, Buffer][] {
    const entries = [...this.store(store)].filter(([key]) => inRange(key, range));
    return entries.sort(([a], [b]) => compareUtf8(a, b));
  }

  commit(writes: StoreWrites, checkpoint: Map<string, bigint>): void {
    // Resolve every store first, so that an unknown one changes nothing (atomic, as on disk).
    const targets = [...writes].map(([store, entries]) => [this.store(store), entries] as const);
    for (const [target, entries] of targets) {
      for (const [key, value] of entries) {
        // A copy, as a file would keep: the caller may reuse its buffer.
        if (value) target.set(key, Buffer.from(value));
        else target.delete(key);
      }
    }
    for (const [partition, offset] of checkpoint) this.offsets.set(partition, offset);
  }

  checkpoint(): Map<string, bigint> {
    return new Map(this.offsets);
  }

  entries(store: string): number {
    return this.store(store).size;
  }

  sizeBytes(): number {
    let bytes = 0;
    for (const entries of this.stores.values()) {
      for (const [key, value] of entries) bytes += Buffer.byteLength(key) + value.length;
    }
    return bytes;
  }

  close(): void {}

  private store(name: string): Map<string, Buffer> {
    const store = this.stores.get(name);
    if (!store) throw new Error(`no store ${name} in this task's storage`);
    return store;
  }
}

export const memoryBackend: StorageBackend = {
  name: 'memory',
  open: (_dir, stores) => new MemoryStorage(stores),
};
