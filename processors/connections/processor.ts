// The connections processor at run time: the topology of ./topology.ts on Kafka, with its
// state in local stores backed by changelogs (processors/streams), the Programme global table,
// and the midnight re-evaluation.
//
//   raw CDC + gmc.doctors ─► source tables ─► memberships ─► persons ─► doctors ─► reval.connections
//   tcs.tcs.Programme ─► global table (every instance) ─► re-derive the programme's doctors
//   clock: a new date ─► re-derive the doctors whose next re-evaluation date has come
//   anything unreadable ─► reval.dlq
import {
  connectionsConfig,
  kafkaConfig,
  registryConfig,
  timeZone,
  topics as topicNames,
  type Env,
} from '../platform/config';
import { DeadLetterQueue } from '../platform/dead-letters';
import { loadDesignatedBodies } from '../platform/designated-bodies';
import { KafkaClient } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { countInvalidGmcNumber } from '../platform/metrics';
import { SchemaRegistryCodecs } from '../platform/registry';
import { todayIn } from '../rules/dates';
import { StreamsRuntime } from '../streams/kafka-runtime';
import { stateBackend, CHANGELOG_CONFIG } from '../streams/backend';
import { followProgrammes } from './programme-table';
import type { ProgrammeRow } from './sources';
import { reconcileProgramme, reevaluateDue, type DoctorsSettings } from './tasks/doctors';
import { connectionsTopology, STAGES } from './topology';
import { decodeInput, ensureConnectionsTopics, gmcNumberProblemOf } from './wiring';

export interface Clock {
  now(): Date;
}

export interface ConnectionsOptions {
  env?: Env;
  clock?: Clock;
  /** How often the date is checked for the midnight re-evaluation. */
  reevaluationCheckMs?: number;
  groupId?: string;
  partitions?: number;
}

export interface RunningConnections {
  isReady(): boolean;
  /** Re-derives every doctor whose next re-evaluation date has come (what midnight does). */
  reevaluateDue(): Promise<void>;
  /** Local store sizes of the tasks this instance owns. */
  storeSizes(): ReturnType<StreamsRuntime['storeSizes']>;
  /** Since start: changelog records restored, and input records processed by topic. */
  stateReport(): { restoredRecords: number; consumed: Record<string, number> };
  stop(): Promise<void>;
}

const PROCESSOR = 'connections';

export async function startConnections(
  options: ConnectionsOptions = {},
): Promise<RunningConnections> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? { now: () => new Date() };
  const logger = createLogger(PROCESSOR);
  const topics = topicNames(env);
  const zone = timeZone(env);
  const settings = connectionsConfig(env);
  const applicationId = options.groupId ?? settings.groupId;
  const kafka = new KafkaClient(kafkaConfig(env), logger);
  const codecs = new SchemaRegistryCodecs(registryConfig(env), topics);

  await ensureConnectionsTopics(kafka, topics, options.partitions ?? settings.partitions);
  await codecs.register('connection');
  const partitions = await kafka.partitionCount(topics.connections);
  const producer = await kafka.createProducer();
  const deadLetters = new DeadLetterQueue(producer, codecs, topics.dlq, PROCESSOR, logger, kafka);
  const programmes = new Map<number, ProgrammeRow>();
  const doctors: DoctorsSettings = {
    designatedBodies: loadDesignatedBodies(env),
    timeZone: zone,
    programmes,
  };
  const topology = connectionsTopology({
    applicationId,
    topics,
    partitions,
    doctors,
    decodeSource: async (source, record) => {
      const decoded = await decodeInput(source, record, codecs);
      countInvalidGmcNumber(PROCESSOR, record.topic, gmcNumberProblemOf(decoded));
      return decoded;
    },
    encodeConnection: (record) => codecs.encode('connection', record),
  });
  const runtime = new StreamsRuntime({
    kafka,
    producer,
    deadLetters,
    topology,
    backend: stateBackend(),
    stateDir: settings.stateDir,
    logger,
    now: () => clock.now(),
    changelogConfig: CHANGELOG_CONFIG,
    // An edit made while a task was stopped or elsewhere is caught when the task starts.
    afterRestore: (sub, context) => {
      if (sub.name !== STAGES.doctors) return;
      for (const id of programmes.keys()) reconcileProgramme(id, context, doctors);
    },
  });

  // The global table first, so that no doctor is derived without its programme.
  const programmeTable = await followProgrammes(
    kafka,
    codecs,
    deadLetters,
    { topic: topics.programme, rows: programmes },
    (id) =>
      runtime.punctuate(STAGES.doctors, (context) => reconcileProgramme(id, context, doctors)),
  );
  await runtime.start();

  // Midnight: the date is checked, not scheduled, so a sleeping laptop or DST shift is harmless.
  const today = () => todayIn(clock.now(), zone);
  let lastToday = today();
  const reevaluate = () =>
    runtime.punctuate(STAGES.doctors, (context) => {
      const due = reevaluateDue(context, doctors);
      if (due > 0)
        logger.info(
          { partition: context.partition, due },
          're-evaluated doctors whose date has come',
        );
    });
  const timer = setInterval(() => {
    const current = today();
    if (current === lastToday) return;
    // The date is only taken as done once its re-evaluation is written; a failure retries.
    void reevaluate()
      .then(() => (lastToday = current))
      .catch((error: unknown) => logger.error({ err: error }, 're-evaluation failed'));
  }, options.reevaluationCheckMs ?? 30_000);
  timer.unref();

  logger.info(
    { applicationId, partitions, stateDir: settings.stateDir },
    'connections processor started',
  );
  return {
    isReady: () => runtime.isReady(),
    reevaluateDue: reevaluate,
    storeSizes: () => runtime.storeSizes(),
    stateReport: () => ({
      restoredRecords: runtime.restored,
      consumed: Object.fromEntries(runtime.consumed),
    }),
    stop: async () => {
      clearInterval(timer);
      await programmeTable.stop();
      await runtime.stop();
      await producer.disconnect();
      await kafka.disconnect();
    },
  };
}
