// Kafka record → sink action: the registry decodes the Avro value, the pure mapping does the
// rest. Anything that fails here is answered as a dead letter, never dropped.
import type { KafkaRecord } from '../platform/kafka';
import { RegistryUnavailableError, type SchemaRegistryCodecs } from '../platform/registry';
import type { WriteItem } from './bulk-writer';
import { toSinkAction, VERSION_HEADER, type DoctorDocument } from './doctor-document';

export interface DecodedBatch {
  items: WriteItem<KafkaRecord, DoctorDocument>[];
  rejected: { record: KafkaRecord; reason: string }[];
}

export async function decodeRecords(
  records: readonly KafkaRecord[],
  codecs: SchemaRegistryCodecs,
): Promise<DecodedBatch> {
  const batch: DecodedBatch = { items: [], rejected: [] };
  for (const record of records) {
    let value: unknown = null;
    if (record.value !== null) {
      try {
        value = await codecs.decode(record.value);
      } catch (error) {
        // The registry's fault, not the record's: thrown, so the batch is read again later.
        if (error instanceof RegistryUnavailableError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        batch.rejected.push({ record, reason: `cannot decode the Avro value: ${message}` });
        continue;
      }
    }
    const mapped = toSinkAction({
      key: record.key?.toString('utf8') ?? null,
      value,
      versionHeader: record.headers[VERSION_HEADER]?.toString('utf8') ?? null,
    });
    if (mapped.ok) batch.items.push({ action: mapped.value, source: record });
    else batch.rejected.push({ record, reason: mapped.error });
  }
  return batch;
}
