// gmc.doctors as a connections input: the producer's own reading of the topic, as a change.
import type { KafkaRecord } from '../platform/kafka';
import type { SchemaRegistryCodecs } from '../platform/registry';
import { ok, type Refusal, type Result } from '../platform/result';
import { decodeGmcDoctorsRecord } from '../gmc-fetch/gmc-doctors';
import { syncedStateOf, type GmcChange } from './state/gmc-doctor-state';

export async function decodeGmcDoctor(
  record: KafkaRecord,
  codecs: SchemaRegistryCodecs,
): Promise<Result<GmcChange, Refusal>> {
  const decoded = await decodeGmcDoctorsRecord(record, codecs);
  if (!decoded.ok) return decoded;
  const { gmcNumber: key, state } = decoded.value;
  return ok(
    state === null
      ? { source: 'gmcDoctors', key, op: 'delete' }
      : {
          source: 'gmcDoctors',
          key,
          op: 'upsert',
          row: syncedStateOf(state),
          sourcePosition: state.runId,
          sourceTime: state.requestTime.toISOString(),
        },
  );
}
