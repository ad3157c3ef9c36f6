// Kafka record → sink action: the registry decodes the Avro value, the pure mapping (a doctor's
// record, or a change record) does the rest. Anything that fails here is answered as a dead letter, never dropped.
import type { KafkaRecord } from '../platform/kafka';
import type { SchemaRegistryCodecs } from '../platform/registry';
import type { WriteItem } from './bulk-writer';
import {
  toSinkAction,
  VERSION_HEADER,
  type DoctorDocument,
  type MappedRecord,
} from './doctor-document';
import { toHistoryAction, type HistoryDocument } from './history-document';
import type { Result } from '../platform/result';

export interface DecodedBatch<D extends object = DoctorDocument> {
  items: WriteItem<KafkaRecord, D>[];
  rejected: { record: KafkaRecord; reason: string }[];
}

/** reval.connections records to doctor actions. */
export function decodeRecords(
  records: readonly KafkaRecord[],
  codecs: SchemaRegistryCodecs,
): Promise<DecodedBatch> {
  return decodeWith(records, codecs, (record, value): MappedRecord =>
    toSinkAction({
      key: record.key?.toString('utf8') ?? null,
      value,
      versionHeader: record.headers[VERSION_HEADER]?.toString('utf8') ?? null,
    }),
  );
}

/** reval.connection-changes records to history actions. */
export function decodeHistoryRecords(
  records: readonly KafkaRecord[],
  codecs: SchemaRegistryCodecs,
): Promise<DecodedBatch<HistoryDocument>> {
  return decodeWith(records, codecs, (record, value) =>
    toHistoryAction(record.key?.toString('utf8') ?? null, value),
  );
}

async function decodeWith<D extends object>(
  records: readonly KafkaRecord[],
  codecs: SchemaRegistryCodecs,
  map: (record: KafkaRecord, value: unknown) => Result<WriteItem<KafkaRecord, D>['action'], string>,
): Promise<DecodedBatch<D>> {
  const batch: DecodedBatch<D> = { items: [], rejected: [] };
  for (const record of records) {
    let value: unknown = null;
    if (record.value !== null) {
      try {
        value = await codecs.decode(record.value);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        batch.rejected.push({ record, reason: `cannot decode the Avro value: ${message}` });
        continue;
      }
    }
    const mapped = map(record, value);
    if (mapped.ok) batch.items.push({ action: mapped.value, source: record });
    else batch.rejected.push({ record, reason: mapped.error });
  }
  return batch;
}
