// The interactive query behind GET /doctors/{gmcNumber}: the doctor's state from this
// instance's doctors store when it owns the doctor's partition, explained as of `at`.
import type { StreamsRuntime } from '../../streams/kafka-runtime';
import { DOCTORS_STORE, type DoctorState, type DoctorsSettings } from '../tasks/doctors';
import { STAGES } from '../topology';
import type { DoctorLookup } from './answer';
import { explainState } from './explain-state';

export async function lookupDoctor(
  runtime: Pick<StreamsRuntime, 'queryStore'>,
  gmcNumber: string,
  at: Date,
  settings: DoctorsSettings,
): Promise<DoctorLookup> {
  const found = await runtime.queryStore<DoctorState>(STAGES.doctors, DOCTORS_STORE, gmcNumber);
  if (found.kind !== 'local') return found;
  const { partition, owner, value } = found;
  if (value === undefined) return { kind: 'unknown', partition, owner };
  return {
    kind: 'found',
    explanation: {
      gmcReferenceNumber: gmcNumber,
      partition,
      owner,
      ...explainState(gmcNumber, value, settings, at),
      at: at.toISOString(),
    },
  };
}
