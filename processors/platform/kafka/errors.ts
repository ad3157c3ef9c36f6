// Which Kafka error answers are weather, not failure: ones that mean metadata is still
// settling (asked again here), and ones kafkajs recovers from by itself (kept out of our
// error logs). Kafka's own error names, as kafkajs gives them in KafkaJSProtocolError.type.
import { KafkaJSError, KafkaJSProtocolError } from 'kafkajs';

/** The protocol error's name (`NOT_LEADER_OR_FOLLOWER`), or else kafkajs's error class name. */
export function errorType(error: unknown): string {
  if (error instanceof KafkaJSProtocolError) return error.type;
  if (error instanceof KafkaJSError) return error.name;
  return (error as { type?: string }).type ?? (error as Error | undefined)?.name ?? '';
}

// Answers that mean "metadata moved or is not there yet" (a topic just created, a leader
// moving): refresh it and ask again. kafkajs names error code 6 NOT_LEADER_FOR_PARTITION.
export const METADATA_IN_MOTION = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_LEADER_FOR_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'KafkaJSTopicMetadataNotLoaded',
]);

// kafkajs logs only an error's message, and exports no table of Kafka's errors, so the
// messages of the ones it recovers from come from its protocol table (a private path, kept to
// this folder): the retriable ones, and the group-membership answers it meets by rejoining (a
// rebalance in progress, a member the coordinator has forgotten, as after our eviction of a
// killed predecessor).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsErrors = require('kafkajs/src/protocol/error') as {
  errorCodes: { type: string; message: string; retriable: boolean }[];
};
const REJOINED = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID']);

/** The group answers after which a member must join the group again, not give up. */
const REJOIN_ERRORS = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/**
 * A commit refused because this member was evicted from its group (its batch outlasted the
 * session timeout: Elasticsearch or MongoDB away, a starved CPU) reaches kafkajs wrapped by
 * its commit retrier as a non-retriable error. kafkajs then stops the consumer for good
 * while the process runs on, consuming nothing. Its fetch loop joins the group again, and
 * reads again from the last committed position, only when it sees the protocol error itself:
 * so the commit's error is unwrapped to it.
 */
export function rejoinable(error: unknown): unknown {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (REJOIN_ERRORS.has(String((cause as { type?: unknown }).type))) return cause;
  }
  return error;
}
export const RETRIABLE_ERROR_MESSAGES = new Set(
  kafkajsErrors.errorCodes
    .filter((code) => code.retriable || REJOINED.has(code.type))
    .map((code) => code.message),
);
