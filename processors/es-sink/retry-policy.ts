// Pure: what to do with each bulk item Elasticsearch answers, and how long to wait before
// trying again. Kept apart from the writer so the policy is table-tested without a cluster.
import type { BulkItemOutcome } from '../platform/elasticsearch';

export type ItemVerdict =
  /** Written (or deleted). */
  | 'done'
  /** A newer version is already there (409), or the doctor is already gone: nothing to do. */
  | 'superseded'
  /** Elasticsearch will never accept this document: dead-letter it and carry on. */
  | 'malformed'
  /** Overload (429) or a transient failure: send the item again after a pause. */
  | 'throttled'
  | 'retry';

/** 400-class errors about the document itself, as opposed to the cluster or the request. */
const MALFORMED_TYPES = new Set([
  'mapper_parsing_exception',
  'document_parsing_exception',
  'strict_dynamic_mapping_exception',
  'illegal_argument_exception',
  'mapper_exception',
  'document_source_missing_exception',
]);

export function verdictFor(action: 'index' | 'delete', outcome: BulkItemOutcome): ItemVerdict {
  const { status, errorType } = outcome;
  if (status >= 200 && status < 300) return 'done';
  if (status === 409 || errorType === 'version_conflict_engine_exception') return 'superseded';
  // Deleting a doctor that is not there leaves the index as the tombstone wants it.
  if (action === 'delete' && status === 404 && errorType === undefined) return 'superseded';
  if (status === 429) return 'throttled';
  if (status === 400 && (errorType === undefined || MALFORMED_TYPES.has(errorType))) {
    return 'malformed';
  }
  // 404 index_not_found (alias missing mid-swap), 5xx, unavailable shards: the write must
  // still happen, so it waits for the cluster rather than being dropped.
  return 'retry';
}

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Share of each delay drawn at random, so that several sinks do not retry in step. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 30_000, jitter: 0.2 };

/** Delay before retry number `attempt` (1 for the first retry): doubling, capped, jittered. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const spread = base * policy.jitter;
  return Math.round(base - spread + random() * 2 * spread);
}
