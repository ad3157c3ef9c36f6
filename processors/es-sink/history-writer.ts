// The bulk writer of the history index: change records in, one document each, a refused one
// dead-lettered with the index named. The live sink writes through the alias, a rebuild to
// its new generation.
import type { DeadLetterQueue } from '../platform/dead-letters';
import type { ElasticsearchClient } from '../platform/elasticsearch';
import type { KafkaRecord } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { BulkWriter } from './bulk-writer';
import type { ViewWriterOptions } from './view-writers';

export function historyWriter(
  es: ElasticsearchClient,
  target: string,
  deadLetters: DeadLetterQueue,
  logger: Logger,
  options: ViewWriterOptions,
  backpressure?: (waiting: boolean) => void,
): BulkWriter<KafkaRecord> {
  return new BulkWriter<KafkaRecord>(
    es,
    {
      deadLetter: (items) =>
        deadLetters.send(
          items.map(({ source, reason }) => ({ record: source, reason: `history: ${reason}` })),
        ),
      backpressure,
    },
    logger,
    { ...options, target },
  );
}
