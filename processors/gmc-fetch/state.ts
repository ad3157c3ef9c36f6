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

/**
 * Makes restored states share equal values (body codes, statuses, dates, common names, the
 * run id and request time every state of one run carries): a hundred thousand decoded
 * states otherwise hold a million separate copies of a few thousand distinct values.
 */
export function stateInterner(): (state: GmcDoctorState) => GmcDoctorState {
  const strings = new Map<string, string>();
  const times = new Map<number, Date>();
  const share = (value: string | null): string | null => {
    if (value === null) return null;
    const shared = strings.get(value);
    if (shared !== undefined) return shared;
    strings.set(value, value);
    return value;
  };
  return (state) => {
    let requestTime = times.get(state.requestTime.getTime());
    if (!requestTime) times.set(state.requestTime.getTime(), (requestTime = state.requestTime));
    return {
      gmcReferenceNumber: state.gmcReferenceNumber,
      doctorFirstName: share(state.doctorFirstName),
      doctorLastName: share(state.doctorLastName),
      submissionDate: share(state.submissionDate),
      dateAdded: share(state.dateAdded),
      underNotice: state.underNotice,
      doctorStatus: share(state.doctorStatus),
      breach: share(state.breach),
      investigation: share(state.investigation),
      preliminaryInvestigation: share(state.preliminaryInvestigation),
      sanction: share(state.sanction),
      designatedBody: share(state.designatedBody),
      existsInGmc: state.existsInGmc,
      requestTime,
      runId: share(state.runId)!,
    };
  };
}
