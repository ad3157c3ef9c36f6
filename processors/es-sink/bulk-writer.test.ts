// The bulk writer's contract, against a scripted stand-in for Elasticsearch's `_bulk` (the
// real cluster is exercised in es-sink.integration.test.ts): nothing is acknowledged until
// settled, retries wait with backoff, malformed documents are dead-lettered, in-flight
// requests stay bounded.
import {
  ElasticsearchRequestError,
  type BulkItemOutcome,
  type BulkOperation,
  type ElasticsearchClient,
} from '../platform/elasticsearch';
import { createLogger } from '../platform/logger';
import { BulkWriter, StoppedWhileRetryingError, type WriteItem } from './bulk-writer';
import type { DoctorDocument } from './doctor-document';

type Answer = (operations: readonly BulkOperation[]) => BulkItemOutcome[] | Error;

class ScriptedBulk {
  requests: BulkOperation[][] = [];
  concurrent = 0;
  maxConcurrent = 0;
  constructor(
    private readonly answers: Answer[],
    private readonly latencyMs = 0,
  ) {}

  async bulk(_target: string, operations: readonly BulkOperation[]): Promise<BulkItemOutcome[]> {
    this.requests.push([...operations]);
    this.concurrent += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    this.concurrent -= 1;
    const answer = this.answers.shift() ?? ((ops) => ops.map(() => ({ status: 201 })));
    const result = answer(operations);
    if (result instanceof Error) throw result;
    return result;
  }
}

const logger = createLogger('bulk-writer-test', 'silent');
const fastBackoff = { initialMs: 1, maxMs: 5, jitter: 0 };

function item(id: string, version: number): WriteItem<string> {
  return {
    action: { kind: 'index', id, version, document: { gmcReferenceNumber: id } as DoctorDocument },
    source: `record-${id}-v${version}`,
  };
}

function writer(
  es: ScriptedBulk,
  options: { maxActions?: number; maxInFlight?: number; heartbeatEveryMs?: number } = {},
) {
  const deadLetters: { source: string; reason: string }[] = [];
  const backpressure: boolean[] = [];
  const bulkWriter = new BulkWriter<string>(
    es as unknown as ElasticsearchClient,
    {
      deadLetter: async (items) => void deadLetters.push(...items),
      backpressure: (waiting) => backpressure.push(waiting),
    },
    logger,
    { target: 'masterdoctorindex', backoff: fastBackoff, lingerMs: 0, ...options },
  );
  return { bulkWriter, deadLetters, backpressure };
}

describe('BulkWriter', () => {
  it('keeps the consumer alive while a request hangs, not only between retries', async () => {
    // Found by the chaos suite: Elasticsearch SIGSTOPped held one request for the client's
    // 60 s timeout, past the consumer's 30 s session, and the group evicted the es-sink.
    const es = new ScriptedBulk([], 200);
    const { bulkWriter } = writer(es, { heartbeatEveryMs: 20 });
    let heartbeats = 0;
    await bulkWriter.write([item('1', 1)], async () => void (heartbeats += 1));
    expect(es.requests).toHaveLength(1);
    expect(heartbeats).toBeGreaterThanOrEqual(5);
  });

  it('retries only the items Elasticsearch throttled, pausing consumption meanwhile', async () => {
    const es = new ScriptedBulk([
      () => [{ status: 201 }, { status: 429, errorType: 'es_rejected_execution_exception' }],
    ]);
    const { bulkWriter, backpressure } = writer(es);
    await bulkWriter.write([item('1', 1), item('2', 1)]);
    expect(es.requests.map((r) => r.map((op) => op.id))).toEqual([['1', '2'], ['2']]);
    expect(bulkWriter.tally).toMatchObject({ indexed: 2, retries: 1 });
    expect(backpressure).toEqual([true, false]);
  });

  it('retries a whole request the cluster could not take (5xx, connection lost)', async () => {
    const es = new ScriptedBulk([
      () => new ElasticsearchRequestError('503', 503, true),
      () => new ElasticsearchRequestError('connection refused', undefined, true),
    ]);
    const { bulkWriter } = writer(es);
    await bulkWriter.write([item('1', 1)]);
    expect(es.requests).toHaveLength(3);
    expect(bulkWriter.tally.indexed).toBe(1);
  });

  it('fails the write on a request error retrying cannot fix', async () => {
    const es = new ScriptedBulk([() => new ElasticsearchRequestError('bad request', 400, false)]);
    const { bulkWriter } = writer(es);
    await expect(bulkWriter.write([item('1', 1)])).rejects.toThrow('bad request');
  });

  it('dead-letters malformed documents with the reason and counts conflicts as settled', async () => {
    const es = new ScriptedBulk([
      () => [
        {
          status: 400,
          errorType: 'strict_dynamic_mapping_exception',
          reason: 'field [x] not allowed',
        },
        { status: 409, errorType: 'version_conflict_engine_exception' },
        { status: 201 },
      ],
    ]);
    const { bulkWriter, deadLetters } = writer(es);
    await bulkWriter.write([item('1', 1), item('2', 1), item('3', 1)]);
    expect(deadLetters).toEqual([
      {
        source: 'record-1-v1',
        reason: 'Elasticsearch 400 strict_dynamic_mapping_exception: field [x] not allowed',
      },
    ]);
    expect(bulkWriter.tally).toMatchObject({ indexed: 1, superseded: 1, malformed: 1 });
    expect(es.requests).toHaveLength(1);
  });

  it('sends only the newest version of a doctor buffered twice', async () => {
    const es = new ScriptedBulk([]);
    const { bulkWriter } = writer(es);
    await bulkWriter.write([item('1', 5), item('1', 3), item('1', 7), item('2', 1)]);
    expect(es.requests[0].map((op) => [op.id, op.version])).toEqual([
      ['1', 7],
      ['2', 1],
    ]);
    expect(bulkWriter.tally.superseded).toBe(1);
  });

  it('keeps at most maxInFlight requests open and splits by maxActions', async () => {
    const es = new ScriptedBulk([], 20);
    const { bulkWriter } = writer(es, { maxActions: 2, maxInFlight: 2 });
    await bulkWriter.write(Array.from({ length: 9 }, (_, i) => item(String(i), 1)));
    expect(es.requests.map((r) => r.length)).toEqual([2, 2, 2, 2, 1]);
    expect(es.maxConcurrent).toBe(2);
    expect(bulkWriter.tally.indexed).toBe(9);
  });

  it('gives up waiting when stopped, so shutdown does not hang on a dead cluster', async () => {
    const down = () => new ElasticsearchRequestError('unavailable', 503, true);
    const es = new ScriptedBulk(Array.from({ length: 1_000 }, () => down));
    const { bulkWriter } = writer(es);
    const writing = bulkWriter.write([item('1', 1)]);
    setTimeout(() => bulkWriter.stopRetrying(), 30);
    await expect(writing).rejects.toBeInstanceOf(StoppedWhileRetryingError);
  });
});
