// `reval rebuild --from-sources`, first half: recompute reval.connections from the CDC and
// GMC topics with fresh state. It runs the live topology from offset zero under its own
// application id, with stores on disk (so memory stays bounded), deriving nothing until the
// inputs are drained; then it derives every doctor once and writes only what differs from
// what reval.connections holds (tombstones included). Its topics, group and files are removed
// afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  connectionsConfig,
  kafkaConfig,
  registryConfig,
  timeZone,
  topics as topicNames,
  type Env,
} from '../platform/config';
import { loadDesignatedBodies } from '../platform/designated-bodies';
import { KafkaClient, partitionForKey } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { SchemaRegistryCodecs } from '../platform/registry';
import { StreamsRuntime } from '../streams/kafka-runtime';
import { stateBackend } from '../streams/backend';
import { changelogTopic, type Topology } from '../streams/topology';
import { VERSION_HEADER } from './connection-record';
import { followProgrammes } from './programme-table';
import type { ProgrammeRow } from './sources';
import { reconcileDoctor, rememberWritten, type DoctorsSettings } from './tasks/doctors';
import { connectionsTopology, ROUTED_SOURCES, STAGES } from './topology';
import { decodeInput, ensureConnectionsTopics } from './wiring';

export interface RecomputeReport {
  topic: string;
  inputRecords: number;
  undecodable: number;
  doctors: number;
  written: number;
}

export async function recomputeConnections(
  env: Env = process.env,
  now = new Date(),
): Promise<RecomputeReport> {
  const logger = createLogger('recompute');
  const topics = topicNames(env);
  const settings = connectionsConfig(env);
  const kafka = new KafkaClient(kafkaConfig(env), logger);
  const codecs = new SchemaRegistryCodecs(registryConfig(env), topics);
  const applicationId = `${settings.groupId}-recompute-${randomUUID().slice(0, 8)}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'reval-recompute-'));
  const producer = await kafka.createProducer();
  // The live processor dead-letters unreadable input; a recompute only counts it.
  let undecodable = 0;
  const deadLetters = {
    send: async (failures: unknown[]) => {
      undecodable += failures.length;
    },
  };
  const touched = new Set<string>();
  const programmes = new Map<number, ProgrammeRow>();
  const doctors: DoctorsSettings = {
    designatedBodies: loadDesignatedBodies(env),
    timeZone: timeZone(env),
    programmes,
    defer: (gmc) => touched.add(gmc),
  };
  let runtime: StreamsRuntime | undefined;
  let topology: Topology | undefined;
  try {
    await ensureConnectionsTopics(kafka, topics, settings.partitions);
    await codecs.register('connection');
    const partitions = await kafka.partitionCount(topics.connections);
    topology = connectionsTopology({
      applicationId,
      topics,
      partitions,
      doctors,
      decodeSource: (source, record) => decodeInput(source, record, codecs),
      encodeConnection: (record) => codecs.encode('connection', record),
    });
    const programmeTable = await followProgrammes(
      kafka,
      codecs,
      deadLetters,
      { topic: topics.programme, groupId: `${applicationId}-programmes`, rows: programmes },
      async () => undefined,
    );
    await programmeTable.stop();
    runtime = new StreamsRuntime({
      kafka,
      producer,
      deadLetters,
      topology,
      backend: stateBackend(),
      stateDir,
      logger,
      now: () => now,
    });
    const sourceTopics = ROUTED_SOURCES.map((source) => topics[source]);
    const ends = await endsOf(kafka, sourceTopics);
    await runtime.start();
    await runtime.waitUntilReady();
    // What reval.connections holds now, so that only differences are written.
    let remembered = 0;
    await kafka.readToEnd([topics.connections], async (records) => {
      const byPartition = new Map<number, typeof records>();
      for (const record of records) {
        const key = record.key?.toString('utf8');
        if (!key) continue;
        const partition = partitionForKey(key, partitions);
        byPartition.set(partition, [...(byPartition.get(partition) ?? []), record]);
      }
      for (const [partition, held] of byPartition) {
        const decoded: { key: string; version: number; value: unknown }[] = [];
        for (const record of held) {
          const value = record.value ? await codecs.decode(record.value) : null;
          const version = Number(record.headers[VERSION_HEADER]?.toString() ?? 0);
          decoded.push({ key: record.key?.toString('utf8') ?? '', version, value });
        }
        await (runtime as StreamsRuntime).punctuateTask(STAGES.doctors, partition, (context) => {
          for (const { key, version, value } of decoded) {
            rememberWritten(key, version, value as never, context);
            touched.add(key);
          }
        });
        remembered += held.length;
      }
    });
    logger.info({ remembered }, 'read what reval.connections holds');
    const inputRecords = await waitUntilDrained(
      kafka,
      applicationId,
      ends,
      topology.internalTopics,
    );
    // Every doctor named by an input or by reval.connections is derived once, in key chunks.
    const keys = [...touched];
    const before = runtime.written;
    for (let i = 0; i < keys.length; i += 1_000) {
      const chunk = keys.slice(i, i + 1_000);
      await runtime.punctuateByKey(STAGES.doctors, chunk, (gmc, context) =>
        reconcileDoctor(gmc, context, { ...doctors, defer: undefined }),
      );
    }
    const report = {
      topic: topics.connections,
      inputRecords,
      undecodable,
      doctors: keys.length,
      written: runtime.written - before,
    };
    logger.info(report, 'recomputed reval.connections from the sources');
    return report;
  } finally {
    await runtime?.stop();
    await producer.disconnect();
    if (topology) await removeRecomputeTopics(kafka, topology).catch(() => undefined);
    await kafka.disconnect();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function endsOf(kafka: KafkaClient, topicNames: string[]): Promise<Map<string, bigint>> {
  const ends = new Map<string, bigint>();
  for (const topic of topicNames) {
    for (const [partition, { high }] of await kafka.endOffsets(topic)) {
      ends.set(`${topic}:${partition}`, BigInt(high));
    }
  }
  return ends;
}

/**
 * The replay is drained when the group has committed every raw input up to the ends it had
 * at the start, and every repartition topic up to its current end, twice in a row.
 */
async function waitUntilDrained(
  kafka: KafkaClient,
  groupId: string,
  ends: Map<string, bigint>,
  internalTopics: { topic: string }[],
): Promise<number> {
  const rawTopics = [...new Set([...ends.keys()].map((key) => key.slice(0, key.lastIndexOf(':'))))];
  let stable = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const committed = await kafka.groupOffsets(groupId, [
      ...rawTopics,
      ...internalTopics.map(({ topic }) => topic),
    ]);
    const internalEnds = await endsOf(
      kafka,
      internalTopics.map(({ topic }) => topic),
    );
    const behind = [...ends, ...internalEnds].some(([key, end]) => {
      const offset = BigInt(committed.get(key) ?? '-1');
      return end > 0n && offset < end;
    });
    stable = behind ? 0 : stable + 1;
    if (stable >= 2) {
      let total = 0n;
      for (const end of ends.values()) total += end;
      return Number(total);
    }
  }
}

/** The one-shot application's repartition and changelog topics, and its group. */
async function removeRecomputeTopics(kafka: KafkaClient, topology: Topology): Promise<void> {
  await kafka.deleteTopics([
    ...topology.internalTopics.map(({ topic }) => topic),
    ...topology.subTopologies.flatMap((sub) =>
      sub.stores.map((store) => changelogTopic(topology.applicationId, store)),
    ),
  ]);
  await kafka.deleteGroups([topology.applicationId]);
}
