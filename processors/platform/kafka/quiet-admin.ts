// One-shot admin calls for tools that are not processors (the local stack's probe and purge):
// silent and with few retries, because their callers judge a failure themselves (a probe's
// "not yet" is no error) and would only be slowed by kafkajs's retrying and logging.
import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface QuietAdminOptions {
  clientId: string;
  brokers: string[];
  retries: number;
  connectionTimeout?: number;
  requestTimeout?: number;
}

async function withQuietAdmin<T>(
  options: QuietAdminOptions,
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  const { retries, ...rest } = options;
  const admin = new Kafka({ ...rest, logLevel: logLevel.NOTHING, retry: { retries } }).admin();
  try {
    await admin.connect();
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Whether the cluster answers with at least one broker and an elected controller. */
export function clusterIsUp(options: QuietAdminOptions): Promise<boolean> {
  return withQuietAdmin(options, async (admin) => {
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  });
}

/** Deletes the topics `doomed` picks; answers their names. */
export function deleteTopicsWhere(
  options: QuietAdminOptions,
  doomed: (topic: string) => boolean,
): Promise<string[]> {
  return withQuietAdmin(options, async (admin) => {
    const topics = (await admin.listTopics()).filter(doomed);
    if (topics.length > 0) await admin.deleteTopics({ topics });
    return topics;
  });
}
