// The shapes processors see of Kafka: records with Buffer keys and values, batches, producers
// and topic specs, none of them kafkajs's. They are what a replacement client must provide.

export interface KafkaRecord {
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  /** Epoch millis as a decimal string. */
  timestamp: string;
}

export interface OutgoingMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string>;
  partition?: number;
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** Keyed state topics are compacted so the latest value per key survives forever. */
  compacted: boolean;
  config?: Record<string, string>;
}

/** Per partition, the log start (`low`) and the end offset (`high`), as decimal strings. */
export type EndOffsets = Map<number, { low: string; high: string }>;

export interface RecordBatch {
  topic: string;
  partition: number;
  records: KafkaRecord[];
  highWatermark: string;
  /**
   * The batch's last offset, transaction markers included: the position after the batch is
   * this plus one, which may lie beyond the last record.
   */
  lastOffset: string;
  /** Keep group membership alive during long work on one batch. */
  heartbeat(): Promise<void>;
  isStale(): boolean;
}

export type Assignment = Record<string, number[]>;

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Default true: never see records of aborted or open transactions. */
  readCommitted?: boolean;
  /** Called with this member's partitions after every rebalance. */
  onAssignment?(assignment: Assignment): void;
  /** Called with this member's id after every join, so a restart can evict its old self. */
  onJoin?(memberId: string): void;
  /** Called when a rebalance starts: this member may be about to lose partitions. */
  onRebalancing?(): void;
  /**
   * Called after every fetched batch, including batches of transaction markers only (which
   * `handle` never sees), with the batch's last offset and the partition's high watermark.
   */
  onProgress?(
    topic: string,
    partition: number,
    lastOffset: string,
    highWatermark: string,
    records: number,
  ): void;
  /**
   * Default true. False for consumers that rebuild state from the beginning after every
   * rebalance and so must never remember a position.
   */
  commitOffsets?: boolean;
  /** How long the group waits for a silent member before it takes its partitions (30 s). */
  sessionTimeoutMs?: number;
  /**
   * Where this member answers queries about its partitions, told to the group so that any
   * client can learn from `KafkaClient.groupMembers` which URL owns which partition.
   */
  advertisedUrl?: string;
}

export interface RunningConsumer {
  /** Stops fetching, waits for the batch in hand to finish and its offsets to commit. */
  stop(): Promise<void>;
  /**
   * Commits positions (the next offset to read) for a consumer started with
   * `commitOffsets: false` that decides itself when its work is safely written.
   */
  commit(positions: { topic: string; partition: number; offset: bigint }[]): Promise<void>;
  pause(topics: string[]): void;
  resume(topics: string[]): void;
}

/** The offset of the last record written to each partition by one send. */
export type WrittenOffsets = Map<number, bigint>;

export interface MessageProducer {
  send(topic: string, messages: OutgoingMessage[]): Promise<WrittenOffsets>;
  /**
   * Sends to several topics in as few requests as the batch size limit allows; returns the
   * last offset written per `topic:partition` (for messages with an explicit partition).
   */
  sendMany(messages: { topic: string; message: OutgoingMessage }[]): Promise<Map<string, bigint>>;
  disconnect(): Promise<void>;
}

export interface TransactionScope {
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
}

export interface TransactionalProducer {
  /** Runs `work` in one Kafka transaction: commits when it resolves, aborts when it throws. */
  transaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T>;
  disconnect(): Promise<void>;
}
