// The one topic catalogue: every topic the project reads or writes, with its key, its value,
// its cleanup policy and its partitions. Processors, the rebuild and the tests take their
// names and their create-specs from here, so whichever process starts first creates a topic
// the way every other would. The names can be moved by TOPIC_<NAME> (a prefix per test run,
// or an organisation's naming scheme); nothing else about a topic is configured elsewhere.
//
// Topics the stream runtime derives per application id (changelogs and repartitions,
// `<applicationId>-<store>-changelog`, `<applicationId>-<stage>-repartition`) are families,
// not entries: their specs come from `changelogSpec` and `repartitionSpec` below.
import { z } from 'zod';
import type { SchemaName } from '../../schemas/catalog';
import { ConfigError, retentionMs, type Env } from './config';

export type Cleanup = 'compact' | 'delete';

/** The Avro value schemas of the topics this project writes (files in `schemas/`). */
export type AvroValueSchema = SchemaName;

export interface TopicEntry {
  /** The default name; `TOPIC_<NAME>` overrides it. */
  readonly name: string;
  readonly key: string;
  /** The Avro schema of the value, or how a topic written by Debezium is encoded. */
  readonly value: AvroValueSchema | 'debezium-mongodb' | 'debezium-mysql';
  readonly cleanup: Cleanup;
  /**
   * Partitions when this project creates the topic; `connections` takes
   * CONNECTIONS_PARTITIONS (its unit of scaling). Debezium's topics get the broker's default
   * when Kafka Connect creates them first.
   */
  readonly partitions: number | 'CONNECTIONS_PARTITIONS';
  readonly writtenBy: string;
}

/** A Debezium topic: compacted (a tombstone follows every delete), keyed by the source's key. */
function cdc(value: 'debezium-mongodb' | 'debezium-mysql', name: string): TopicEntry {
  const mongo = value === 'debezium-mongodb';
  return {
    name,
    key: mongo ? 'the document _id (Debezium MongoDB key)' : 'the row primary key',
    value,
    cleanup: 'compact',
    partitions: 1,
    writtenBy: `the Debezium ${mongo ? 'MongoDB' : 'MySQL/MariaDB'} connector (connectors/)`,
  };
}
const mongoCdc = (collection: string) => cdc('debezium-mongodb', `tis.revalidation.${collection}`);
const tcsCdc = (table: string) => cdc('debezium-mysql', `tcs.tcs.${table}`);

export const TOPIC_CATALOGUE = {
  gmcDoctors: {
    name: 'gmc.doctors',
    key: 'GMC reference number',
    value: 'gmcDoctor',
    // The latest GMC state of every doctor survives forever.
    cleanup: 'compact',
    // Enough for several doctors-sync instances to share the work.
    partitions: 6,
    writtenBy: 'gmc-fetch (one Kafka transaction per sync run)',
  },
  gmcSyncRuns: {
    name: 'gmc.sync-runs',
    key: 'run id',
    value: 'gmcSyncRun',
    cleanup: 'delete',
    // One partition: runs are read in the order they happened.
    partitions: 1,
    writtenBy: 'gmc-fetch (in the run transaction)',
  },
  connections: {
    name: 'reval.connections',
    key: 'GMC reference number',
    value: 'connection',
    cleanup: 'compact',
    partitions: 'CONNECTIONS_PARTITIONS',
    writtenBy: 'connections',
  },
  connectionChanges: {
    name: 'reval.connection-changes',
    key: 'GMC reference number',
    value: 'connectionChange',
    // History, not state: kept by age (TOPIC_CONNECTION_CHANGES_RETENTION_MS, default 400 days).
    cleanup: 'delete',
    // Keyed and partitioned as reval.connections: a doctor's changes stay in order.
    partitions: 'CONNECTIONS_PARTITIONS',
    writtenBy: 'connections (through the same sinks, and commit, as reval.connections)',
  },
  dlq: {
    name: 'reval.dlq',
    key: 'the refused record key',
    value: 'deadLetter',
    cleanup: 'delete',
    partitions: 1,
    writtenBy: 'every processor',
  },
  doctorsForDB: mongoCdc('doctorsForDB'),
  exceptionLogs: mongoCdc('exceptionLogs'),
  connectionLogs: mongoCdc('connectionLogs'),
  hiddenDiscrepancy: mongoCdc('hiddenDiscrepancy'),
  recommendation: mongoCdc('recommendation'),
  contactDetails: tcsCdc('ContactDetails'),
  gmcDetails: tcsCdc('GmcDetails'),
  person: tcsCdc('Person'),
  programmeMembership: tcsCdc('ProgrammeMembership'),
  curriculumMembership: tcsCdc('CurriculumMembership'),
  programme: tcsCdc('Programme'),
  placement: tcsCdc('Placement'),
} as const satisfies Record<string, TopicEntry>;

