// The connections processor at run time. Topology, in one screen:
//
//   tcs.tcs.* + tis.revalidation.* + gmc.doctors ──decode──► ConnectionsEngine (join state)
//        (every instance reads every input: the join state is global, rebuilt on start)
//   reval.connections ──(consumer group: the partitions this instance owns)──► last records
//   engine.reconcile(affected doctors in owned partitions, today) ──► reval.connections
//   anything undecodable ──► reval.dlq
//
// Work is shared by output partition: the consumer group on reval.connections decides which
// doctors each instance writes, and after every rebalance the new owner re-reads its
// partitions and re-derives their doctors. No input offset is ever committed: the state is a
// cache of the (compacted) input topics, so a crash loses nothing.
import { randomUUID } from 'node:crypto';
import {
  connectionsConfig,
  kafkaConfig,
  registryConfig,
  timeZone,
  topics as topicNames,
  type Env,
} from '../platform/config';
import { DeadLetterQueue } from '../platform/dead-letters';
import { loadDesignatedBodies } from '../platform/designated-bodies';
import { KafkaClient, partitionForKey } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { metrics } from '../platform/metrics';
import { SchemaRegistryCodecs } from '../platform/registry';
import { todayIn } from '../rules/dates';
import { ConnectionsEngine, type OutputRecord } from './engine';
import type { InputSource } from './inputs';
import { PartitionRestore } from './partition-restore';
import { SerialQueue } from './serial-queue';
import {
  applyInputRecords,
  ensureConnectionsTopics,
  inputTopicsOf,
  rememberConnections,
  writeConnections,
} from './wiring';

export interface Clock {
  now(): Date;
}

export interface ConnectionsOptions {
  env?: Env;
  clock?: Clock;
  /** How often the date is checked for the midnight re-evaluation. */
  reevaluationCheckMs?: number;
  groupId?: string;
  partitions?: number;
}

export interface RunningConnections {
  isReady(): boolean;
  /** Re-derives every doctor whose next re-evaluation date has come (what midnight does). */
  reevaluateDue(): Promise<void>;
  stop(): Promise<void>;
}

const PROCESSOR = 'connections';

export async function startConnections(
  options: ConnectionsOptions = {},
): Promise<RunningConnections> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? { now: () => new Date() };
  const logger = createLogger(PROCESSOR);
  const topics = topicNames(env);
  const zone = timeZone(env);
  const engine = new ConnectionsEngine(loadDesignatedBodies(env));
  const kafka = new KafkaClient(kafkaConfig(env), logger);
  const codecs = new SchemaRegistryCodecs(registryConfig(env), topics);
  const settings = connectionsConfig(env);
  const groupId = options.groupId ?? settings.groupId;

  const inputTopics = inputTopicsOf(topics);
  await ensureConnectionsTopics(kafka, topics, options.partitions ?? settings.partitions);
  await codecs.register('connection');
  const partitions = await kafka.partitionCount(topics.connections);
  const producer = await kafka.createProducer();
  const deadLetters = new DeadLetterQueue(producer, codecs, topics.dlq, PROCESSOR, logger);
  const serial = new SerialQueue();
  const owned = new PartitionRestore(kafka, topics.connections, logger);
  const isOwned = (key: string) => owned.isOwned(partitionForKey(key, partitions));

  async function write(records: OutputRecord[]): Promise<void> {
    await writeConnections(producer, codecs, topics.connections, partitions, records);
    metrics.recordsOut.inc(
      { processor: PROCESSOR, destination: topics.connections },
      records.length,
    );
  }

  function today(): string {
    return todayIn(clock.now(), zone);
  }

  async function reconcile(keys: Iterable<string>): Promise<void> {
    const mine = [...keys].filter(isOwned);
    await write(engine.reconcile(mine, today(), clock.now()));
  }

  // Inputs: every instance reads everything from the beginning, under a throwaway group.
  // Set by the catch-up callback; batches can arrive before `inputs` itself is assigned.
  let inputsCaughtUp = false;
  const inputs = await kafka.readAndFollow(
    {
      groupId: `${groupId}-state-${randomUUID()}`,
      topics: [...inputTopics.keys()],
    },
    (batch) =>
      serial.run(async () => {
        const source = inputTopics.get(batch.topic) as InputSource;
        const { affected, failures } = await applyInputRecords(
          engine,
          codecs,
          source,
          batch.records,
        );
        const lastOffset = Number(batch.records[batch.records.length - 1].offset);
        metrics.consumerLag.set(
          { processor: PROCESSOR, topic: batch.topic, partition: String(batch.partition) },
          Math.max(0, Number(batch.highWatermark) - 1 - lastOffset),
        );
        metrics.recordsIn.inc({ processor: PROCESSOR, topic: batch.topic }, batch.records.length);
        await deadLetters.send(failures);
        if (inputsCaughtUp) await reconcile(affected);
      }),
    () =>
      serial.run(async () => {
        inputsCaughtUp = true;
        logger.info(
          { doctors: engine.allKeys().size },
          'inputs caught up: reconciling owned partitions',
        );
        await reconcile(engine.allKeys());
      }),
  );

  // Ownership: the group on reval.connections hands out partitions; each is re-read first.
  const ownership = await owned.start(
    { groupId },
    (records) =>
      serial.run(async () => {
        await rememberConnections(engine, codecs, records, (record, error) =>
          // Only this processor writes the topic; an undecodable record is a bug, not input.
          logger.error({ err: error, offset: record.offset }, 'cannot decode own output record'),
        );
      }),
    (partition) =>
      serial.run(async () => {
        // Until the inputs are caught up, the partition is reconciled when they are.
        if (!inputsCaughtUp) return;
        const keys = [...engine.allKeys()].filter(
          (key) => partitionForKey(key, partitions) === partition,
        );
        await reconcile(keys);
        logger.info({ partition, doctors: keys.length }, 'partition restored and reconciled');
      }),
  );

  // Midnight: the date is checked, not scheduled, so a sleeping laptop or DST shift is harmless.
  let lastToday = today();
  const checkDate = () => {
    const current = today();
    if (current === lastToday) return;
    lastToday = current;
    void reevaluateDue().catch((error: unknown) =>
      logger.error({ err: error }, 're-evaluation failed'),
    );
  };
  const timer = setInterval(checkDate, options.reevaluationCheckMs ?? 30_000);
  timer.unref();

  function reevaluateDue(): Promise<void> {
    return serial.run(async () => {
      const due = engine.dueForReevaluation(today());
      logger.info({ due: due.length }, 're-evaluating doctors whose date has come');
      await reconcile(due);
    });
  }

  logger.info({ partitions, inputs: [...inputTopics.keys()] }, 'connections processor started');
  return {
    isReady: () => inputsCaughtUp && owned.isSettled(),
    reevaluateDue,
    stop: async () => {
      clearInterval(timer);
      await inputs.stop();
      await ownership.stop();
      await serial.idle();
      await producer.disconnect();
      await kafka.disconnect();
    },
  };
}
