// Applies GMC states to MongoDB doctorsForDB (docs/rules.md §5.7) as guarded upserts: a
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

export function guardedUpsert(state: GmcDoctorState): AnyBulkWriteOperation<DoctorsForDbDocument> {
  return {
    updateOne: {
      filter: {
        _id: state.gmcReferenceNumber,
        // `null` matches both a missing field and an explicit null.
        $or: [
          { gmcLastUpdatedDateTime: { $lt: state.requestTime } },
          { gmcLastUpdatedDateTime: null },
        ],
      } as never,
      update: { $set: gmcFields(state), $setOnInsert: FIRST_SEEN },
      upsert: true,
    },
  };
}

export interface ApplyResult {
  applied: number;
  stale: number;
}

function writeErrorsOf(error: unknown): { index?: number }[] {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  return Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
}

/** Duplicate keys, and nothing else, went wrong: the guard found equal or newer documents. */
function onlyStaleWrites(error: unknown): boolean {
  const errors = writeErrorsOf(error);
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

async function upsertGuarded(
  collection: Collection<DoctorsForDbDocument>,
  states: readonly GmcDoctorState[],
): Promise<ApplyResult> {
  const result = { applied: 0, stale: 0 };
  for (let i = 0; i < states.length; i += BULK_CHUNK) {
    const chunk = states.slice(i, i + BULK_CHUNK);
    try {
      await collection.bulkWrite(chunk.map(guardedUpsert), { ordered: false });
      result.applied += chunk.length;
    } catch (error) {
      // FerretDB stops an unordered bulk write at its first error, so its partial result
      // says nothing about the rest of the chunk: apply it again one state at a time.
      if (!onlyStaleWrites(error)) throw error;
      const oneByOne = await applyOneByOne(collection, chunk);
      result.applied += oneByOne.applied;
      result.stale += oneByOne.stale;
    }
  }
  return result;
}

/**
 * Resolves once MongoDB has acknowledged every write; throws if any failed for real.
 * One read sorts the states: older than their document (a replay) is stale and skipped;
 * a doctor with no document yet is inserted, which is cheap everywhere (FerretDB scans
 * the collection for every update, even by _id); the rest are guarded upserts. The guard,
 * not the read, has the last word: if another writer got in between, an insert meets a
 * duplicate key and the chunk goes through the guarded upserts instead, where an equal or
 * newer document makes the state stale.
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

  const result = { applied: 0, stale: 0 };
  const inserts: GmcDoctorState[] = [];
  const updates: GmcDoctorState[] = [];
  for (const state of states) {
    const time = stored.get(state.gmcReferenceNumber);
    if (!stored.has(state.gmcReferenceNumber)) inserts.push(state);
    else if (!time || time.getTime() < state.requestTime.getTime()) updates.push(state);
    else result.stale++;
  }
  for (let i = 0; i < inserts.length; i += BULK_CHUNK) {
    const chunk = inserts.slice(i, i + BULK_CHUNK);
    try {
      await collection.insertMany(
        chunk.map((state) => ({
          _id: state.gmcReferenceNumber,
          ...gmcFields(state),
          ...FIRST_SEEN,
        })),
        { ordered: false },
      );
      result.applied += chunk.length;
    } catch (error) {
      if (!onlyStaleWrites(error)) throw error;
      const failed = writeErrorsOf(error).map((e) => e.index ?? -1);
      const inserted = (error as { result?: { insertedCount?: number } }).result?.insertedCount;
      // Only when the server accounts for every document do we know which ones landed.
      if (
        inserted !== undefined &&
        inserted + failed.length === chunk.length &&
        !failed.includes(-1)
      ) {
        result.applied += inserted;
        updates.push(...failed.map((index) => chunk[index]));
      } else {
        updates.push(...chunk);
      }
    }
  }
  const upserted = await upsertGuarded(collection, updates);
  return { applied: result.applied + upserted.applied, stale: result.stale + upserted.stale };
}
