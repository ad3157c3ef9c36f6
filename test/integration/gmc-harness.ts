// A private world for one GMC integration test: a fake GMC, topics and a database of its
// own on the real services, so tests neither see nor fence each other.
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import {
  kafkaConfig,
  mongoConfig,
  registryConfig,
  type Env,
} from '../../processors/platform/config';
import { topicsOf as topicNames, type Topics } from '../../processors/platform/topics';
import { GmcClient } from '../../processors/platform/gmc-soap';
import { FakeGmc, type FakeGmcOptions } from '../../dev/fake-gmc';
import { capturingLogger } from '../../processors/platform/gmc-soap/test-support';
import { KafkaClient } from '../../processors/platform/kafka';
import { connectMongo, type MongoConnection } from '../../processors/platform/mongodb';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';
import type { GmcDoctorState } from '../../processors/gmc-fetch/gmc-doctors';
import type { GmcSyncRunReport } from '../../processors/gmc-fetch/report';
import {
  runGmcSync,
  type GmcSyncOptions,
  type GmcSyncResult,
} from '../../processors/gmc-fetch/sync';
import { DOCTORS_FOR_DB_COLLECTION } from '../../processors/doctors-sync/apply';
import type { DoctorsForDbDocument } from '../../processors/doctors-sync/doctors-for-db-document';

export const USERNAME = 'reval-it-user';
export const PASSWORD = 'it-Pa55word!';

export interface PublishedState {
  partition: number;
  offset: string;
  state: GmcDoctorState;
}

export interface GmcWorld {
  id: string;
  env: Env;
  fake: FakeGmc;
  bodies: string[];
  kafka: KafkaClient;
  codecs: SchemaRegistryCodecs;
  topics: Topics;
  sync(
    options?: Partial<GmcSyncOptions> & { password?: string; retries?: number },
  ): Promise<GmcSyncResult>;
  /** What a read-committed consumer of gmc.doctors sees, in offset order per partition. */
  published(): Promise<PublishedState[]>;
  runs(): Promise<GmcSyncRunReport[]>;
  /**
   * Waits until the last run's transaction markers are written: a commit returns before
   * they are, and until then a read-committed reader does not see the run yet.
   */
  settle(): Promise<void>;
  doctorsForDb(): Promise<Collection<DoctorsForDbDocument>>;
  close(): Promise<void>;
}

export async function gmcWorld(
  options: FakeGmcOptions & { designatedBodies: string[] },
): Promise<GmcWorld> {
  const id = randomUUID().slice(0, 8);
  const fake = await FakeGmc.start({ username: USERNAME, password: PASSWORD, ...options });
  const env: Env = {
    ...process.env,
    TOPIC_GMC_DOCTORS: `it-${id}.gmc.doctors`,
    TOPIC_GMC_SYNC_RUNS: `it-${id}.gmc.sync-runs`,
    TOPIC_DLQ: `it-${id}.reval.dlq`,
    MONGODB_DATABASE: `it_gmc_${id}`,
    GMC_URL: fake.url,
    GMC_USERNAME: USERNAME,
    GMC_PASSWORD: PASSWORD,
    GMC_DESIGNATED_BODIES: options.designatedBodies.join(','),
    GMC_RETRIES: '2',
    GMC_TIMEOUT_MS: '5000',
    GMC_SYNC_TRANSACTIONAL_ID: `it-${id}-gmc-sync`,
  };
  const topics = topicNames(env);
  const kafka = new KafkaClient(kafkaConfig(env), capturingLogger().logger);
  const codecs = new SchemaRegistryCodecs(registryConfig(env), topics);
  let mongo: MongoConnection | undefined;
  const transactionalId = env.GMC_SYNC_TRANSACTIONAL_ID!;
  // Registering the id again waits for the previous transaction to complete, markers included.
  const settle = async () => {
    const producer = await kafka.createTransactionalProducer(transactionalId);
    await producer.transaction(async () => undefined);
    await producer.disconnect();
  };

  const readAll = async (topic: string) => {
    const records: { partition: number; offset: string; value: unknown }[] = [];
    const existing = await kafka.endOffsets(topic).catch(() => new Map());
    if (existing.size === 0) return records;
    await kafka.readToEnd(
      [topic],
      async (batch) => {
        for (const r of batch) {
          records.push({
            partition: r.partition,
            offset: r.offset,
            value: r.value && (await codecs.decode(r.value)),
          });
        }
      },
      { readCommitted: true },
    );
    return records;
  };

  return {
    id,
    env,
    fake,
    bodies: options.designatedBodies,
    kafka,
    codecs,
    topics,
    sync: async (overrides = {}) => {
      const result = await runGmcSync(
        {
          kafka,
          codecs,
          topics,
          gmc: new GmcClient({
            url: fake.url,
            username: USERNAME,
            password: overrides.password ?? PASSWORD,
            timeoutMs: 5_000,
            retries: overrides.retries ?? 2,
            backoffBaseMs: 20,
            logger: capturingLogger().logger,
          }),
          logger: capturingLogger().logger,
        },
        {
          designatedBodies: options.designatedBodies,
          concurrency: 4,
          maxDisconnectRatio: 0.5,
          transactionalId,
          ...overrides,
        },
      );
      if (!overrides.dryRun) await settle();
      return result;
    },
    settle,
    published: async () =>
      (await readAll(topics.gmcDoctors)).map((r) => ({
        partition: r.partition,
        offset: r.offset,
        state: r.value as GmcDoctorState,
      })),
    runs: async () => (await readAll(topics.gmcSyncRuns)).map((r) => r.value as GmcSyncRunReport),
    doctorsForDb: async () => {
      mongo ??= await connectMongo(mongoConfig(env));
      return mongo.db.collection<DoctorsForDbDocument>(DOCTORS_FOR_DB_COLLECTION);
    },
    close: async () => {
      await fake.stop();
      await kafka
        .deleteTopics([topics.gmcDoctors, topics.gmcSyncRuns, topics.dlq])
        .catch(() => undefined);
      await kafka.disconnect();
      if (mongo) {
        await mongo.db.dropDatabase();
        await mongo.close();
      }
    },
  };
}

/** Polls until `check` returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
