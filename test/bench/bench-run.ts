// One benchmark run's private world: topics, consumer groups and app ids under a fresh
// prefix, indices under the same prefix, and a temporary state directory for the children's
// local stores; and its removal, whatever happened.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { viewNames, type ViewNames } from '../../processors/es-sink/views';
import { elasticsearchConfig, kafkaConfig, type Env } from '../../processors/platform/config';
import { topicsOf as topics } from '../../processors/platform/topics';
import { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import { KafkaClient } from '../../processors/platform/kafka';
import { createLogger } from '../../processors/platform/logger';
import {
  createStreamHarness,
  privateTopicsEnv,
  type StreamHarness,
} from '../support/stream-harness';
import type { RevalChild } from './child';
import { removeLeftovers } from '../support/leftovers';

export interface BenchRun {
  prefix: string;
  /** What every child starts from. */
  env: Env;
  views: ViewNames;
  harness: StreamHarness;
  es: ElasticsearchClient;
  /** Parent of every child's REVAL_STATE_DIR. */
  stateRoot: string;
  partitions: number;
  nodeArgs: string[];
  /** Processes to stop if a measurement fails half-way. */
  children: RevalChild[];
  say(line?: string): void;
}

export async function openRun(options: {
  partitions: number;
  childLogLevel: string;
  nodeArgs: string[];
  say(line?: string): void;
}): Promise<BenchRun> {
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const stateRoot = mkdtempSync(join(tmpdir(), `reval-${prefix}-`));
  const env: Env = {
    ...privateTopicsEnv(prefix, process.env),
    ES_INDEX_PREFIX: `${prefix}-`,
    ES_SINK_GROUP_ID: `${prefix}-es-sink`,
    CONNECTIONS_GROUP_ID: `${prefix}-connections`,
    CONNECTIONS_PARTITIONS: String(options.partitions),
    REVAL_STATE_DIR: join(stateRoot, 'default'),
    LOG_LEVEL: options.childLogLevel,
  };
  // reval.connections with the run's partition count, before the harness makes it with 3.
  const kafka = new KafkaClient(kafkaConfig(env), createLogger('bench', 'error'));
  try {
    await kafka.ensureTopics([
      { topic: topics(env).connections, compacted: true, partitions: options.partitions },
    ]);
  } finally {
    await kafka.disconnect();
  }
  return {
    prefix,
    env,
    views: viewNames(env.ES_INDEX_PREFIX),
    harness: await createStreamHarness(env),
    es: new ElasticsearchClient(elasticsearchConfig(env), createLogger('bench', 'error')),
    stateRoot,
    partitions: options.partitions,
    nodeArgs: options.nodeArgs,
    children: [],
    say: options.say,
  };
}

export async function closeRun(run: BenchRun, failed: boolean): Promise<void> {
  for (const child of run.children.splice(0)) await child.stop().catch(() => undefined);
  run.say(failed ? 'cleaning up after the failure…' : 'cleaning up…');
  try {
    const removed = await removeLeftovers({
      brokers: kafkaConfig(run.env).brokers,
      prefix: run.prefix,
      codecs: run.harness.codecs,
      es: run.es,
      views: run.views,
      stateDirs: [run.stateRoot],
    });
    run.say(
      `  removed ${removed.topics} topics, ${removed.groups} consumer groups, ` +
        `${removed.indices} indices and ${run.stateRoot}`,
    );
  } catch (error) {
    run.say(`clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  await run.harness.close();
  await run.es.close();
}
