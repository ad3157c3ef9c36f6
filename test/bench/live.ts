// `reval run connections` as the benchmark drives it: one or more instances of one
// application (app id), each with its own state directory and metrics port, writing to an
// output topic of the run's own. Caught up means: every reval_consumer_lag gauge is 0, the
// group has committed every input partition to its end, and the output holds every doctor.
// Ready (/readyz) means less: the assigned tasks are restored from their changelogs.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repartitionTopic, ROUTED_SOURCES, STAGES } from '../../processors/connections/topology';
import type { Env } from '../../processors/platform/config';
import type { Topics } from '../../processors/platform/topics';
import type { KafkaClient } from '../../processors/platform/kafka';
import { spawnReval, waitForOk, type RevalChild } from './child';
import { OutputFollower } from './output';

export interface LiveApp {
  appId: string;
  /** Where it writes reval.connections: a topic of its own, to count and compare. */
  output: string;
  partitions: number;
  /** What its consumer group reads: the routed CDC and GMC topics, then its repartition topics. */
  inputs: string[];
}

export function liveApp(
  topics: Topics,
  appId: string,
  output: string,
  partitions: number,
): LiveApp {
  return {
    appId,
    output,
    partitions,
    inputs: [
      ...ROUTED_SOURCES.map((source) => topics[source]),
      ...Object.values(STAGES).map((stage) => repartitionTopic(appId, stage)),
    ],
  };
}

/** Creates the app's output topic as the processor would, and follows it from the start. */
export async function followOutput(kafka: KafkaClient, app: LiveApp): Promise<OutputFollower> {
  await kafka.ensureTopics([{ topic: app.output, compacted: true, partitions: app.partitions }]);
  return OutputFollower.start(kafka, app.output);
}

export interface Instance {
  child: RevalChild;
  port: number;
  stateDir: string;
}

export function spawnConnections(
  base: Env,
  app: LiveApp,
  at: { stateDir: string; port: number },
  nodeArgs: string[],
): Instance {
  const env = {
    ...base,
    CONNECTIONS_GROUP_ID: app.appId,
    CONNECTIONS_PARTITIONS: String(app.partitions),
    TOPIC_CONNECTIONS: app.output,
    REVAL_STATE_DIR: at.stateDir,
    METRICS_PORT: String(at.port),
    // The restore and task lines are info.
    LOG_LEVEL: 'info',
  };
  return { child: spawnReval(['run', 'connections'], { env, nodeArgs }), ...at };
}

/** Seconds from spawn to /readyz 200. */
export async function secondsToReady(instance: Instance, timeoutMs = 60 * 60_000): Promise<number> {
  const url = `http://127.0.0.1:${instance.port}/readyz`;
  const readyAt = await waitForOk(url, instance.child, timeoutMs);
  return (readyAt - instance.child.spawnedAt) / 1000;
}

/** An application's reval_consumer_lag gauges in one process, by `topic:partition`. */
export async function lagGauges(port: number, appId: string): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  const gauges = new Map<string, number>();
  for (const [, labels, value] of text.matchAll(/^reval_consumer_lag\{([^}]*)\} (\S+)$/gm)) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1];
    if (label('processor') !== appId) continue;
    gauges.set(`${label('topic')}:${label('partition')}`, Number(value));
  }
  return gauges;
}

/** Input partitions whose committed offset is short of the end (all of them if unknown). */
async function uncommittedPartitions(kafka: KafkaClient, app: LiveApp): Promise<number> {
  try {
    const committed = await kafka.groupOffsets(app.appId, app.inputs);
    let behind = 0;
    for (const topic of app.inputs) {
      for (const [partition, { low, high }] of await kafka.endOffsets(topic)) {
        const at = BigInt(committed.get(`${topic}:${partition}`) ?? '-1');
        if (BigInt(high) > BigInt(low) && at < BigInt(high)) behind += 1;
      }
    }
    return behind;
  } catch {
    return Infinity;
  }
}

