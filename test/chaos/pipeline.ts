// The whole pipeline of one chaos or soak run on the local stack: topics, index names, the
// MongoDB database and consumer groups private to the run; the fake GMC; every processor as
// a supervised `reval run` child; a synthetic population produced as Debezium CDC events.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROUTED_SOURCES, STAGES, repartitionTopic } from '../../processors/connections/topology';
import { elasticsearchConfig, kafkaConfig, registryConfig } from '../../processors/platform/config';
import {
  DEFAULT_TOPICS,
  topicVariable,
  topicsOf,
  type TopicName,
  type Topics,
} from '../../processors/platform/topics';
import { KafkaClient, type MessageProducer } from '../../processors/platform/kafka';
import { createLogger } from '../../processors/platform/logger';
import { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import { viewNames } from '../../processors/es-sink/views';
import { removeLeftovers } from '../support/leftovers';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';
import { DebeziumEvents } from '../../dev/debezium';
import { DESIGNATED_BODIES, generatePopulation, type Population } from '../../dev/population';
import { tisSnapshotEvents } from '../../dev/population/events';
import { Supervised } from './processes';
import { CLI, type Endpoints } from './stack-control';

export interface PipelineOptions {
  runId: string;
  workDir: string;
  endpoints: Endpoints;
  doctorsPerBody: number;
  seed: number;
  today: string;
  /** Partitions of every input topic and of the connections app. */
  partitions: number;
  basePort: number;
  say: (line: string) => void;
}

export interface Groups {
  connections: string;
  esSink: string;
  doctorsSync: string;
}

export class Pipeline {
  readonly env: NodeJS.ProcessEnv;
  readonly topics: Topics;
  readonly groups: Groups;
  readonly kafka: KafkaClient;
  readonly codecs: SchemaRegistryCodecs;
  readonly events: DebeziumEvents;
  readonly population: Population;
  readonly processes = new Map<string, Supervised>();
  private fakeGmc?: ChildProcess;
  private producerPromise?: Promise<MessageProducer>;

  constructor(readonly options: PipelineOptions) {
    const { runId, endpoints } = options;
    const prefix = `chaos-${runId}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...endpoints,
      MONGODB_DATABASE: `chaos_${runId}`,
      ES_INDEX_PREFIX: `${prefix}-`,
      CONNECTIONS_GROUP_ID: `${prefix}-connections`,
      CONNECTIONS_PARTITIONS: String(options.partitions),
      ES_SINK_GROUP_ID: `${prefix}-es-sink`,
      DOCTORS_SYNC_GROUP_ID: `${prefix}-doctors-sync`,
      GMC_SYNC_TRANSACTIONAL_ID: `${prefix}-gmc-sync`,
      GMC_USERNAME: 'chaos',
      GMC_PASSWORD: 'chaos',
      GMC_DESIGNATED_BODIES: DESIGNATED_BODIES.join(','),
      GMC_TIMEOUT_MS: '10000',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      LOG_FILE: '',
    };
    delete env.LOG_FILE;
    for (const name of Object.keys(DEFAULT_TOPICS) as TopicName[]) {
      env[topicVariable(name)] = `${prefix}.${DEFAULT_TOPICS[name]}`;
    }
    this.env = env;
    this.topics = topicsOf(env);
    this.groups = {
      connections: env.CONNECTIONS_GROUP_ID as string,
      esSink: env.ES_SINK_GROUP_ID as string,
      doctorsSync: env.DOCTORS_SYNC_GROUP_ID as string,
    };
    const logger = createLogger('chaos');
    logger.level = 'silent';
    this.kafka = new KafkaClient(kafkaConfig(env), logger);
    this.codecs = new SchemaRegistryCodecs(registryConfig(env), this.topics);
    const t = this.topics;
    this.events = new DebeziumEvents({
      topics: {
        ContactDetails: t.contactDetails,
        GmcDetails: t.gmcDetails,
        Person: t.person,
        ProgrammeMembership: t.programmeMembership,
        CurriculumMembership: t.curriculumMembership,
        Programme: t.programme,
        Placement: t.placement,
        doctorsForDB: t.doctorsForDB,
        exceptionLogs: t.exceptionLogs,
        connectionLogs: t.connectionLogs,
        hiddenDiscrepancy: t.hiddenDiscrepancy,
        recommendation: t.recommendation,
      },
      registrar: this.codecs,
    });
    this.population = generatePopulation({
      doctorsPerBody: options.doctorsPerBody,
      today: options.today,
      seed: options.seed,
    });
  }

  /** What each group reads, for "caught up". */
  watched(): { group: string; topics: string[] }[] {
    const t = this.topics;
    return [
      {
        group: this.groups.connections,
        topics: [
          ...ROUTED_SOURCES.map((source) => t[source]),
          ...Object.values(STAGES).map((stage) => repartitionTopic(this.groups.connections, stage)),
        ],
      },
      { group: this.groups.esSink, topics: [t.connections] },
      { group: this.groups.doctorsSync, topics: [t.gmcDoctors] },
    ];
  }

  /** The sum of gmc.doctors' end offsets (they move as a transaction writes, before its commit). */
  async gmcDoctorsEnd(): Promise<bigint> {
    let total = 0n;
    for (const { high } of (await this.kafka.endOffsets(this.topics.gmcDoctors)).values()) {
      total += BigInt(high);
    }
    return total;
  }

  producer(): Promise<MessageProducer> {
    this.producerPromise ??= this.kafka.createProducer();
    return this.producerPromise;
  }

  /** Every input topic, with the run's partitions (the CDC topics compacted, as Debezium's). */
  async createTopics(): Promise<void> {
    await this.kafka.ensureTopics(
      (Object.keys(DEFAULT_TOPICS) as TopicName[]).map((name) => ({
        topic: this.topics[name],
        compacted: name !== 'dlq' && name !== 'gmcSyncRuns',
        partitions: name === 'dlq' || name === 'gmcSyncRuns' ? 1 : this.options.partitions,
      })),
    );
  }

  async startFakeGmc(): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'fake-gmc',
        '--port',
        '0',
        '--doctors-per-body',
        String(this.options.doctorsPerBody),
        '--seed',
        '1',
      ],
      { env: { ...this.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    this.fakeGmc = child;
    for await (const line of createInterface({ input: child.stdout })) {
      const match = /^export GMC_URL=(\S+)/.exec(line);
      if (match) {
        this.env.GMC_URL = match[1];
        child.stdout.resume();
        return;
      }
    }
    throw new Error('the fake GMC did not start');
  }

  /** Sends one command to the fake GMC's control API. */
  async gmcControl(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(new URL('/fake-gmc/control', this.env.GMC_URL), {
      method: 'POST',
      body: JSON.stringify(command),
    });
    if (!response.ok) throw new Error(`fake GMC control: ${await response.text()}`);
    return (await response.json().catch(() => ({}))) as Record<string, unknown>;
  }

  /** The TCS snapshot of the population, as Debezium's initial snapshot would send it. */
  async produceSnapshot(): Promise<number> {
    const messages = await tisSnapshotEvents(this.population, this.events);
    const producer = await this.producer();
    const byTopic = new Map<string, typeof messages>();
    for (const message of messages) {
      if (!byTopic.has(message.topic)) byTopic.set(message.topic, []);
      byTopic.get(message.topic)?.push(message);
    }
    for (const [topic, batch] of byTopic) {
      await producer.send(
        topic,
        batch.map(({ key, value }) => ({ key, value })),
      );
    }
    return messages.length;
  }

  private port = 0;
  /** A supervised `reval run <processor>` (not started). */
  define(name: string, processor: string, extraEnv: NodeJS.ProcessEnv = {}): Supervised {
    const metricsPort = this.options.basePort + this.port++;
    const process = new Supervised(
      {
        name,
        args: ['run', processor],
        env: {
          ...this.env,
          REVAL_STATE_DIR: join(this.options.workDir, 'state', name),
          ...extraEnv,
        },
        metricsPort,
      },
      join(this.options.workDir, 'logs'),
      this.options.say,
    );
    this.processes.set(name, process);
    return process;
  }

  get(name: string): Supervised {
    const process = this.processes.get(name);
    if (!process) throw new Error(`no process ${name}`);
    return process;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
    this.fakeGmc?.kill('SIGTERM');
    if (this.producerPromise) await (await this.producerPromise).disconnect().catch(() => {});
    await this.kafka.disconnect().catch(() => {});
  }

  /** Deletes the run's topics, groups, subjects, indices, database and state folders. */
  async removeData(): Promise<void> {
    const es = new ElasticsearchClient(elasticsearchConfig(this.env), createLogger('chaos'));
    try {
      await removeLeftovers({
        brokers: kafkaConfig(this.env).brokers,
        prefix: `chaos-${this.options.runId}`,
        codecs: this.codecs,
        es,
        views: viewNames(this.env.ES_INDEX_PREFIX),
        stateDirs: [join(this.options.workDir, 'state')],
      });
    } finally {
      await es.close();
    }
    const { MongoClient } = await import('mongodb');
    const mongo = new MongoClient(this.env.MONGODB_URI as string);
    try {
      await mongo.db(this.env.MONGODB_DATABASE).dropDatabase();
    } finally {
      await mongo.close();
    }
    rmSync(join(this.options.workDir, 'state'), { recursive: true, force: true });
  }
}
