// What a test or benchmark run leaves behind, found by its name prefix rather than listed,
// because the processors under test create names of their own: changelog and repartition topics
// (`<appId>-*`), the Programme table's throwaway groups, output topics and their subjects.
import { rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import type { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import type { SchemaRegistryCodecs } from '../../processors/platform/registry';
import {
  historyNames,
  legacyViewNames,
  viewNames,
  type ViewNames,
} from '../../processors/es-sink/views';
import type { Client as RawElasticsearch } from '@elastic/elasticsearch';

export interface Leftovers {
  brokers: string[];
  /** Every topic and consumer group whose name starts with `${prefix}.` or `${prefix}-`. */
  prefix: string;
  codecs: SchemaRegistryCodecs;
  es?: ElasticsearchClient;
  views?: ViewNames;
  stateDirs: string[];
}

export interface Removed {
  topics: number;
  groups: number;
  indices: number;
}

export async function removeLeftovers(run: Leftovers): Promise<Removed> {
  const ours = (name: string) =>
    name.startsWith(`${run.prefix}.`) || name.startsWith(`${run.prefix}-`);
  let indices = 0;
  if (run.es && run.views) {
    for (const index of await run.es.indicesMatching(`${run.views.prefix}*`)) {
      await run.es.deleteIndex(index);
      indices += 1;
    }
    await run.es.deleteIndexTemplate(run.views.template);
    await run.es.deleteIndexTemplate(legacyViewNames(run.views.prefix).template);
    await run.es.deleteIndexTemplate(historyNames(run.views.prefix).template);
  }
  const kafka = new Kafka({
    clientId: 'reval-test-clean-up',
    brokers: run.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let topics: string[];
  let groups: string[];
  try {
    // Groups first: a group is only deletable once empty, and every process has stopped.
    groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter(ours);
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    topics = (await admin.listTopics()).filter(ours);
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
  for (const topic of topics) {
    for (const subject of [`${topic}-key`, `${topic}-value`]) {
      await run.codecs.deleteSubject(subject).catch(() => undefined);
    }
  }
  for (const dir of run.stateDirs) rmSync(dir, { recursive: true, force: true });
  return { topics: topics.length, groups: groups.length, indices };
}

/** Both view sets' and the history's generations and templates under a test's index prefix. */
export async function removeViews(es: RawElasticsearch, prefix: string): Promise<void> {
  for (const views of [viewNames(prefix), legacyViewNames(prefix), historyNames(prefix)]) {
    await es.indices.delete({
      index: views.indexPattern,
      ignore_unavailable: true,
      allow_no_indices: true,
    });
    await es.indices.deleteIndexTemplate({ name: views.template }).catch(() => undefined);
  }
}