export interface CaughtUp {
  /** Seconds from the first instance's spawn. */
  seconds: number;
  /** Gauges still above 0 then: a partition's last owner keeps reporting it after a move. */
  staleGauges: string[];
}

export async function waitCaughtUp(
  kafka: KafkaClient,
  app: LiveApp,
  instances: Instance[],
  follower: OutputFollower,
  doctors: number,
  timeoutMs = 60 * 60_000,
): Promise<CaughtUp> {
  const spawnedAt = Math.min(...instances.map((i) => i.child.spawnedAt));
  let settled = false;
  const exits = instances.map(({ child }) =>
    child.exit.then(() => Promise.reject(new Error('a connections instance exited'))),
  );
  const poll = async (): Promise<CaughtUp> => {
    while (!settled) {
      if (performance.now() - spawnedAt > timeoutMs) {
        throw new Error(`connections not caught up in ${timeoutMs / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (follower.doctors() < doctors) continue;
      const gauges = await Promise.all(
        instances.map(({ port }) => lagGauges(port, app.appId).catch(() => null)),
      );
      if (gauges.includes(null)) continue;
      const nonZero = gauges.flatMap((g) =>
        [...(g ?? [])].filter(([, lag]) => lag > 0).map(([key]) => key),
      );
      // With several instances a gauge can outlive its partition's move: the commits decide.
      if (instances.length === 1 && nonZero.length > 0) continue;
      if ((await uncommittedPartitions(kafka, app)) > 0) continue;
      return { seconds: (performance.now() - spawnedAt) / 1000, staleGauges: nonZero };
    }
    throw new Error('abandoned');
  };
  try {
    return await Promise.race([poll(), ...exits]);
  } finally {
    settled = true;
  }
}

export interface Restored {
  /** Changelog records restored, from every 'tasks restored' line so far. */
  records: number;
  /** Each restore's own duration, as logged. */
  ms: number[];
}

export function restoredBy(child: RevalChild): Restored {
  const lines = child.logs.filter((line) => line.msg === 'tasks restored');
  return {
    records: lines.reduce((sum, line) => sum + Number(line.fields.records ?? 0), 0),
    ms: lines.map((line) => Number(line.fields.ms ?? NaN)),
  };
}

/** Entries of every local store the process holds, from its reval_state_store_entries gauges. */
export async function storeEntries(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  let total = 0;
  for (const [, value] of (await response.text()).matchAll(
    /^reval_state_store_entries\{[^}]*\} (\S+)$/gm,
  )) {
    total += Number(value);
  }
  return total;
}

export interface Memory {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

/** Where a process's resident memory is now, from prom-client's default metrics. */
export async function memoryOf(port: number): Promise<Memory> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  const mb = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  return {
    rssMb: mb('process_resident_memory_bytes'),
    heapUsedMb: mb('nodejs_heap_size_used_bytes'),
    heapTotalMb: mb('nodejs_heap_size_total_bytes'),
    externalMb: mb('nodejs_external_memory_bytes'),
  };
}

export interface MemoryWatch {
  /** The sample with the highest RSS while watched (undefined if /metrics never answered). */
  stop(): Promise<Memory | undefined>;
}

/**
 * Samples a process's memory every quarter second, keeping the sample with the highest RSS,
 * so that a peak can be split into V8 heap, external buffers and the rest.
 */
export function watchMemory(port: number): MemoryWatch {
  let peak: Memory | undefined;
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const now = await memoryOf(port).catch(() => undefined);
      if (now && !(now.rssMb <= (peak?.rssMb ?? -1))) peak = now;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    stop: async () => {
      watching = false;
      await loop;
      return peak;
    },
  };
}

/** Seconds from spawn to the first log line starting with `prefix`, if logged. */
export function loggedAt(child: RevalChild, prefix: string): number | null {
  const line = child.logs.find((l) => l.msg.startsWith(prefix));
  return line ? (line.at - child.spawnedAt) / 1000 : null;
}

/** Bytes of the files under `path` (0 when it does not exist). */
export function dirBytes(path: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += dirBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}
