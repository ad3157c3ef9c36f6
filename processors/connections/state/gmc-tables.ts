// The GMC side of the join: the GMC sync's state (gmc.doctors), the recommendation
// service's copy (doctorsForDB, which also carries manual connection changes and admin),
// and the exception logs. The newest GMC state wins (DOMAIN.md section 5.5).
import type { ExceptionLog, GmcState } from '../../rules/types';
import type { DoctorsForDbRow, ExceptionLogRow } from '../sources/changes';
import type { GmcDoctorState as GmcSyncState } from '../../gmc-fetch/state';

/** The part of a GMC sync state (a gmc.doctors value) the connection rules read. */
export type GmcDoctorState = Pick<
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

export type GmcChange =
  | { source: 'gmcDoctors'; key: string; op: 'upsert'; row: GmcDoctorState }
  | { source: 'gmcDoctors'; key: string; op: 'delete' };

export class GmcTables {
  private readonly syncStates = new Map<string, GmcDoctorState>();
  private readonly doctorsForDb = new Map<string, DoctorsForDbRow>();
  private readonly exceptionLogs = new Map<string, ExceptionLogRow>();
  private readonly exceptionLogsByGmcNumber = new Map<string, Set<string>>();

  applySyncState(change: GmcChange): string {
    if (change.op === 'upsert') {
      const previous = this.syncStates.get(change.key);
      // A replayed or reordered older state never replaces a newer one.
      if (!previous || previous.requestTime <= change.row.requestTime)
        this.syncStates.set(change.key, change.row);
    } else {
      this.syncStates.delete(change.key);
    }
    return change.key;
  }

  applyDoctorsForDb(key: string, row: DoctorsForDbRow | null): string {
    if (row) this.doctorsForDb.set(key, row);
    else this.doctorsForDb.delete(key);
    return key;
  }

  /** Returns the GMC numbers whose exception state may have changed (before and after). */
  applyExceptionLog(id: string, row: ExceptionLogRow | null): string[] {
    const affected: string[] = [];
    const previous = this.exceptionLogs.get(id);
    if (previous) {
      this.exceptionLogsByGmcNumber.get(previous.gmcId)?.delete(id);
      affected.push(previous.gmcId);
    }
    if (row) {
      this.exceptionLogs.set(id, row);
      let ids = this.exceptionLogsByGmcNumber.get(row.gmcId);
      if (!ids) this.exceptionLogsByGmcNumber.set(row.gmcId, (ids = new Set()));
      ids.add(id);
      affected.push(row.gmcId);
    } else {
      this.exceptionLogs.delete(id);
    }
    return affected;
  }

  doctorsForDbRow(gmcNumber: string): DoctorsForDbRow | undefined {
    return this.doctorsForDb.get(gmcNumber);
  }

  exceptionLogRow(id: string): ExceptionLogRow | undefined {
    return this.exceptionLogs.get(id);
  }

  /** Doctors known from GMC or doctorsForDB (exception logs alone do not make a doctor). */
  gmcNumbers(): string[] {
    return [...new Set([...this.syncStates.keys(), ...this.doctorsForDb.keys()])];
  }

  isKnown(gmcNumber: string): boolean {
    return this.syncStates.has(gmcNumber) || this.doctorsForDb.has(gmcNumber);
  }

  /** The newest of the GMC sync state and the doctorsForDB document; admin always from the latter. */
  gmcStateFor(gmcNumber: string): GmcState | null {
    const sync = this.syncStates.get(gmcNumber);
    const copy = this.doctorsForDb.get(gmcNumber);
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

  latestExceptionLog(gmcNumber: string): ExceptionLog | null {
    let latest: ExceptionLogRow | undefined;
    for (const id of this.exceptionLogsByGmcNumber.get(gmcNumber) ?? []) {
      const row = this.exceptionLogs.get(id) as ExceptionLogRow;
      if (!latest || row.timestamp > latest.timestamp) latest = row;
    }
    return latest
      ? { errorMessage: latest.errorMessage, timestamp: latest.timestamp.toISOString() }
      : null;
  }

  sourcesOf(gmcNumber: string): string[] {
    const sources: string[] = [];
    if (this.syncStates.has(gmcNumber)) sources.push('gmc');
    if (this.doctorsForDb.has(gmcNumber)) sources.push('doctorsForDB');
    if (this.exceptionLogsByGmcNumber.get(gmcNumber)?.size) sources.push('exceptionLogs');
    return sources;
  }
}
