// The GMC side of a doctor: the GMC sync's state (gmc.doctors), the recommendation service's
// copy (doctorsForDB, which also carries manual connection changes and admin), and the
// exception logs. The newest GMC state wins (docs/rules.md §5.5). Pure functions only.
import type { ExceptionLog, GmcState } from '../../rules/types';
import type { DoctorsForDbRow, ExceptionLogRow } from '../sources/changes';
import type { GmcDoctorState as GmcSyncState } from '../../gmc-fetch/gmc-doctors';

/** The part of a GMC sync state (a gmc.doctors value) the connection rules read. */
export type SyncedGmcState = Pick<
  GmcSyncState,
  | 'gmcReferenceNumber'
  | 'doctorFirstName'
  | 'doctorLastName'
  | 'submissionDate'
  | 'underNotice'
  | 'designatedBody'
  | 'existsInGmc'
  | 'requestTime'
>;

/**
 * Only those fields of a gmc.doctors value: the doctors store keeps, and `reval explain` shows,
 * nothing of GMC's record the rules do not read (its fitness-to-practise flags among them).
 */
export function syncedStateOf(state: GmcSyncState): SyncedGmcState {
  return {
    gmcReferenceNumber: state.gmcReferenceNumber,
    doctorFirstName: state.doctorFirstName,
    doctorLastName: state.doctorLastName,
    submissionDate: state.submissionDate,
    underNotice: state.underNotice,
    designatedBody: state.designatedBody,
    existsInGmc: state.existsInGmc,
    requestTime: state.requestTime,
  };
}

/** `sourcePosition` is the sync run's id and `sourceTime` its request time, for provenance. */
export type GmcChange = (
  | { source: 'gmcDoctors'; key: string; op: 'upsert'; row: SyncedGmcState }
  | { source: 'gmcDoctors'; key: string; op: 'delete' }
) & { sourcePosition?: string; sourceTime?: string };

/** A replayed or reordered older GMC state never replaces a newer one. */
export function newerSyncState(
  held: SyncedGmcState | undefined,
  incoming: SyncedGmcState,
): SyncedGmcState {
  return held && held.requestTime > incoming.requestTime ? held : incoming;
}

/** The newest of the GMC sync state and the doctorsForDB document; admin always from the latter. */
export function gmcStateOf(
  sync: SyncedGmcState | undefined,
  copy: DoctorsForDbRow | undefined,
): GmcState | null {
  const copyTime = copy?.gmcLastUpdatedDateTime?.getTime() ?? -Infinity;
  const admin = copy?.admin ?? null;
  if (sync && (!copy || sync.requestTime.getTime() >= copyTime)) {
    return {
      designatedBody: sync.designatedBody || null,
      existsInGmc: sync.existsInGmc,
      lastUpdated: sync.requestTime.toISOString(),
      firstName: sync.doctorFirstName,
      lastName: sync.doctorLastName,
      submissionDate: sync.submissionDate,
      underNotice: sync.underNotice,
      admin,
    };
  }
  if (copy) {
    return {
      designatedBody: copy.designatedBodyCode || null,
      existsInGmc: copy.existsInGmc ?? Boolean(copy.designatedBodyCode),
      lastUpdated: (copy.gmcLastUpdatedDateTime ?? new Date(0)).toISOString(),
      firstName: copy.doctorFirstName,
      lastName: copy.doctorLastName,
      submissionDate: copy.submissionDate,
      underNotice: copy.underNotice,
      admin,
    };
  }
  return null;
}

export function latestExceptionLog(logs: Iterable<ExceptionLogRow>): ExceptionLog | null {
  let latest: ExceptionLogRow | undefined;
  for (const row of logs) {
    if (!latest || row.timestamp > latest.timestamp) latest = row;
  }
  return latest
    ? { errorMessage: latest.errorMessage, timestamp: latest.timestamp.toISOString() }
    : null;
}
