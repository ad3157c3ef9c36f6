// The demo `npm start` shows a newcomer: the local stack, a fake GMC, a seeded population
// arriving as Debezium events, every processor, one GMC sync, and the resulting views.
import type { Env } from '../platform/config';
import { elasticsearchConfig, kafkaConfig, topics as topicNames } from '../platform/config';
import { createElasticsearchClient } from '../platform/elasticsearch';
import { KafkaClient } from '../platform/kafka';
import { viewNames } from '../es-sink/views';
import { FakeGmc } from '../platform/gmc-soap/fake/server';
import { todayIn } from '../rules/dates';
import { ENDPOINT_VARIABLES, startStack, type StackEndpoints } from '../stack';
import { DebeziumEvents } from '../../test/support/debezium';
import { DESIGNATED_BODIES, generatePopulation } from '../../test/support/population';
import { tisSnapshotEvents } from '../../test/support/population-events';

export const DEMO_GMC_USERNAME = 'demo-user';
// Not a secret: the fake GMC accepts only these, so a misconfigured client shows return code 99.
export const DEMO_GMC_PASSWORD = 'demo-password';

const say = (line: string) => process.stderr.write(`[demo] ${line}\n`);

export function isConfigured(env: Env): boolean {
  return Object.values(ENDPOINT_VARIABLES).every((name) => env[name]?.trim());
}

/** Starts the stack (no-op for what runs) and puts its endpoints in `env`. */
export async function startDemoStack(env: Env): Promise<StackEndpoints> {
  say(
    'starting the local stack (the first run downloads Kafka, the registry, Elasticsearch and FerretDB)',
  );
  const { endpoints } = await startStack({
    progress: (service, message) => say(`  [${service}] ${message}`),
  });
  env[ENDPOINT_VARIABLES.kafkaBrokers] = endpoints.kafkaBrokers;
  env[ENDPOINT_VARIABLES.schemaRegistryUrl] = endpoints.schemaRegistryUrl;
  env[ENDPOINT_VARIABLES.elasticsearchUrl] = endpoints.elasticsearchUrl;
  env[ENDPOINT_VARIABLES.mongodbUri] = endpoints.mongodbUri;
  return endpoints;
}

export async function startDemoGmc(env: Env, doctorsPerBody: number): Promise<FakeGmc> {
  const gmc = await FakeGmc.start({
    doctorsPerBody,
    username: DEMO_GMC_USERNAME,
    password: DEMO_GMC_PASSWORD,
    port: Number(env.REVAL_FAKE_GMC_PORT ?? 0),
  });
  env.GMC_URL = gmc.url;
  env.GMC_USERNAME = DEMO_GMC_USERNAME;
  env.GMC_PASSWORD = DEMO_GMC_PASSWORD;
  env.GMC_DESIGNATED_BODIES = DESIGNATED_BODIES.join(',');
  say(`fake GMC listening at ${gmc.url} (${doctorsPerBody} doctors per designated body)`);
  return gmc;
}

/**
 * Publishes the demo population's TIS rows as Debezium snapshot events. Replaying the same
 * snapshot on a second start is harmless: the stream is idempotent.
 */
export async function seedDemoPopulation(env: Env, doctorsPerBody: number): Promise<Set<string>> {
  const topics = topicNames(env);
  const population = generatePopulation({
    doctorsPerBody,
    today: todayIn(new Date(), env.REVAL_TIMEZONE ?? 'Europe/London'),
  });
  const events = new DebeziumEvents({
    topics: {
      ContactDetails: topics.contactDetails,
      GmcDetails: topics.gmcDetails,
      Person: topics.person,
      ProgrammeMembership: topics.programmeMembership,
      CurriculumMembership: topics.curriculumMembership,
      Programme: topics.programme,
      Placement: topics.placement,
    },
  });
  const kafka = new KafkaClient(kafkaConfig(env));
  const producer = await kafka.createProducer();
  try {
    const messages = await tisSnapshotEvents(population, events);
    const byTopic = new Map<string, typeof messages>();
    for (const message of messages)
      byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), message]);
    for (const [topic, batch] of byTopic) await producer.send(topic, batch);
    say(`seeded ${population.persons.length} TIS persons as ${messages.length} Debezium events`);
  } finally {
    await producer.disconnect();
    await kafka.disconnect();
  }
  return new Set(population.persons.map((person) => person.gmcReferenceNumber));
}

export interface ViewCounts {
  counts: Record<string, number>;
  examples: Record<string, unknown>[];
}

export async function readViews(env: Env): Promise<ViewCounts> {
  const es = createElasticsearchClient(elasticsearchConfig(env));
  const views = viewNames(env.ES_INDEX_PREFIX ?? '');
  try {
    const counts: Record<string, number> = {};
    for (const alias of [views.master, ...Object.values(views.filtered)]) {
      counts[alias] = (await es.count({ index: alias }).catch(() => ({ count: 0 }))).count;
    }
    const examples = await es
      .search<Record<string, unknown>>({
        index: views.filtered.discrepancies,
        size: 5,
        sort: [{ gmcReferenceNumber: 'asc' }],
      })
      .then((result) => result.hits.hits.map((hit) => hit._source ?? {}))
      .catch(() => []);
    return { counts, examples };
  } finally {
    await es.close();
  }
}
