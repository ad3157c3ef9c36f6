// gmc.doctors is this project's own topic (Avro, key = GMC number); unlike the Debezium
// inputs it needs no envelope handling, only decoding and a sanity check.
import type { KafkaRecord } from '../platform/kafka';
import type { SchemaRegistryCodecs } from '../platform/registry';
import { isRegistryEncoded } from '../platform/registry';
import type { GmcChange, GmcDoctorState } from './state/gmc-doctor-state';

export async function decodeGmcDoctor(
  record: KafkaRecord,
  codecs: SchemaRegistryCodecs,
): Promise<GmcChange | { error: string }> {
  const key = record.key?.toString('utf8').trim();
  if (!key) return { error: 'gmc.doctors record has no key (GMC reference number)' };
  if (record.value === null) return { source: 'gmcDoctors', key, op: 'delete' };
  if (!isRegistryEncoded(record.value))
    return { error: 'gmc.doctors value is not registry-framed Avro' };
  let state: GmcDoctorState;
  try {
    state = (await codecs.decode(record.value)) as GmcDoctorState;
  } catch (error) {
    return {
      error: `gmc.doctors value cannot be decoded: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (state.gmcReferenceNumber !== key) {
    return {
      error: `gmc.doctors key ${key} differs from gmcReferenceNumber ${state.gmcReferenceNumber}`,
    };
  }
  return { source: 'gmcDoctors', key, op: 'upsert', row: state };
}
