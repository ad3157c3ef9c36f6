// The es-sink processor:
//   reval.connections ─► decode ─► (pure) doctor document or delete ─► Elasticsearch views:
//     the project's own, and the legacy projection for today's readers unless switched off
//   reval.connection-changes ─► decode ─► (pure) history document ─► connectionhistory
//   anything unreadable or refused by Elasticsearch ─► reval.dlq
// Offsets are committed by KafkaClient.consume only after this handler resolves, and the
// handler resolves only once Elasticsearch has settled every record of the batch. Its
// dependencies come from ./runtime.ts.
import type { EsClients } from './clients';
import type { RunningConsumer } from '../platform/kafka';
import { metrics, setConsumerLag } from '../platform/metrics';
import type { RunningProcessor } from '../platform/running';
import { ensureViews } from './bootstrap';
import type { BulkWriterOptions } from './bulk-writer';
import { decodeHistoryRecords, decodeRecords } from './decode';
import { historyWriter } from './history-writer';
import { historySetOf, viewSetsOf } from './view-sets';
import { ViewWriters } from './view-writers';

export const PROCESSOR = 'es-sink';

export interface EsSinkDeps extends EsClients {
  groupId: string;
  bulk?: Partial<Omit<BulkWriterOptions, 'target' | 'requireAlias'>>;
}

export async function start(deps: EsSinkDeps): Promise<RunningProcessor> {
  const { kafka, codecs, es, deadLetters, logger, topic } = deps;
  const sets = viewSetsOf(deps);
  const { history } = deps;
  await ensureViews(es, history ? [...sets, historySetOf(history)] : sets, logger);

  // Set once consuming starts; the writer may ask to pause it from the first batch on.
  const control: { consumer?: RunningConsumer } = {};
  const writer = new ViewWriters(
    es,
    sets,
    sets.map((set) => set.names.master),
    deadLetters,
    logger,
    { ...deps.bulk, requireAlias: true, processor: PROCESSOR },
    // Stop fetching while Elasticsearch pushes back; the batch in hand keeps retrying.
    (waiting) => (waiting ? control.consumer?.pause([topic]) : control.consumer?.resume([topic])),
  );
  const changes =
    history &&
    historyWriter(
      es,
      history.names.master,
      deadLetters,
      logger,
      { ...deps.bulk, requireAlias: true, processor: PROCESSOR },
      (waiting) =>
        waiting
          ? control.consumer?.pause([history.topic])
          : control.consumer?.resume([history.topic]),
    );

  control.consumer = await kafka.consume(
    {
      groupId: deps.groupId,
      topics: history ? [topic, history.topic] : [topic],
      // After every batch, records or transaction markers only, once its writes are done.
      onProgress: (read, partition, lastOffset, highWatermark) =>
        setConsumerLag(PROCESSOR, read, partition, lastOffset, highWatermark),
    },
    async (batch) => {
      metrics.recordsIn.inc({ processor: PROCESSOR, topic: batch.topic }, batch.records.length);
      if (changes && batch.topic === history?.topic) {
        const { items, rejected } = await decodeHistoryRecords(batch.records, codecs);
        await deadLetters.send(rejected);
        await changes.write(items, batch.heartbeat);
        return;
      }
      const { items, rejected } = await decodeRecords(batch.records, codecs);
      await deadLetters.send(rejected);
      await writer.write(items, batch.heartbeat);
    },
  );
  logger.info(
    { topic, history: history?.names.master, aliases: sets.map((set) => set.names.master) },
    'es-sink consuming',
  );

  return {
    stop: async () => {
      writer.stopRetrying();
      changes?.stopRetrying();
      await control.consumer?.stop();
    },
  };
}
