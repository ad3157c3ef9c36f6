// How a sync run's states are made from GMC's answers, compared and shared in memory (the
// state itself is the gmc.doctors contract, ./gmc-doctors.ts).
import type { GmcDoctor } from '../platform/gmc-soap';
import type { GmcDoctorState } from './gmc-doctors';

/** What GMC says about a doctor, apart from where they are connected. */
const DOCTOR_FIELDS = [
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
] as const satisfies readonly (keyof GmcDoctor)[];

/** Whether GMC lists the doctor with the same details, whichever run or list said so. */
export function sameDoctorData(a: GmcDoctor, b: GmcDoctor): boolean {
  return DOCTOR_FIELDS.every((field) => (a[field] ?? null) === (b[field] ?? null));
}

// Written out field by field: a spread costs noticeably more over a hundred thousand doctors.
function stateOf(
  doctor: GmcDoctor,
  designatedBody: string | null,
  run: { runId: string; requestTime: Date },
): GmcDoctorState {
  return {
    gmcReferenceNumber: doctor.gmcReferenceNumber,
    doctorFirstName: doctor.doctorFirstName,
    doctorLastName: doctor.doctorLastName,
    submissionDate: doctor.submissionDate,
    dateAdded: doctor.dateAdded,
    underNotice: doctor.underNotice,
    doctorStatus: doctor.doctorStatus,
    breach: doctor.breach,
    investigation: doctor.investigation,
    preliminaryInvestigation: doctor.preliminaryInvestigation,
    sanction: doctor.sanction,
    designatedBody,
    existsInGmc: designatedBody !== null,
    requestTime: run.requestTime,
    runId: run.runId,
  };
}

export function connectedState(
  doctor: GmcDoctor,
  designatedBody: string,
  run: { runId: string; requestTime: Date },
): GmcDoctorState {
  return stateOf(doctor, designatedBody, run);
}

/** GMC no longer lists the doctor anywhere: the rest of what GMC last said is kept. */
export function disconnectedState(
  previous: GmcDoctorState,
  run: { runId: string; requestTime: Date },
): GmcDoctorState {
  return stateOf(previous, null, run);
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
  // In place: the decoded record is fresh and ours, and a copy would double the garbage.
  return (state) => {
    let requestTime = times.get(state.requestTime.getTime());
    if (!requestTime) times.set(state.requestTime.getTime(), (requestTime = state.requestTime));
    state.requestTime = requestTime;
    state.runId = share(state.runId)!;
    state.designatedBody = share(state.designatedBody);
    for (const field of DOCTOR_FIELDS) {
      if (field !== 'underNotice') state[field] = share(state[field]);
    }
    return state;
  };
}
