// Shared plumbing for tests and benchmarks that drive the stream on real Kafka: topic names
// private to one run, producing Debezium/GMC messages, and reading reval.connections back
// the way Elasticsearch would keep it (the highest version per doctor).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ConnectionRecord } from '../../processors/connections/connection-record';
import { VERSION_HEADER } from '../../processors/connections/connection-record';
import { connectionsBehind } from '../../processors/cli/views-caught-up';
import { kafkaConfig, registryConfig, type Env } from '../../processors/platform/config';
import {
  DEFAULT_TOPICS,
  topicVariable,
  topicsOf as topics,
  topicSpecs,
  TOPIC_NAMES,
  type TopicName,
  type Topics,
} from '../../processors/platform/topics';
import {
  KafkaClient,
  type KafkaRecord,
  type OutgoingMessage,
} from '../../processors/platform/kafka';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';
import { DebeziumEvents, type DebeziumMessage } from '../../dev/debezium';
import { removeLeftovers } from './leftovers';

export interface StreamHarness {
  env: Env;
  topics: Topics;
  kafka: KafkaClient;
  codecs: SchemaRegistryCodecs;
  events: DebeziumEvents;
  produce(messages: DebeziumMessage[] | (OutgoingMessage & { topic: string })[]): Promise<void>;
  latestConnections(): Promise<Map<string, { version: number; value: ConnectionRecord | null }>>;
  readAll(topic: string): Promise<KafkaRecord[]>;
  close(): Promise<void>;
}

/**
 * An environment whose every topic name carries a fresh prefix, so runs never collide. The
 * harness's close removes everything named with it, so runs do not pile up in the local Kafka
 * (thousands of leftover partitions once made its start take minutes).
 */
export function privateTopicsEnv(
  prefix = `t${randomUUID().slice(0, 8)}`,
  base: Env = process.env,
): Env {
  // Local state stores of the test's processors, apart from any other test's.
  const env: Env = { ...base, REVAL_STATE_DIR: join(tmpdir(), 'reval-test-state', prefix) };
  for (const name of Object.keys(DEFAULT_TOPICS) as TopicName[]) {
    env[topicVariable(name)] = `${prefix}.${DEFAULT_TOPICS[name]}`;
  }
  return env;
}

/**
 * The environment of a whole-pipeline test: private topics (`privateTopicsEnv`), and an index
 * prefix and consumer groups of its own, all named `<stem><random>`.
 */
export function privatePipelineEnv(stem: string): Env {
  const prefix = `${stem}${Math.random().toString(36).slice(2, 8)}`;
  return {
    ...privateTopicsEnv(prefix),
    ES_INDEX_PREFIX: `${prefix}-`,
    ES_SINK_GROUP_ID: `${prefix}-es-sink`,
    CONNECTIONS_GROUP_ID: `${prefix}-connections`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
}

/** The prefix `privateTopicsEnv` gave this environment's topics, if it came from there. */
function privatePrefixOf(env: Env): string | undefined {
  const suffix = `.${DEFAULT_TOPICS.connections}`;
  const connections = topics(env).connections;
  return connections.endsWith(suffix) ? connections.slice(0, -suffix.length) : undefined;
}

export async function createStreamHarness(env: Env = privateTopicsEnv()): Promise<StreamHarness> {
  const topicNames = topics(env);
  const kafka = new KafkaClient(kafkaConfig(env));
  const codecs = new SchemaRegistryCodecs(registryConfig(env), topicNames);
  const events = new DebeziumEvents({
    topics: {
      ContactDetails: topicNames.contactDetails,
      GmcDetails: topicNames.gmcDetails,
      Person: topicNames.person,
      ProgrammeMembership: topicNames.programmeMembership,
      CurriculumMembership: topicNames.curriculumMembership,
      Programme: topicNames.programme,
      Placement: topicNames.placement,
      doctorsForDB: topicNames.doctorsForDB,
      exceptionLogs: topicNames.exceptionLogs,
      connectionLogs: topicNames.connectionLogs,
      hiddenDiscrepancy: topicNames.hiddenDiscrepancy,
      recommendation: topicNames.recommendation,
    },
    registrar: codecs,
  });
  // As the processors create them (the topic catalogue), with reval.connections in 3 partitions.
  await kafka.ensureTopics(topicSpecs(topicNames, TOPIC_NAMES, 3));
  const producer = await kafka.createProducer();

  const readAll = async (topic: string) => {
    const records: KafkaRecord[] = [];
    await kafka.readToEnd([topic], (batch) => {
      records.push(...batch);
    });
    return records;
  };

  return {
    env,
    topics: topicNames,
    kafka,
    codecs,
    events,
    produce: async (messages) => {
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const { topic, ...message } of messages) {
        if (!byTopic.has(topic)) byTopic.set(topic, []);
        byTopic.get(topic)?.push(message as OutgoingMessage);
      }
      for (const [topic, batch] of byTopic) await producer.send(topic, batch);
    },
    readAll,
    latestConnections: async () => {
      const latest = new Map<string, { version: number; value: ConnectionRecord | null }>();
      for (const record of await readAll(topicNames.connections)) {
        const key = record.key?.toString() as string;
        const version = Number(record.headers[VERSION_HEADER]?.toString());
        const known = latest.get(key);
        if (known && known.version >= version) continue;
        const value = record.value
          ? ((await codecs.decode(record.value)) as ConnectionRecord)
          : null;
        latest.set(key, { version, value });
      }
      return latest;
    },
    close: async () => {
      await producer.disconnect();
      await kafka.disconnect();
      const prefix = privatePrefixOf(env);
      if (prefix) {
        const stateDirs = env.REVAL_STATE_DIR ? [env.REVAL_STATE_DIR] : [];
        await removeLeftovers({ brokers: kafkaConfig(env).brokers, prefix, codecs, stateDirs });
      }
    },
  };
}

/** Polls until `check` passes or the time is up; the last failure is the test's failure. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

type LatestConnections = Awaited<ReturnType<StreamHarness['latestConnections']>>;

/**
 * The latest records once `check` passes on them and the connections application `appId` has
 * committed every input to its end (its outputs are written before it commits). A test that
 * compares versions before and after a step needs this: the records can match what the rules
 * expect while rows that change no compared field (a name) are still flowing.
 */
export async function settledConnections(
  harness: StreamHarness,
  appId: string,
  check: (latest: LatestConnections) => void,
  timeoutMs = 60_000,
): Promise<LatestConnections> {
  return eventually(async () => {
    const behind = await connectionsBehind(harness.kafka, harness.topics, appId);
    if (behind.length > 0) throw new Error(`connections is behind: ${behind.join(', ')}`);
    const latest = await harness.latestConnections();
    check(latest);
    return latest;
  }, timeoutMs);
}

/** A clock tests move by hand, for processors that take an injectable clock. */
export interface ManualClock {
  now(): Date;
  set(iso: string): void;
}

export function manualClock(iso: string): ManualClock {
  let now = new Date(iso);
  return { now: () => now, set: (next) => (now = new Date(next)) };
}
