// The benchmark's baseline: final doctor documents loaded with plain `_bulk` requests into a
// fresh index with the same mapping — no Kafka, no Avro, no versions, no retries. A rebuild
// is judged by how close it comes to this rate. Only the benchmarks use it, so it lives here
// beside them (compiled into dist for `npm run bench`), not in the product's es-sink.
import type { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import type { DoctorDocument } from '../../processors/es-sink/doctor-document';
import {
  BULK_LOAD_SETTINGS,
  DOCTOR_INDEX_SETTINGS,
  DOCTOR_MAPPINGS,
  LIVE_SETTINGS,
} from '../../processors/es-sink/mappings';

export interface BulkLoadOptions {
  es: ElasticsearchClient;
  /** A fresh index; it must not exist. */
  index: string;
  /** Same defaults as the sink (ES_BULK_MAX_ACTIONS, ES_BULK_MAX_IN_FLIGHT), for a fair race. */
  chunkSize?: number;
  concurrency?: number;
  /** Default false: the index is deleted after the measurement. */
  keepIndex?: boolean;
}

export interface BulkLoadResult {
  index: string;
  documents: number;
  /** From the first request to the documents being searchable (after the refresh). */
  seconds: number;
  documentsPerSecond: number;
}

export async function bulkLoadRaw(
  documents: readonly DoctorDocument[],
  options: BulkLoadOptions,
): Promise<BulkLoadResult> {
  const { es, index } = options;
  const chunkSize = options.chunkSize ?? 1_000;
  const concurrency = options.concurrency ?? 2;
  if (
    (await es.createIndex(index, {
      settings: { ...DOCTOR_INDEX_SETTINGS, ...BULK_LOAD_SETTINGS },
      mappings: DOCTOR_MAPPINGS,
    })) === 'exists'
  ) {
    throw new Error(`${index} already exists: bulkLoadRaw needs a fresh index`);
  }
  try {
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < documents.length) {
        const chunk = documents.slice(next, next + chunkSize);
        next += chunkSize;
        const outcomes = await es.bulk(
          index,
          chunk.map((document) => ({
            action: 'index' as const,
            id: document.gmcReferenceNumber,
            document,
          })),
        );
        const failed = outcomes.find((o) => o.status >= 300);
        if (failed) throw new Error(`bulk item failed: ${failed.status} ${failed.errorType ?? ''}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await es.putSettings(index, LIVE_SETTINGS);
    await es.refresh(index);
    const seconds = (performance.now() - started) / 1000;
    return {
      index,
      documents: documents.length,
      seconds,
      documentsPerSecond: documents.length / seconds,
    };
  } finally {
    if (!options.keepIndex) await es.deleteIndex(index);
  }
}
