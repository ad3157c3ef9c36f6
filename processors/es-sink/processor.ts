// The es-sink processor:
//   reval.connections ─► decode ─► (pure) doctor document or delete ─► Elasticsearch views:
//     the project's own, and the legacy projection for today's readers unless switched off
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
import { decodeRecords } from './decode';
import { viewSetsOf } from './view-sets';
import { ViewWriters } from './view-writers';

export const PROCESSOR = 'es-sink';

export interface EsSinkDeps extends EsClients {
  groupId: string;
  bulk?: Partial<Omit<BulkWriterOptions, 'target' | 'requireAlias'>>;
}

export async function start(deps: EsSinkDeps): Promise<RunningProcessor> {
  const { kafka, codecs, es, deadLetters, logger, topic } = deps;
  const sets = viewSetsOf(deps);
  await ensureViews(es, sets, logger);

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

  control.consumer = await kafka.consume(
    {
      groupId: deps.groupId,
      topics: [topic],
      // After every batch, records or transaction markers only, once its writes are done.
      onProgress: (_topic, partition, lastOffset, highWatermark) =>
        setConsumerLag(PROCESSOR, topic, partition, lastOffset, highWatermark),
    },
    async (batch) => {
      metrics.recordsIn.inc({ processor: PROCESSOR, topic }, batch.records.length);
      const { items, rejected } = await decodeRecords(batch.records, codecs);
      await deadLetters.send(rejected);
      await writer.write(items, batch.heartbeat);
    },
  );
  logger.info({ topic, aliases: sets.map((set) => set.names.master) }, 'es-sink consuming');

  return {
    stop: async () => {
      writer.stopRetrying();
      await control.consumer?.stop();
    },
  };
}