export type TopicName = keyof typeof TOPIC_CATALOGUE;
/** The configured name of every topic. */
export type Topics = Record<TopicName, string>;

export const TOPIC_NAMES = Object.keys(TOPIC_CATALOGUE) as TopicName[];

/** The default names (docs/design.md), before any TOPIC_<NAME>. */
export const DEFAULT_TOPICS = Object.fromEntries(
  TOPIC_NAMES.map((name) => [name, TOPIC_CATALOGUE[name].name]),
) as { readonly [N in TopicName]: (typeof TOPIC_CATALOGUE)[N]['name'] };

/** TOPIC_GMC_DOCTORS, TOPIC_PROGRAMME_MEMBERSHIP, ... */
export function topicVariable(name: TopicName): string {
  return `TOPIC_${name.replace(/([A-Z])/g, '_$1').toUpperCase()}`;
}

const topicNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, { message: 'expected a Kafka topic name' });

/** Every topic's configured name; a malformed TOPIC_<NAME> fails naming the variable. */
export function topicsOf(env: Record<string, string | undefined> = process.env): Topics {
  const result = {} as Topics;
  for (const name of TOPIC_NAMES) {
    const variable = topicVariable(name);
    const configured = env[variable]?.trim();
    if (!configured) {
      result[name] = DEFAULT_TOPICS[name];
      continue;
    }
    const parsed = topicNameSchema.safeParse(configured);
    if (!parsed.success) {
      throw new ConfigError(
        `${variable}=${JSON.stringify(configured)} is invalid: ${parsed.error.issues[0]?.message}`,
      );
    }
    result[name] = parsed.data;
  }
  return result;
}

/**
 * Topics kept by age whose retention the operator sets: the variable, and the default. A bad
 * value fails at start naming the variable (config.ts `retentionMs`).
 */
export const TOPIC_RETENTIONS: Partial<Record<TopicName, { variable: string; defaultMs: number }>> =
  {
    // 400 days: more than a year of history, to answer "since when" across a revalidation year.
    connectionChanges: {
      variable: 'TOPIC_CONNECTION_CHANGES_RETENTION_MS',
      defaultMs: 400 * 24 * 60 * 60 * 1000,
    },
  };

/** How a topic is created when it does not exist yet. */
export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** Keyed state topics are compacted so the latest value per key survives forever. */
  compacted: boolean;
  config?: Record<string, string>;
}

/**
 * The create-specs of catalogue topics, under their configured names. `connections` needs
 * its partition count (CONNECTIONS_PARTITIONS), read by whoever asks for it.
 */
export function topicSpecs(
  topics: Topics,
  names: readonly TopicName[],
  connectionsPartitions?: number,
  env: Env = process.env,
): TopicSpec[] {
  return names.map((name): TopicSpec => {
    const entry: TopicEntry = TOPIC_CATALOGUE[name];
    let partitions = entry.partitions;
    if (partitions === 'CONNECTIONS_PARTITIONS') {
      if (connectionsPartitions === undefined) {
        throw new Error(`topicSpecs: ${name} needs the CONNECTIONS_PARTITIONS setting`);
      }
      partitions = connectionsPartitions;
    }
    const spec = { topic: topics[name], compacted: entry.cleanup === 'compact', partitions };
    const retention = TOPIC_RETENTIONS[name];
    if (!retention) return spec;
    const ms = retentionMs(env, retention.variable, retention.defaultMs);
    return { ...spec, config: { 'retention.ms': String(ms) } };
  });
}

/**
 * A store's changelog: compacted; small segments and a low dirty ratio let the log cleaner
 * compact it while the application runs, so a restore reads about one record per key.
 */
export function changelogSpec(topic: string, partitions: number): TopicSpec {
  return {
    topic,
    partitions,
    compacted: true,
    config: { 'segment.bytes': String(16 * 1024 * 1024), 'min.cleanable.dirty.ratio': '0.1' },
  };
}

/** A repartition topic: purged by the runtime once consumed (deleteRecords), never by age. */
export function repartitionSpec(topic: string, partitions: number): TopicSpec {
  return { topic, partitions, compacted: false, config: { 'retention.ms': '-1' } };
}
