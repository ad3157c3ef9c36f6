// The GMC state of one doctor: the value of the compacted topic gmc.doctors (schema
// schemas/gmc-doctor.avsc), keyed by GMC reference number.
import type { GmcDoctor } from '../platform/gmc-soap';

export interface GmcDoctorState extends GmcDoctor {
  /** The body whose list holds the doctor; null once the doctor is in no fetched list. */
  designatedBody: string | null;
  existsInGmc: boolean;
  /** When the run that produced this state asked GMC. */
  requestTime: Date;
  runId: string;
}

const GMC_OWNED_FIELDS = [
  'doctorFirstName',
  'doctorLastName',
  'submissionDate',
  'dateAdded',
  'underNotice',
  'doctorStatus',
  'breach',
  'investigation',
  'preliminaryInvestigation',
  'sanction',
  'designatedBody',
  'existsInGmc',
] as const satisfies readonly (keyof GmcDoctorState)[];

/** Whether two states say the same about the doctor, whichever run produced them. */
export function sameGmcData(a: GmcDoctorState, b: GmcDoctorState): boolean {
  return GMC_OWNED_FIELDS.every((field) => (a[field] ?? null) === (b[field] ?? null));
}

export function connectedState(
  doctor: GmcDoctor,
  designatedBody: string,
  run: { runId: string; requestTime: Date },
): GmcDoctorState {
  return { ...doctor, designatedBody, existsInGmc: true, ...run };
}

/** GMC no longer lists the doctor anywhere: the rest of what GMC last said is kept. */
export function disconnectedState(
  previous: GmcDoctorState,
  run: { runId: string; requestTime: Date },
): GmcDoctorState {
  return { ...previous, designatedBody: null, existsInGmc: false, ...run };
}
