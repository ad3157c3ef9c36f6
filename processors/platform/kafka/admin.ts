// Topics, groups, offsets and configs: the admin side of Kafka, with the waiting a KRaft
// broker needs after a topic is created or a leader moves (kafkajs's admin gives up at once).
import { ConfigResourceTypes, KafkaJSProtocolError, type Admin, type Kafka } from 'kafkajs';
import type { Logger } from '../logger';
import { createCluster } from './cluster';
import { errorType, METADATA_IN_MOTION } from './errors';
import { describeGroupMembers, type GroupMembers } from './group-members';
import type { EndOffsets, TopicSpec } from './types';

export class KafkaAdmin {
  private adminClient?: Promise<Admin>;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {}

  private admin(): Promise<Admin> {
    this.adminClient ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.adminClient;
  }

  /** Creates the topics that do not exist yet; existing topics are left as they are. */
  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.admin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return;
    // kafkajs's own wait for leaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft
    // broker answers for a moment after the controller has created the topic (its metadata
    // cache lags the controller, most on a fresh, busy machine), so this waits itself.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions ?? 1,
        configEntries: Object.entries({
          'cleanup.policy': spec.compacted ? 'compact' : 'delete',
          ...spec.config,
        }).map(([name, value]) => ({ name, value })),
      })),
    });
    await this.waitForLeaders(missing.map((spec) => spec.topic));
    this.logger.info({ topics: missing.map((spec) => spec.topic) }, 'created topics');
  }

  /** Waits until every partition of `topics` has a leader, and the leader serves it. */
  private async waitForLeaders(topics: string[]): Promise<void> {
    // A short-lived admin: kafkajs keeps every topic it fetched metadata for as a target of
    // all later refreshes, and a target someone else deletes would then fail them.
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await this.whileMetadataMoves(`leaders of ${topics.join(', ')}`, async () => {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        const ready =
          metadata.length === topics.length &&
          metadata.every(
            (topic) =>
              topic.partitions.length > 0 &&
              topic.partitions.every((partition) => partition.leader >= 0),
          );
        if (!ready) return undefined;
        // The metadata names a leader a moment before the leader serves: ask it.
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return true;
      });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Runs `work` until it has an answer (undefined is "not yet"), with backoff for up to 30 s,
   * riding out the answers a KRaft broker gives for a moment after a topic is created or a
   * leader moves, on which kafkajs's admin gives up at once.
   */
  private async whileMetadataMoves<T>(
    what: string,
    work: () => Promise<T | undefined>,
    timeoutMs = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
      try {
        const answer = await work();
        if (answer !== undefined) return answer;
      } catch (error) {
        const type = errorType(error);
        if (!METADATA_IN_MOTION.has(type) || Date.now() > deadline) throw error;
        this.logger.debug({ what, type }, 'metadata still moving: retrying');
      }
      if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async topicExists(topic: string): Promise<boolean> {
    const admin = await this.admin();
    return (await admin.listTopics()).includes(topic);
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = await this.admin();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  }

  /**
   * Removes a member from a group (LeaveGroup on its behalf): what a restarted process does
   * for its killed predecessor, whose member would otherwise hold the next rebalance until
   * its session times out. Kafka's answer is static membership (group.instance.id), which
   * kafkajs lacks; a client that has it should use it instead. kafkajs exposes no LeaveGroup
   * for another member, so this reaches for its private cluster (cluster.ts).
   */
  async evictMember(groupId: string, memberId: string): Promise<boolean> {
    const cluster = createCluster(this.kafka);
    await cluster.connect();
    try {
      const coordinator = await cluster.findGroupCoordinator({ groupId });
      await coordinator.leaveGroup({ groupId, memberId });
      return true;
    } catch (error) {
      // It has already gone.
      if (error instanceof KafkaJSProtocolError && error.type === 'UNKNOWN_MEMBER_ID') {
        return false;
      }
      throw error;
    } finally {
      await cluster.disconnect();
    }
  }

  async listGroups(): Promise<string[]> {
    const admin = await this.admin();
    return (await admin.listGroups()).groups.map((group) => group.groupId);
  }

  /** Each member of a group with its partitions and advertised URL (group-members.ts). */
  async groupMembers(groupId: string): Promise<GroupMembers> {
    return describeGroupMembers(await this.admin(), groupId);
  }

  /** Deletes consumer groups (a finished one-shot job's); missing groups are not an error. */
  async deleteGroups(groupIds: string[]): Promise<void> {
    const admin = await this.admin();
    await admin.deleteGroups(groupIds).catch(() => undefined);
  }

  async topicConfig(topic: string): Promise<Record<string, string>> {
    const admin = await this.admin();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  }

  async partitionCount(topic: string): Promise<number> {
    return (await this.topicOffsets(topic)).length;
  }

  /** The end offset of each partition: where a reader that started now has caught up. */
  async endOffsets(topic: string): Promise<EndOffsets> {
    const offsets = await this.topicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { low: o.low, high: o.high }]));
  }

  /** ListOffsets for every partition of a topic, once the topic's metadata has settled. */
  private async topicOffsets(topic: string) {
    const admin = await this.admin();
    return this.whileMetadataMoves(`offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
  }

  /** Committed offsets of a consumer group, for lag metrics and tests. */
  async groupOffsets(groupId: string, topics: string[]): Promise<Map<string, string>> {
    const admin = await this.admin();
    const result = await admin.fetchOffsets({ groupId, topics });
    const offsets = new Map<string, string>();
    for (const topic of result) {
      for (const p of topic.partitions) offsets.set(`${topic.topic}:${p.partition}`, p.offset);
    }
    return offsets;
  }

  /** Removes records below the given offsets: how consumed repartition records are purged. */
  async deleteRecordsBefore(topic: string, offsets: Map<number, bigint>): Promise<void> {
    if (offsets.size === 0) return;
    const admin = await this.admin();
    await admin.deleteTopicRecords({
      topic,
      partitions: [...offsets].map(([partition, offset]) => ({
        partition,
        offset: offset.toString(),
      })),
    });
  }

  async disconnect(): Promise<void> {
    if (this.adminClient) await (await this.adminClient).disconnect();
    this.adminClient = undefined;
  }
}
