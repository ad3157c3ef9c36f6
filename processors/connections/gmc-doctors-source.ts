// gmc.doctors as a connections input: the shared reading of the topic, as a change.
import type { KafkaRecord } from '../platform/kafka';
import type { SchemaRegistryCodecs } from '../platform/registry';
import { decodeGmcDoctorsRecord } from '../gmc-fetch/gmc-doctors-record';
import type { DecodeError } from './sources';
import type { GmcChange } from './state/gmc-doctor-state';

export async function decodeGmcDoctor(
  record: KafkaRecord,
  codecs: SchemaRegistryCodecs,
): Promise<GmcChange | DecodeError> {
  const decoded = await decodeGmcDoctorsRecord(record, codecs);
  if ('error' in decoded) return decoded;
  const key = decoded.gmcNumber;
  return decoded.state === null
    ? { source: 'gmcDoctors', key, op: 'delete' }
    : { source: 'gmcDoctors', key, op: 'upsert', row: decoded.state };
}
