// A private corner of the real Kafka, registry and Elasticsearch for one es-sink test: its own
// topics, subjects and index prefix, so tests neither collide with each other nor the demo.
import { randomUUID } from 'node:crypto';
import {
  elasticsearchConfig,
  kafkaConfig,
  registryConfig,
  type ElasticsearchConfig,
} from '../../processors/platform/config';
import { topicsOf as defaultTopics, type Topics } from '../../processors/platform/topics';
import { DeadLetterQueue, DLQ_HEADERS } from '../../processors/platform/dead-letters';
import { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import { KafkaClient, type KafkaRecord } from '../../processors/platform/kafka';
import { createLogger } from '../../processors/platform/logger';
import { SchemaRegistryCodecs } from '../../processors/platform/registry';
import { VERSION_HEADER, type ConnectionRecord } from '../../processors/es-sink/doctor-document';
import { start as startEsSink } from '../../processors/es-sink/processor';
import type { RunningProcessor as RunningEsSink } from '../../processors/platform/running';
import { viewSetsOf, type ViewSet } from '../../processors/es-sink/view-sets';
import {
  allAliases,
  historyNames,
  legacyViewNames,
  viewNames,
  type ViewNames,
} from '../../processors/es-sink/views';

export const quietLogger = createLogger('es-sink-test', process.env.TEST_LOG_LEVEL ?? 'silent');

export function doctor(gmc: string, version: number, fields: Partial<ConnectionRecord> = {}) {
  const record: ConnectionRecord = {
    gmcReferenceNumber: gmc,
    tcsPersonId: Number(gmc),
    doctorFirstName: 'Mary',
    doctorLastName: `Seacole ${gmc}`,
    submissionDate: '2027-03-31',
    programmeName: 'Core Surgical Training',
    membershipType: 'SUBSTANTIVE',
    programmeOwner: 'Yorkshire and the Humber',
    designatedBody: '1-1RSG4X0',
    tcsDesignatedBody: '1-1RSG4X0',
    membershipStartDate: '2025-08-06',
    membershipEndDate: '2027-08-05',
    curriculumEndDate: '2027-08-05',
    placementGrades: ['279'],
    existsInGmc: true,
    underNotice: 'NO',
    admin: null,
    connectionStatus: 'CONNECTED',
    connectionReason: null,
    exceptionReasons: [],
    discrepancy: null,
    nextReevaluationDate: '2027-08-06',
    selectedProgrammeMembershipUuid: randomUUID(),
    version,
    updatedTime: new Date(1_764_000_000_000 + version),
    sources: ['tis', 'gmc'],
    ...fields,
  };
  return record;
}

export interface Update {
  key: string;
  /** Null for a tombstone. */
  record: ConnectionRecord | null;
  version: number;
}

export class EsSinkHarness {
  readonly id = randomUUID().slice(0, 8);
  readonly topics: Topics;
  readonly kafka = new KafkaClient(kafkaConfig(), quietLogger);
  readonly codecs: SchemaRegistryCodecs;
  readonly es: ElasticsearchClient;
  readonly views: ViewNames;
  readonly legacyViews: ViewNames;
  private readonly closers: (() => Promise<void>)[] = [];
  private producer?: Awaited<ReturnType<KafkaClient['createProducer']>>;

  constructor(esConfig: ElasticsearchConfig = elasticsearchConfig()) {
    this.topics = {
      ...defaultTopics(),
      connections: `es-${this.id}.reval.connections`,
      connectionChanges: `es-${this.id}.reval.connection-changes`,
      dlq: `es-${this.id}.reval.dlq`,
    };
    this.codecs = new SchemaRegistryCodecs(registryConfig(), this.topics);
    this.es = new ElasticsearchClient(esConfig, quietLogger);
    this.views = viewNames(`t-${this.id}-`);
    this.legacyViews = legacyViewNames(`t-${this.id}-`);
  }

  /** Both view sets, as the sink and the rebuild keep them. */
  get sets(): ViewSet[] {
    return viewSetsOf(this);
  }

  async setUp(partitions = 3): Promise<void> {
    await this.kafka.ensureTopics([
      { topic: this.topics.connections, compacted: true, partitions },
      // Read by a sink or rebuild the command line starts (it keeps the history).
      { topic: this.topics.connectionChanges, compacted: false, partitions },
      { topic: this.topics.dlq, compacted: false },
    ]);
    this.producer = await this.kafka.createProducer();
  }

  deadLetters(processor = 'es-sink'): DeadLetterQueue {
    if (!this.producer) throw new Error('setUp first');
    return new DeadLetterQueue(this.producer, this.codecs, this.topics.dlq, processor, quietLogger);
  }

  /** Runs at tear-down, after everything registered later (e.g. a sink) has stopped. */
  onTearDown(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  async startSink(
    es: ElasticsearchClient = this.es,
    codecs: SchemaRegistryCodecs = this.codecs,
  ): Promise<RunningEsSink> {
    const sink = await startEsSink({
      kafka: this.kafka,
      codecs,
      es,
      deadLetters: this.deadLetters(),
      logger: quietLogger,
      views: this.views,
      legacyViews: this.legacyViews,
      topic: this.topics.connections,
      groupId: `es-${this.id}-sink`,
      bulk: { backoff: { initialMs: 100, maxMs: 1_000, jitter: 0.2 } },
    });
    this.closers.push(() => sink.stop());
    return sink;
  }

  /** Produces connection records the way the connections processor does. */
  async send(updates: Update[], topic = this.topics.connections): Promise<void> {
    if (!this.producer) throw new Error('setUp first');
    const messages = [];
    for (const { key, record, version } of updates) {
      messages.push({
        key,
        value: record ? await this.codecs.encode('connection', record) : null,
        headers: { [VERSION_HEADER]: String(version) },
      });
    }
    await this.producer.send(topic, messages);
  }

  async sendRaw(
    messages: { key: string | null; value: Buffer | null; headers?: Record<string, string> }[],
  ) {
    if (!this.producer) throw new Error('setUp first');
    await this.producer.send(this.topics.connections, messages);
  }

  /** Ids visible through an alias right now (refreshed first, so no waiting for 1 s). */
  async idsIn(alias: string): Promise<string[]> {
    await this.es.refresh(alias);
    return (await this.es.ids(alias)).sort();
  }

  /** Where each alias of a view set points (the project's own views unless told). */
  async aliasTargets(views: ViewNames = this.views): Promise<Map<string, string[]>> {
    const aliases = await this.es.aliases(allAliases(views));
    return new Map([...aliases].map(([alias, targets]) => [alias, targets.map((t) => t.index)]));
  }

  async deadLettered(): Promise<{ key: string | null; reason: string; offset: string }[]> {
    const letters: KafkaRecord[] = [];
    await this.kafka.readToEnd([this.topics.dlq], (records) => void letters.push(...records));
    return letters.map((r) => ({
      key: r.key?.toString() ?? null,
      reason: r.headers[DLQ_HEADERS.reason]?.toString() ?? '',
      offset: r.headers[DLQ_HEADERS.offset]?.toString() ?? '',
    }));
  }

  async committedOffsets(): Promise<Map<string, string>> {
    return this.kafka.groupOffsets(`es-${this.id}-sink`, [this.topics.connections]);
  }

  async tearDown(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    await this.producer?.disconnect();
    for (const index of await this.es.indicesMatching(`${this.views.prefix}*`)) {
      await this.es.deleteIndex(index);
    }
    await this.es.deleteIndexTemplate(this.views.template);
    await this.es.deleteIndexTemplate(this.legacyViews.template);
    await this.es.deleteIndexTemplate(historyNames(this.views.prefix).template);
    await this.kafka.deleteTopics([
      this.topics.connections,
      this.topics.connectionChanges,
      this.topics.dlq,
    ]);
    for (const name of ['connection', 'deadLetter'] as const) {
      await this.codecs.deleteSubject(this.codecs.subjectOf(name)).catch(() => undefined);
    }
    await this.kafka.disconnect();
    await this.es.close();
  }
}

export { eventually } from '../support/stream-harness';
