// `reval rebuild --from-sources`, first half: recompute reval.connections from the CDC and
// GMC topics with fresh state. It runs the live topology from offset zero in this one
// process (processors/streams/local-runner.ts): stores on disk, so memory stays bounded, and
// repartitioned records handed from stage to stage without a round trip through Kafka. It
// derives nothing until the inputs are read; then it derives every doctor once and writes
// only what differs from what reval.connections holds (tombstones included).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../platform/config';
import {
  recordsIn,
  type KafkaClient,
  type KafkaRecord,
  type OutgoingMessage,
} from '../platform/kafka';
import { stateBackend } from '../streams/backend';
import { LocalRunner, type LocalOutput } from '../streams/local-runner';
import type { SubTopology } from '../streams/topology';
import { VERSION_HEADER } from './connection-record';
import { followProgrammes } from './programme-table';
import type { ProgrammeRow } from './sources';
import { reconcileDoctor, rememberWritten, type DoctorsSettings } from './tasks/doctors';
import { connectionsTopology, ROUTED_SOURCES, STAGES } from './topology';
import { openRuntime } from './runtime';
import { decodeInput } from './wiring';

export interface RecomputeReport {
  topic: string;
  inputRecords: number;
  undecodable: number;
  doctors: number;
  written: number;
  /** Change records written to reval.connection-changes. */
  changes: number;
}

export async function recomputeConnections(
  env: Env = process.env,
  now = new Date(),
): Promise<RecomputeReport> {
  // The live processor's dependencies; its dead-letter queue stays unused (see below).
  const { kafka, producer, codecs, topics, logger, settings, close } = await openRuntime({
    env,
    processor: 'recompute',
  });
  const stateDir = mkdtempSync(join(tmpdir(), 'reval-recompute-'));
  const touched = new Set<string>();
  const programmes = new Map<number, ProgrammeRow>();
  const doctors: DoctorsSettings = {
    designatedBodies: settings.designatedBodies,
    timeZone: settings.timeZone,
    programmes,
    defer: (gmc) => touched.add(gmc),
  };
  // The live processor dead-letters unreadable input; a recompute only counts it.
  let undecodable = 0;
  const outputs: LocalOutput[] = [];
  let runner: LocalRunner | undefined;
  try {
    const topology = connectionsTopology({
      applicationId: `${settings.applicationId}-recompute`,
      topics,
      partitions: settings.partitions,
      doctors,
      decodeSource: (source, record) => decodeInput(source, record, codecs),
      encodeConnection: (record) => codecs.encode('connection', record),
      encodeConnectionChange: (change) => codecs.encode('connectionChange', change),
    });
    const programmeTable = await followProgrammes(
      kafka,
      codecs,
      { send: async (failures) => void (undecodable += failures.length) },
      { topic: topics.programme, rows: programmes },
      async () => undefined,
    );
    await programmeTable.stop();
    const local = new LocalRunner(topology, {
      backend: stateBackend(),
      dirOf: (sub, partition) => join(stateDir, `${sub.name}-${partition}`),
      now: () => now,
      onOutput: (output) => outputs.push(output),
      onRefusal: () => void (undecodable += 1),
    });
    runner = local;

    // What reval.connections holds, so that only differences are written.
    await kafka.readToEnd([topics.connections], async (records) => {
      const held: { key: string; version: number; value: unknown }[] = [];
      for (const record of records) {
        const key = record.key?.toString('utf8');
        if (!key) continue;
        const value = record.value ? await codecs.decode(record.value) : null;
        held.push({ key, version: Number(record.headers[VERSION_HEADER] ?? 0), value });
      }
      for (const { key, version, value } of held) {
        local.punctuateByKey(STAGES.doctors, [key], (gmc, context) =>
          rememberWritten(gmc, version, value as never, context),
        );
        touched.add(key);
      }
      local.commit();
    });

    // Every input from offset zero, through the topology.
    const readers = new Map(topology.subTopologies.map((sub) => [sub.source, sub]));
    const sourceTopics = ROUTED_SOURCES.map((source) => topics[source]);
    const total = await inputRecordCount(kafka, sourceTopics);
    let inputRecords = 0;
    let sinceCommit = 0;
    let lastLog = Date.now();
    await kafka.readToEnd(sourceTopics, async (records: KafkaRecord[]) => {
      const sub = readers.get(records[0].topic) as SubTopology<never>;
      for (const record of records) {
        const input = await sub.deserialize(record);
        if (!input.ok) undecodable += 1;
        else {
          local.pipe(
            record.topic,
            record.key?.toString('utf8') ?? '',
            input.value,
            record.partition,
          );
        }
      }
      inputRecords += records.length;
      sinceCommit += records.length;
      // The write cache holds what was written since the last commit: the bigger the step,
      // the more of a doctor's rows are merged before their state is encoded and stored.
      if (sinceCommit >= 5_000) {
        local.commit();
        sinceCommit = 0;
      }
      if (Date.now() - lastLog > 2_000) {
        lastLog = Date.now();
        logger.info({ inputRecords, total }, `replayed ${inputRecords} of ${total} input records`);
      }
    });
    local.commit();

    // Every doctor named by an input or by reval.connections, derived once.
    let written = 0;
    let changes = 0;
    const keys = [...touched];
    for (let i = 0; i < keys.length; i += 2_000) {
      // A status the recompute changes is recorded as caused by it (RESTORE): the replay
      // keeps no input as the cause of a derivation.
      local.punctuateByKey(STAGES.doctors, keys.slice(i, i + 2_000), (gmc, context) =>
        reconcileDoctor(gmc, context, { ...doctors, defer: undefined }, undefined, 'RESTORE'),
      );
      local.commit();
      const messages = new Map<string, OutgoingMessage[]>();
      for (const { sink, key, value, partition } of outputs.splice(0)) {
        const list = messages.get(sink.topic) ?? [];
        list.push({
          key,
          partition,
          value: value === null ? null : await sink.serialize(value as never),
          headers: value === null ? undefined : sink.headers?.(value as never),
        });
        messages.set(sink.topic, list);
      }
      // The records first: a change record never names a version reval.connections lacks.
      const records = messages.get(topics.connections) ?? [];
      await producer.send(topics.connections, records);
      written += records.length;
      const changeRecords = messages.get(topics.connectionChanges) ?? [];
      if (changeRecords.length > 0) await producer.send(topics.connectionChanges, changeRecords);
      changes += changeRecords.length;
    }
    const report = {
      topic: topics.connections,
      inputRecords,
      undecodable,
      doctors: touched.size,
      written,
      changes,
    };
    logger.info(report, 'recomputed reval.connections from the sources');
    return report;
  } finally {
    runner?.close();
    await close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function inputRecordCount(kafka: KafkaClient, topicNames: string[]): Promise<number> {
  return recordsIn(await kafka.captureEnds(topicNames));
}
