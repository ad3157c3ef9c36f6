// The gmc.doctors contract, owned by its producer (the GMC sync) and used by every reader:
// the value type (schemas/gmc-doctor.avsc), how it is encoded, and how a record is read —
// the key checked by the identity rule, the value decoded and matched against the key. What
// a reader does with a refusal (dead-letter it, or stop a sync run) is the reader's policy.
import type { GmcDoctor } from '../platform/gmc-soap';
import type { KafkaRecord } from '../platform/kafka';
import {
  isRegistryEncoded,
  RegistryUnavailableError,
  type SchemaRegistryCodecs,
} from '../platform/registry';
import { ok, refuse, type Refusal, type Result } from '../platform/result';
import { gmcNumberOf, gmcNumberRefusal, type GmcNumber } from '../rules/identity';

/** The GMC state of one doctor: the value of gmc.doctors, keyed by GMC reference number. */
export interface GmcDoctorState extends GmcDoctor {
  /** The body whose list holds the doctor; null once the doctor is in no fetched list. */
  designatedBody: string | null;
  existsInGmc: boolean;
  /** When the run that produced this state asked GMC. */
  requestTime: Date;
  runId: string;
}

/** A read gmc.doctors record: the doctor's state, or null for a tombstone. */
export interface GmcDoctorsRecord {
  gmcNumber: GmcNumber;
  state: GmcDoctorState | null;
}

export function encodeGmcDoctorState(
  codecs: SchemaRegistryCodecs,
  state: GmcDoctorState,
): Promise<Buffer> {
  return codecs.encode('gmcDoctor', state);
}

export async function decodeGmcDoctorsRecord(
  record: KafkaRecord,
  codecs: SchemaRegistryCodecs,
): Promise<Result<GmcDoctorsRecord, Refusal>> {
  const rawKey = record.key?.toString('utf8');
  const verdict = gmcNumberOf(rawKey);
  if (!verdict.ok) {
    return refuse(gmcNumberRefusal('gmc.doctors key', rawKey, verdict.error), verdict.error);
  }
  const gmcNumber = verdict.value;
  if (record.value === null) return ok({ gmcNumber, state: null });
  if (!isRegistryEncoded(record.value))
    return refuse('gmc.doctors value is not registry-framed Avro');
  let state: GmcDoctorState;
  try {
    state = (await codecs.decode(record.value)) as GmcDoctorState;
  } catch (error) {
    if (error instanceof RegistryUnavailableError) throw error; // not the record's fault
    const message = error instanceof Error ? error.message : String(error);
    return refuse(`gmc.doctors value cannot be decoded: ${message}`);
  }
  if (state.gmcReferenceNumber !== gmcNumber) {
    return refuse(
      `gmc.doctors key ${gmcNumber} differs from gmcReferenceNumber ${state.gmcReferenceNumber}`,
    );
  }
  return ok({ gmcNumber, state });
}
