// What the live sink and the rebuild both work with: the service clients, the dead-letter
// queue, the view names (own and legacy) and the topic they read, and the history's.
import type { DeadLetterQueue } from '../platform/dead-letters';
import type { ElasticsearchClient } from '../platform/elasticsearch';
import type { KafkaClient } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import type { SchemaRegistryCodecs } from '../platform/registry';
import type { HistoryTarget, ViewNamesOfSink } from './view-sets';

export interface EsClients extends ViewNamesOfSink {
  kafka: KafkaClient;
  codecs: SchemaRegistryCodecs;
  es: ElasticsearchClient;
  deadLetters: DeadLetterQueue;
  logger: Logger;
  /** Usually reval.connections. */
  topic: string;
  /** reval.connection-changes into `connectionhistory`; absent: no history is kept. */
  history?: HistoryTarget;
}
