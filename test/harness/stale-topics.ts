// Topics that earlier test runs on the local stack left behind, from before every harness
// removed its own on close (and from runs killed before their clean-up). Each is recognised by
// the shape of the private prefix the tests give their topics, and by the broker's partition
// directories not having changed for hours, so a run going on beside this one is left alone.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The private prefixes tests use: `t1a2b3c4d.…`, `e2eab12cd-…`, `it-1a2b3c4d-avro.…`. Not the
 * benchmark's `bench…`: a long benchmark may leave its inputs unwritten for most of an hour,
 * and it removes its own topics even when it fails.
 */
const TEST_TOPIC = /^(t[0-9a-f]{8}|e2e[0-9a-z]{6}|it-[0-9a-f]{8}-[a-z]+)[.-]/;
/** No test run leaves a topic unwritten for this long while it still needs it. */
const STALE_AFTER_MS = 60 * 60_000;
const DELETE_BATCH = 200;

/** When a record was last appended to a partition (or, with no segment yet, its creation). */
function lastWrite(partitionDir: string): number | undefined {
  try {
    const files = readdirSync(partitionDir).filter(
      (file) => file.endsWith('.log') || file === 'partition.metadata',
    );
    return Math.max(0, ...files.map((file) => statSync(join(partitionDir, file)).mtimeMs));
  } catch {
    return undefined;
  }
}

/** Partition directories are `<topic>-<partition>`; a topic is stale when all of its are. */
function staleTestTopics(dataDir: string, now: number): string[] {
  const newest = new Map<string, number>();
  let entries: string[];
  try {
    entries = readdirSync(dataDir);
  } catch {
    return [];
  }
  for (const entry of entries) {
    const match = /^(.+)-\d+$/.exec(entry);
    if (!match || !TEST_TOPIC.test(match[1])) continue;
    const changed = lastWrite(join(dataDir, entry));
    if (changed === undefined) continue; // deleted meanwhile
    newest.set(match[1], Math.max(newest.get(match[1]) ?? 0, changed));
  }
  return [...newest].filter(([, changed]) => now - changed > STALE_AFTER_MS).map(([t]) => t);
}

export async function removeStaleTopics(
  brokers: string,
  dataDir: string,
  say: (line: string) => void,
): Promise<void> {
  const stale = staleTestTopics(dataDir, Date.now());
  if (stale.length === 0) return;
  say(`  removing ${stale.length} topics that earlier test runs left in the local Kafka`);
  const admin = new Kafka({
    clientId: 'reval-test-sweep',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = stale.filter((topic) => existing.has(topic));
    for (let i = 0; i < doomed.length; i += DELETE_BATCH) {
      await admin.deleteTopics({ topics: doomed.slice(i, i + DELETE_BATCH), timeout: 60_000 });
    }
  } finally {
    await admin.disconnect();
  }
}
