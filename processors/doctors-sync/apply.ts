// Applies GMC states to MongoDB doctorsForDB (DOMAIN.md section 5) as guarded upserts: a
// state only lands on a document whose gmcLastUpdatedDateTime is older (or missing), so a
// replay, a duplicate or a late record never moves a doctor back in time, and a manual
// connection change made after the run is not overwritten. Fields GMC does not own
// (admin, doctorStatus) are never set, except NOT_STARTED for a doctor seen first here.
//
// FerretDB and MongoDB answer a guarded upsert whose guard fails the same way: the filter
// matches nothing, the upsert tries to insert the existing _id and gets E11000. That error
// means "a newer or equal state is already there", and is counted as stale.
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { isDuplicateKeyError } from '../platform/mongodb';
import type { GmcDoctorState } from '../gmc-fetch/state';
import type { DoctorsForDbDocument } from './doctors-for-db-document';

export const DOCTORS_FOR_DB_COLLECTION = 'doctorsForDB';

/** A calendar date as the recommendation service stores LocalDate: midnight UTC. */
function storedDate(isoDate: string | null): Date | null {
  return isoDate === null ? null : new Date(`${isoDate}T00:00:00Z`);
}

export function guardedUpsert(state: GmcDoctorState): AnyBulkWriteOperation<DoctorsForDbDocument> {
  const time = state.requestTime;
  return {
    updateOne: {
      filter: {
        _id: state.gmcReferenceNumber,
        // `null` matches both a missing field and an explicit null.
        $or: [{ gmcLastUpdatedDateTime: { $lt: time } }, { gmcLastUpdatedDateTime: null }],
      } as never,
      update: {
        $set: {
          gmcReferenceNumber: state.gmcReferenceNumber,
          doctorFirstName: state.doctorFirstName,
          doctorLastName: state.doctorLastName,
          submissionDate: storedDate(state.submissionDate),
          dateAdded: storedDate(state.dateAdded),
          underNotice: state.underNotice,
          sanction: state.sanction,
          designatedBodyCode: state.designatedBody,
          existsInGmc: state.designatedBody !== null,
          gmcLastUpdatedDateTime: time,
          // Derived from the state, not the clock, so a replay writes identical documents.
          lastUpdatedDate: storedDate(time.toISOString().slice(0, 10))!,
        },
        $setOnInsert: { doctorStatus: 'NOT_STARTED', admin: null },
      },
      upsert: true,
    },
  };
}

export interface ApplyResult {
  applied: number;
  stale: number;
}

function onlyStaleWrites(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  const errors = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return errors.length > 0 && errors.every(isDuplicateKeyError);
}

/** One guarded upsert at a time: each either lands or is stale, whatever the server. */
async function applyOneByOne(
  collection: Collection<DoctorsForDbDocument>,
  states: readonly GmcDoctorState[],
): Promise<ApplyResult> {
  let stale = 0;
  for (const state of states) {
    try {
      await collection.bulkWrite([guardedUpsert(state)]);
    } catch (error) {
      if (!onlyStaleWrites(error)) throw error;
      stale++;
    }
  }
  return { applied: states.length - stale, stale };
}

/**
 * Writes per bulk request. FerretDB's time per upsert grows with the size of the request
 * (50: ~1.5 ms each, 150: ~18 ms each on this machine); MongoDB does not mind either way.
 */
const BULK_CHUNK = 50;

/**
 * Resolves once MongoDB has acknowledged every write; throws if any failed for real.
 * States older than the documents are dropped up front, so a replay costs one read and no
 * failed writes. The guard still decides: if another writer gets in between, the bulk
 * write fails with duplicate keys, and that chunk is applied again one state at a time
 * (FerretDB stops an unordered bulk write at its first error, so its partial result says
 * nothing about the rest).
 */
export async function applyGmcStates(
  collection: Collection<DoctorsForDbDocument>,
  states: readonly GmcDoctorState[],
): Promise<ApplyResult> {
  if (states.length === 0) return { applied: 0, stale: 0 };
  const stored = new Map<string, Date | null>();
  const existing = collection.find(
    { _id: { $in: states.map((s) => s.gmcReferenceNumber) } },
    { projection: { gmcLastUpdatedDateTime: 1 } },
  );
  for await (const doc of existing) stored.set(doc._id, doc.gmcLastUpdatedDateTime ?? null);
  const fresh = states.filter((state) => {
    const time = stored.get(state.gmcReferenceNumber);
    return !time || time.getTime() < state.requestTime.getTime();
  });
  const result = { applied: 0, stale: states.length - fresh.length };
  for (let i = 0; i < fresh.length; i += BULK_CHUNK) {
    const chunk = fresh.slice(i, i + BULK_CHUNK);
    try {
      await collection.bulkWrite(chunk.map(guardedUpsert), { ordered: false });
      result.applied += chunk.length;
    } catch (error) {
      if (!onlyStaleWrites(error)) throw error;
      const oneByOne = await applyOneByOne(collection, chunk);
      result.applied += oneByOne.applied;
      result.stale += oneByOne.stale;
    }
  }
  return result;
}
