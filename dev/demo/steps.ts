// The demo's steps (index.ts runs them in order): the local stack and the fake GMC, with their
// endpoints put in the environment; the population, seeded as synthetic Debezium events when
// real CDC (cdc.ts) cannot run; and what the Elasticsearch views show.
import type { Env } from '../../processors/platform/config';
import { elasticsearchConfig, kafkaConfig } from '../../processors/platform/config';
import { topicsOf as topicNames } from '../../processors/platform/topics';
import { createElasticsearchClient } from '../../processors/platform/elasticsearch';
import { KafkaClient } from '../../processors/platform/kafka';
import { viewNamesOfEnv } from '../../processors/es-sink/view-sets';
import { allAliases, viewNames } from '../../processors/es-sink/views';
import { FakeGmc } from '../fake-gmc';
import { todayIn } from '../../processors/rules/dates';
import { ENDPOINT_VARIABLES, startStack, type StackEndpoints } from '../../stack';
import { DebeziumEvents } from '../debezium';
import { DESIGNATED_BODIES, generatePopulation, type Population } from '../population';
import { tisSnapshotEvents } from '../population/events';

export const DEMO_GMC_USERNAME = 'demo-user';
// Not a secret: the fake GMC accepts only these, so a misconfigured client shows return code 99.
export const DEMO_GMC_PASSWORD = 'demo-password';

const say = (line: string) => process.stderr.write(`[demo] ${line}\n`);

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

/** The demo population, relative to today where the processors run. */
export function demoPopulation(env: Env, doctorsPerBody: number): Population {
  return generatePopulation({
    doctorsPerBody,
    today: todayIn(new Date(), env.REVAL_TIMEZONE ?? 'Europe/London'),
  });
}

/** Every doctor the demo's views will hold: TIS persons and the fake GMC's lists. */
export function demoDoctors(population: Population, gmc: FakeGmc): Set<string> {
  const gmcDoctors = gmc.lists
    .bodies()
    .flatMap((body) => gmc.lists.list(body).map((d) => d.GMCReferenceNumber));
  return new Set([...population.persons.map((p) => p.gmcReferenceNumber), ...gmcDoctors]);
}

/**
 * The fallback when real CDC cannot run: publishes the demo population's TIS rows as
 * synthetic Debezium snapshot events. Replaying the same snapshot on a second start is
 * harmless: the stream is idempotent.
 */
export async function seedDemoPopulation(env: Env, population: Population): Promise<void> {
  const topics = topicNames(env);
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
}

export interface DoctorView {
  connectionStatus?: string;
  connectionReason?: string | null;
  /** The filtered views (aliases, without the index prefix) that list the doctor. */
  views: string[];
}

/** What the Elasticsearch views say about a few doctors. */
export async function readDoctors(env: Env, gmcs: string[]): Promise<Map<string, DoctorView>> {
  const es = createElasticsearchClient(elasticsearchConfig(env));
  const prefix = env.ES_INDEX_PREFIX ?? '';
  const views = viewNames(prefix);
  try {
    const result = new Map<string, DoctorView>(gmcs.map((gmc) => [gmc, { views: [] }]));
    const master = await es.search<Record<string, unknown>>({
      index: views.master,
      query: { ids: { values: gmcs } },
      size: gmcs.length,
    });
    for (const hit of master.hits.hits) {
      const doctor = result.get(hit._id ?? '');
      if (!doctor) continue;
      doctor.connectionStatus = hit._source?.connectionStatus as string | undefined;
      doctor.connectionReason = (hit._source?.connectionReason ?? null) as string | null;
    }
    for (const alias of Object.values(views.filtered)) {
      const listed = await es.search({ index: alias, query: { ids: { values: gmcs } }, size: 10 });
      for (const hit of listed.hits.hits)
        result.get(hit._id ?? '')?.views.push(alias.slice(prefix.length));
    }
    return result;
  } finally {
    await es.close();
  }
}

export interface ViewCounts {
  counts: Record<string, number>;
  examples: Record<string, unknown>[];
}

export async function readViews(env: Env): Promise<ViewCounts> {
  const es = createElasticsearchClient(elasticsearchConfig(env));
  const { views, legacyViews } = viewNamesOfEnv(env);
  try {
    const counts: Record<string, number> = {};
    for (const alias of [...allAliases(views), ...(legacyViews ? allAliases(legacyViews) : [])]) {
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
