// What the live sink and the rebuild both work with: the service clients, the dead-letter
// queue, the view names (own and legacy) and the topic they read.
import type { DeadLetterQueue } from '../platform/dead-letters';
import type { ElasticsearchClient } from '../platform/elasticsearch';
import type { KafkaClient } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import type { SchemaRegistryCodecs } from '../platform/registry';
import type { ViewNamesOfSink } from './view-sets';

export interface EsClients extends ViewNamesOfSink {
  kafka: KafkaClient;
  codecs: SchemaRegistryCodecs;
  es: ElasticsearchClient;
  deadLetters: DeadLetterQueue;
  logger: Logger;
  /** Usually reval.connections. */
  topic: string;
}
