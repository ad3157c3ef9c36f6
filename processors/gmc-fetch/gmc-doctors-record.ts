// A gmc.doctors record (this project's own topic: Avro value, key = GMC number) read the one
// way every reader reads it, connections and doctors-sync alike: the key checked by the
// identity function, the value decoded and matched against the key. What a reader does with
// a refusal (dead-letter it, or fail a sync run) is the reader's policy.
import type { KafkaRecord } from '../platform/kafka';
import { isRegistryEncoded, type SchemaRegistryCodecs } from '../platform/registry';
import {
  gmcNumberOf,
  gmcNumberRefusal,
  type GmcNumber,
  type GmcNumberProblem,
} from '../rules/identity';
import type { GmcDoctorState } from './state';

export type GmcDoctorsRecord =
  | { gmcNumber: GmcNumber; state: GmcDoctorState }
  | { gmcNumber: GmcNumber; state: null }
  | { error: string; gmcNumberProblem?: GmcNumberProblem };

export async function decodeGmcDoctorsRecord(
  record: KafkaRecord,
  codecs: SchemaRegistryCodecs,
): Promise<GmcDoctorsRecord> {
  const rawKey = record.key?.toString('utf8');
  const verdict = gmcNumberOf(rawKey);
  if (verdict.problem !== undefined) {
    return {
      error: gmcNumberRefusal('gmc.doctors key', rawKey, verdict.problem),
      gmcNumberProblem: verdict.problem,
    };
  }
  const { gmcNumber } = verdict;
  if (record.value === null) return { gmcNumber, state: null };
  if (!isRegistryEncoded(record.value)) {
    return { error: 'gmc.doctors value is not registry-framed Avro' };
  }
  let state: GmcDoctorState;
  try {
    state = (await codecs.decode(record.value)) as GmcDoctorState;
  } catch (error) {
    return {
      error: `gmc.doctors value cannot be decoded: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (state.gmcReferenceNumber !== gmcNumber) {
    return {
      error: `gmc.doctors key ${gmcNumber} differs from gmcReferenceNumber ${state.gmcReferenceNumber}`,
    };
  }
  return { gmcNumber, state };
}
