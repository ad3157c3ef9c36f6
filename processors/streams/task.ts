// One task: a sub-topology on one partition, with its storage and the writes and forwards of
// the work in hand. Writes stay in an overlay until `drain`, so the work commits to the store,
// its changelog and its sinks together, and a crash before that leaves the store untouched.
// The overlay is also a write cache (Kafka Streams' record cache): a key written many times
// between commits is read back without decoding and encoded, logged and stored once.
import { compareUtf8 } from './memory-storage';
import type { KeyRange, StoreWrites, TaskStorage } from './storage';
import type { ProcessorContext, SubTopology } from './topology';
import { decodeValue, encodeValue } from './values';

export interface Forwarded {
  sink: string;
  key: string;
  value: unknown;
}

export class Task {
  private overlay = new Map<string, Map<string, unknown>>();
  private forwarded: Forwarded[] = [];
  /** Index in `forwarded` of each record sent as the latest state of an entity. */
  private latest = new Map<string, number>();
  private later = new Set<string>();

  constructor(
    readonly subTopology: SubTopology<never>,
    readonly partition: number,
    readonly storage: TaskStorage,
  ) {}

  get id(): string {
    return `${this.subTopology.name}-${this.partition}`;
  }

  context(now: () => Date): ProcessorContext {
    return {
      partition: this.partition,
      now,
      get: <V>(store: string, key: string) => this.get<V>(store, key),
      put: (store, key, value) => this.put(store, key, value),
      range: <V>(store: string, range: KeyRange) => this.range<V>(store, range),
      forward: (sink, key, value, latest) => {
        if (latest === undefined) {
          this.forwarded.push({ sink, key, value });
          return;
        }
        const id = `${sink}\u0000${key}\u0000${latest}`;
        const at = this.latest.get(id);
        if (at !== undefined) this.forwarded[at] = { sink, key, value };
        else this.latest.set(id, this.forwarded.push({ sink, key, value }) - 1);
      },
      later: (key) => {
        this.later.add(key);
      },
    };
  }

  /**
   * The value, possibly the very object last put: a processor must put what it changes, and
   * must not change what it does not put.
   */
  get<V>(store: string, key: string): V | undefined {
    const writes = this.overlay.get(store);
    if (writes?.has(key)) return writes.get(key) as V | undefined;
    const bytes = this.storage.get(store, key);
    return bytes === undefined ? undefined : decodeValue<V>(bytes);
  }

  put(store: string, key: string, value: unknown): void {
    if (!this.subTopology.stores.includes(store)) {
      throw new Error(`${this.subTopology.name} has no store ${store}`);
    }
    let writes = this.overlay.get(store);
    if (!writes) this.overlay.set(store, (writes = new Map()));
    writes.set(key, value);
  }

  range<V>(store: string, range: KeyRange): [string, V][] {
    const merged = new Map<string, V | undefined>();
    for (const [key, bytes] of this.storage.range(store, range)) {
      merged.set(key, decodeValue<V>(bytes));
    }
    for (const [key, value] of this.overlay.get(store) ?? []) {
      if (range.gte !== undefined && compareUtf8(key, range.gte) < 0) continue;
      if (range.lt !== undefined && compareUtf8(key, range.lt) >= 0) continue;
      merged.set(key, value as V | undefined);
    }
    return [...merged]
      .filter((entry): entry is [string, V] => entry[1] !== undefined)
      .sort(([a], [b]) => compareUtf8(a, b));
  }

  /** Takes the work in hand: the store writes (as bytes) and the forwarded records. */
  drain(now: () => Date): { writes: StoreWrites; forwarded: Forwarded[] } {
    if (this.later.size > 0 && this.subTopology.beforeCommit) {
      const keys = this.later;
      this.later = new Set();
      this.subTopology.beforeCommit(keys, this.context(now));
    }
    const writes: StoreWrites = new Map();
    for (const [store, pending] of this.overlay) {
      const bytes = new Map<string, Buffer | null>();
      for (const [key, value] of pending) {
        bytes.set(key, value === undefined ? null : encodeValue(value));
      }
      writes.set(store, bytes);
    }
    const forwarded = this.forwarded;
    this.discard();
    return { writes, forwarded };
  }

  /** Takes the records forwarded so far, leaving the store writes in the overlay. */
  takeForwarded(): Forwarded[] {
    const forwarded = this.forwarded;
    this.forwarded = [];
    this.latest = new Map();
    return forwarded;
  }

  /** Whether there is work in hand to commit. */
  get dirty(): boolean {
    return this.overlay.size > 0 || this.forwarded.length > 0 || this.later.size > 0;
  }

  /** Forgets the work in hand (after a failed commit: the inputs will be read again). */
  discard(): void {
    this.overlay = new Map();
    this.forwarded = [];
    this.latest = new Map();
    this.later = new Set();
  }
}
