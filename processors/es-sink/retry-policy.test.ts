// What the sink does with each answer Elasticsearch can give an item, and how long it waits.
import { backoffDelay, verdictFor, type ItemVerdict } from './retry-policy';

describe('verdict per bulk item', () => {
  it.each<[string, 'index' | 'delete', number, string | undefined, ItemVerdict]>([
    ['created', 'index', 201, undefined, 'done'],
    ['updated', 'index', 200, undefined, 'done'],
    ['deleted', 'delete', 200, undefined, 'done'],
    ['a newer version is there', 'index', 409, 'version_conflict_engine_exception', 'superseded'],
    ['a newer delete is there', 'delete', 409, 'version_conflict_engine_exception', 'superseded'],
    ['doctor already absent', 'delete', 404, undefined, 'superseded'],
    ['overloaded', 'index', 429, 'es_rejected_execution_exception', 'throttled'],
    ['flood-stage block', 'index', 429, 'cluster_block_exception', 'throttled'],
    ['strict mapping', 'index', 400, 'strict_dynamic_mapping_exception', 'malformed'],
    ['unparsable field', 'index', 400, 'document_parsing_exception', 'malformed'],
    ['mapper parsing', 'index', 400, 'mapper_parsing_exception', 'malformed'],
    ['alias missing mid-swap', 'index', 404, 'index_not_found_exception', 'retry'],
    ['shard unavailable', 'index', 503, 'unavailable_shards_exception', 'retry'],
    ['node failure', 'delete', 500, 'node_closed_exception', 'retry'],
    ['write block (not the document)', 'index', 403, 'cluster_block_exception', 'retry'],
  ])('%s → %s', (_name, action, status, errorType, verdict) => {
    expect(verdictFor(action, { status, errorType })).toBe(verdict);
  });
});

describe('exponential backoff', () => {
  const policy = { initialMs: 100, maxMs: 30_000, jitter: 0 };

  it('doubles from the initial delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 10, 20, 1_000].map((n) => backoffDelay(n, policy))).toEqual([
      100, 200, 400, 800, 1_600, 30_000, 30_000, 30_000,
    ]);
  });

  it('spreads each delay by the jitter share on both sides', () => {
    const jittered = { ...policy, jitter: 0.2 };
    expect(backoffDelay(3, jittered, () => 0)).toBe(320);
    expect(backoffDelay(3, jittered, () => 1)).toBe(480);
    expect(backoffDelay(3, jittered, () => 0.5)).toBe(400);
  });
});
