// One task: a sub-topology on one partition, with its storage and the writes and forwards of
// the work in hand. Writes stay in an overlay until `drain`, so a batch commits to the store,
// its changelog and its sinks together, and a crash before that leaves the store untouched.
import type { KeyRange, StoreWrites, TaskStorage } from './storage';
import type { ProcessorContext, SubTopology } from './topology';
import { decodeValue, encodeValue } from './values';

export interface Forwarded {
  sink: string;
  key: string;
  value: unknown;
}

interface Pending {
  value: unknown;
  bytes: Buffer | null;
}

export class Task {
  private overlay = new Map<string, Map<string, Pending>>();
  private forwarded: Forwarded[] = [];

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
      forward: (sink, key, value) => {
        this.forwarded.push({ sink, key, value });
      },
    };
  }

  get<V>(store: string, key: string): V | undefined {
    const pending = this.overlay.get(store)?.get(key);
    if (pending) return pending.value as V | undefined;
    const bytes = this.storage.get(store, key);
    return bytes === undefined ? undefined : decodeValue<V>(bytes);
  }

  put(store: string, key: string, value: unknown): void {
    if (!this.subTopology.stores.includes(store)) {
      throw new Error(`${this.subTopology.name} has no store ${store}`);
    }
    let writes = this.overlay.get(store);
    if (!writes) this.overlay.set(store, (writes = new Map()));
    writes.set(key, { value, bytes: value === undefined ? null : encodeValue(value) });
  }

  range<V>(store: string, range: KeyRange): [string, V][] {
    const merged = new Map<string, V | undefined>();
    for (const [key, bytes] of this.storage.range(store, range)) {
      merged.set(key, decodeValue<V>(bytes));
    }
    for (const [key, pending] of this.overlay.get(store) ?? []) {
      if (range.gte !== undefined && key < range.gte) continue;
      if (range.lt !== undefined && key >= range.lt) continue;
      merged.set(key, pending.value as V | undefined);
    }
    return [...merged]
      .filter((entry): entry is [string, V] => entry[1] !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Takes the work in hand: the store writes (as bytes) and the forwarded records. */
  drain(): { writes: StoreWrites; forwarded: Forwarded[] } {
    const writes: StoreWrites = new Map();
    for (const [store, pending] of this.overlay) {
      writes.set(store, new Map([...pending].map(([key, { bytes }]) => [key, bytes])));
    }
    const forwarded = this.forwarded;
    this.overlay = new Map();
    this.forwarded = [];
    return { writes, forwarded };
  }

  /** Forgets the work in hand (after a failed commit: the inputs will be read again). */
  discard(): void {
    this.overlay = new Map();
    this.forwarded = [];
  }
}
