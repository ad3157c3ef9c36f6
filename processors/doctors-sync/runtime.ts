// The doctors-sync processor's dependencies from the environment: every setting read and
// checked first, then Kafka, the registry and MongoDB connected, and its topics created as
// the catalogue says.
import { mongoConfig } from '../platform/config';
import { openDeadLetteringClients, withClients } from '../platform/clients';
import { connectMongo } from '../platform/mongodb';
import {
  launch,
  type OpenedRuntime,
  type RunningProcessor,
  type RuntimeOptions,
} from '../platform/running';
import { topicSpecs } from '../platform/topics';
import { DOCTORS_FOR_DB_COLLECTION } from './apply';
import type { DoctorsForDbDocument } from './doctors-for-db-document';
import { PROCESSOR, start, type DoctorsSyncDeps } from './processor';

export interface DoctorsSyncOptions extends RuntimeOptions {
  /** Overrides DOCTORS_SYNC_GROUP_ID. */
  groupId?: string;
}

export async function openRuntime(
  options: DoctorsSyncOptions = {},
): Promise<DoctorsSyncDeps & OpenedRuntime> {
  const env = options.env ?? process.env;
  const mongoSettings = mongoConfig(env);
  const groupId = options.groupId ?? env.DOCTORS_SYNC_GROUP_ID ?? 'reval-doctors-sync';
  const clients = await openDeadLetteringClients(env, {
    processor: options.processor ?? PROCESSOR,
    ensureTopics: (topics) => topicSpecs(topics, ['gmcDoctors', 'gmcSyncRuns', 'dlq']),
  });
  return withClients(clients, async () => {
    const mongo = await connectMongo(mongoSettings);
    return {
      ...clients,
      doctorsForDB: mongo.db.collection<DoctorsForDbDocument>(DOCTORS_FOR_DB_COLLECTION),
      groupId,
      close: async () => {
        await clients.close();
        await mongo.close();
      },
    };
  });
}

/** `reval run doctors-sync`: the processor on dependencies from the environment. */
export async function startFromEnv(options: DoctorsSyncOptions = {}): Promise<RunningProcessor> {
  return launch(await openRuntime(options), start);
}
