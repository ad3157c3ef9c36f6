// Applies GMC states to MongoDB doctorsForDB (docs/rules.md §5.7) as versioned writes
// (processors/platform/mongodb.ts): a state only lands on a document whose
// gmcLastUpdatedDateTime is older (or missing), so a replay, a duplicate or a late record
// never moves a doctor back in time, and a manual connection change made after the run is
// not overwritten. Fields GMC does not own (admin, doctorStatus) are never set, except
// NOT_STARTED for a doctor seen first here.
import {
  insertNew,
  storedVersions,
  upsertIfNewer,
  type Collection,
  type VersionedWrite,
  type VersionedWriteResult,
} from '../platform/mongodb';
import type { GmcDoctorState } from '../gmc-fetch/gmc-doctors';
import type { DoctorsForDbDocument } from './doctors-for-db-document';

export const DOCTORS_FOR_DB_COLLECTION = 'doctorsForDB';

/** A calendar date as the recommendation service stores LocalDate: midnight UTC. */
function storedDate(isoDate: string | null): Date | null {
  return isoDate === null ? null : new Date(`${isoDate}T00:00:00Z`);
}

/** The fields GMC owns, as the document holds them. */
function gmcFields(state: GmcDoctorState) {
  return {
    gmcReferenceNumber: state.gmcReferenceNumber,
    doctorFirstName: state.doctorFirstName,
    doctorLastName: state.doctorLastName,
    submissionDate: storedDate(state.submissionDate),
    dateAdded: storedDate(state.dateAdded),
    underNotice: state.underNotice,
    sanction: state.sanction,
    designatedBodyCode: state.designatedBody,
    existsInGmc: state.designatedBody !== null,
    gmcLastUpdatedDateTime: state.requestTime,
    // Derived from the state, not the clock, so a replay writes identical documents.
    lastUpdatedDate: storedDate(state.requestTime.toISOString().slice(0, 10))!,
  };
}

const FIRST_SEEN = { doctorStatus: 'NOT_STARTED', admin: null } as const;

/** The version field: when GMC was asked for the state the document holds. */
const VERSION_FIELD = 'gmcLastUpdatedDateTime';

function versionedWrite(state: GmcDoctorState): VersionedWrite {
  return {
    id: state.gmcReferenceNumber,
    version: state.requestTime,
    set: gmcFields(state),
    setOnInsert: FIRST_SEEN,
  };
}

export type ApplyResult = VersionedWriteResult;

/**
 * Resolves once MongoDB has acknowledged every write; throws if any failed for real.
 * One read sorts the states: older than their document (a replay) is stale and skipped;
 * a doctor with no document yet is inserted; the rest are guarded upserts. The guard, not
 * the read, has the last word: if another writer got in between, an insert meets a
 * duplicate key and goes through the guarded upserts instead, where an equal or newer
 * document makes the state stale.
 */
export async function applyGmcStates(
  collection: Collection<DoctorsForDbDocument>,
  states: readonly GmcDoctorState[],
): Promise<ApplyResult> {
  if (states.length === 0) return { applied: 0, stale: 0 };
  const ids = states.map((state) => state.gmcReferenceNumber);
  const stored = await storedVersions(collection, ids, VERSION_FIELD);
  let stale = 0;
  const inserts: VersionedWrite[] = [];
  const updates: VersionedWrite[] = [];
  for (const state of states) {
    const time = stored.get(state.gmcReferenceNumber);
    if (!stored.has(state.gmcReferenceNumber)) inserts.push(versionedWrite(state));
    else if (!time || time.getTime() < state.requestTime.getTime()) {
      updates.push(versionedWrite(state));
    } else stale++;
  }
  const { inserted, existing } = await insertNew(collection, inserts);
  const upserted = await upsertIfNewer(collection, [...updates, ...existing], VERSION_FIELD);
  return { applied: inserted + upserted.applied, stale: stale + upserted.stale };
}
