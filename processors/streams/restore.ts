// Opening a task's storage and bringing it up to its changelogs' ends. A store kept on disk
// reads only the changelog tail after its checkpoint; a missing, corrupt, truncated or
// other-format store is discarded and rebuilt from the changelogs, never from the raw inputs.
import { rmSync } from 'node:fs';
import {
  recordsIn,
  type CatchUpRange,
  type EndOffsets,
  type KafkaClient,
  type KafkaRecord,
} from '../platform/kafka';
import type { Logger } from '../platform/logger';
import {
  UnusableStorageError,
  type StorageBackend,
  type StoreWrites,
  type TaskStorage,
} from './storage';
import { changelogTopic, type SubTopology } from './topology';

/**
 * Changelog records are small (a store row each), so a 16 MB answer is about 100,000 of them,
 * decoded by kafkajs into objects: two such answers in hand held hundreds of MB of heap in a
 * 100k-doctor cold start. A quarter of that keeps the heap small and the broker busy.
 */
export const RESTORE_FETCH_BYTES = 4 * 1024 * 1024;

/** Bump when the layout of stored values changes: older stores are then restored afresh. */
export const STORE_FORMAT_VERSION = 1;

export function openTaskStorage(
  backend: StorageBackend,
  dir: string,
  sub: SubTopology<never>,
  logger: Logger,
): TaskStorage {
  try {
    return backend.open(dir, sub.stores, STORE_FORMAT_VERSION);
  } catch (error) {
    if (!(error instanceof UnusableStorageError)) throw error;
    logger.warn(
      { dir, reason: error.reason },
      'local state store is unusable: discarding it and restoring from the changelog',
    );
    rmSync(dir, { recursive: true, force: true });
    return backend.open(dir, sub.stores, STORE_FORMAT_VERSION);
  }
}

export interface RestoringTask {
  sub: SubTopology<never>;
  partition: number;
  storage: TaskStorage;
  dir: string;
}

export interface RestoreProgress {
  restored: number;
  total: number;
}

/**
 * Restores the tasks' stores from their changelogs, from each checkpoint to the end offset
 * the changelog has now, in one pass over every changelog partition involved.
 */
export async function restoreTasks(
  kafka: KafkaClient,
  applicationId: string,
  tasks: RestoringTask[],
  reopen: (task: RestoringTask) => TaskStorage,
  onProgress: (progress: RestoreProgress) => void,
): Promise<number> {
  const ranges: CatchUpRange[] = [];
  const owners = new Map<string, { task: RestoringTask; store: string }>();
  const ends = new Map<string, EndOffsets>();
  for (const task of tasks) {
    for (const store of task.sub.stores) {
      const topic = changelogTopic(applicationId, store);
      if (!ends.has(topic)) ends.set(topic, await kafka.endOffsets(topic));
      const end = ends.get(topic)?.get(task.partition);
      const high = BigInt(end?.high ?? '0');
      const low = BigInt(end?.low ?? '0');
      let from = task.storage.checkpoint().get(`${topic}:${task.partition}`) ?? 0n;
      if (from > high) {
        // The changelog is behind the store (recreated or truncated): the store cannot be trusted.
        task.storage.close();
        rmSync(task.dir, { recursive: true, force: true });
        task.storage = reopen(task);
        return restoreTasks(kafka, applicationId, tasks, reopen, onProgress);
      }
      if (from < low) from = low;
      ranges.push({ topic, partition: task.partition, from, to: high });
      owners.set(`${topic}:${task.partition}`, { task, store });
    }
  }
  const total = recordsIn(ranges);
  let restored = 0;
  await kafka.readPartitions(
    ranges,
    (records: KafkaRecord[]) => {
      const { topic, partition } = records[0];
      const owner = owners.get(`${topic}:${partition}`);
      if (!owner) return;
      const entries = new Map<string, Buffer | null>();
      for (const record of records) entries.set(record.key?.toString('utf8') ?? '', record.value);
      const writes: StoreWrites = new Map([[owner.store, entries]]);
      const next = BigInt(records[records.length - 1].offset) + 1n;
      owner.task.storage.commit(writes, new Map([[`${topic}:${partition}`, next]]));
      restored += records.length;
      onProgress({ restored, total });
    },
    { fetchBytes: RESTORE_FETCH_BYTES },
  );
  // The end is the checkpoint even when the records just below it were compacted away.
  for (const range of ranges) {
    const owner = owners.get(`${range.topic}:${range.partition}`);
    owner?.task.storage.commit(
      new Map(),
      new Map([[`${range.topic}:${range.partition}`, range.to]]),
    );
  }
  return restored;
}
