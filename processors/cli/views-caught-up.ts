// When the views show everything produced so far: not when a document count is reached (a
// GMC sync's updates change no count), but when the connections processor has committed
// every input to its end (its outputs are written before it commits) and the es-sink has
// committed reval.connections and reval.connection-changes to their ends (it commits after
// Elasticsearch acknowledged).
import { connectionsConfig, elasticsearchConfig, kafkaConfig, type Env } from '../platform/config';
import { topicsOf as topicNames } from '../platform/topics';
import { ElasticsearchClient } from '../platform/elasticsearch';
import { hasRead, KafkaClient, recordsIn } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { ROUTED_SOURCES, STAGES, repartitionTopic } from '../connections/topology';
import { historyOfEnv, viewNamesOfEnv, viewSetsOf } from '../es-sink/view-sets';

/** Default of the es-sink's consumer group (es-sink/runtime.ts). */
const ES_SINK_GROUP = 'reval-es-sink';

export interface CaughtUp {
  /** Records of reval.connections the es-sink has acknowledged. */
  connectionsRecords: number;
  seconds: number;
}

export async function waitUntilViewsCaughtUp(
  env: Env,
  timeoutMs: number,
  options: { pollMs?: number } = {},
): Promise<CaughtUp> {
  const started = Date.now();
  const logger = createLogger('views-caught-up');
  const kafka = new KafkaClient(kafkaConfig(env), logger);
  const es = new ElasticsearchClient(elasticsearchConfig(env), logger);
  const topics = topicNames(env);
  const appId = connectionsConfig(env).groupId;
  const sinkGroup = env.ES_SINK_GROUP_ID ?? ES_SINK_GROUP;
  try {
    for (;;) {
      const behind = [
        ...(await connectionsBehind(kafka, topics, appId)),
        ...(await behindOf(kafka, sinkGroup, [topics.connections, topics.connectionChanges])),
      ];
      if (behind.length === 0) {
        // Acknowledged is not yet searchable: make it so, rather than wait out the interval.
        const views = viewSetsOf(viewNamesOfEnv(env));
        const history = historyOfEnv(env, topics.connectionChanges);
        for (const { names } of [...views, history]) await es.refresh(names.master);
        const connectionsRecords = recordsIn(await kafka.captureEnds([topics.connections]));
        return { connectionsRecords, seconds: (Date.now() - started) / 1000 };
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `the views are still behind after ${timeoutMs / 1000} s: ${behind.slice(0, 5).join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
  } finally {
    await kafka.disconnect();
    await es.close();
  }
}

/**
 * The connections application's inputs (sources and its own repartition topics) it has not
 * committed to their ends. Empty: every record read so far has its outputs written.
 */
export function connectionsBehind(
  kafka: KafkaClient,
  topics: ReturnType<typeof topicNames>,
  appId: string,
): Promise<string[]> {
  return behindOf(kafka, appId, [
    ...ROUTED_SOURCES.map((source) => topics[source]),
    ...Object.values(STAGES).map((stage) => repartitionTopic(appId, stage)),
  ]);
}

/** `group → topic:partition (committed/end)` for each partition the group has not reached. */
async function behindOf(kafka: KafkaClient, groupId: string, topics: string[]): Promise<string[]> {
  const committed = await kafka.groupOffsets(groupId, topics);
  const behind: string[] = [];
  for (const range of await kafka.captureEnds(topics)) {
    const at = BigInt(committed.get(`${range.topic}:${range.partition}`) ?? '-1');
    if (!hasRead(range, at)) {
      behind.push(`${groupId} ${range.topic}:${range.partition} (${at}/${range.to})`);
    }
  }
  return behind;
}
