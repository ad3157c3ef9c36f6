// The one module that knows the MongoDB driver. Here that is FerretDB (MongoDB wire
// protocol over SQLite) in tests and the local stack, and MongoDB in production.
//
// Besides connecting, it owns versioned writes: a write lands only on a document whose
// version field is older (or missing), so a replay, a duplicate or a late record never moves
// a document back in time. FerretDB and MongoDB answer such an upsert whose guard fails the
// same way: the filter matches nothing, the upsert tries to insert the existing _id and gets
// E11000. That error means "a newer or equal version is already there": stale, not failed.
import {
  MongoClient,
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Document,
} from 'mongodb';
import type { MongoConfig } from './config';

export type { Collection };

export interface MongoConnection {
  db: Db;
  close(): Promise<void>;
}

export async function connectMongo(config: MongoConfig): Promise<MongoConnection> {
  const client = new MongoClient(config.uri, {
    serverSelectionTimeoutMS: 10_000,
    // The options below only apply when set: credentials and TLS may also come in the URI.
    ...(config.tls
      ? {
          tls: true,
          ca: config.tls.ca,
          tlsAllowInvalidCertificates: !config.tls.rejectUnauthorized,
        }
      : {}),
  });
  await client.connect();
  return { db: client.db(config.database), close: () => client.close() };
}

/** Duplicate-key errors tell a guarded upsert that a newer document is already there. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
  );
}

/** One document's write, guarded by its version (`versionField` of the document). */
export interface VersionedWrite {
  id: string;
  version: Date;
  /** The fields this writer owns. */
  set: Document;
  /** Fields set only when the document is created. */
  setOnInsert: Document;
}

export interface VersionedWriteResult {
  applied: number;
  stale: number;
}

/**
 * Writes per bulk request. FerretDB's time per upsert grows with the size of the request
 * (50: ~1.5 ms each, 150: ~18 ms each on this machine); MongoDB does not mind either way.
 */
const BULK_CHUNK = 50;

function writeErrorsOf(error: unknown): { index?: number }[] {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  return Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
}

/** Duplicate keys, and nothing else, went wrong: the guard found equal or newer documents. */
function onlyStaleWrites(error: unknown): boolean {
  const errors = writeErrorsOf(error);
  return errors.length > 0 && errors.every(isDuplicateKeyError);
}

function guardedUpsert<D extends Document>(
  write: VersionedWrite,
  versionField: string,
): AnyBulkWriteOperation<D> {
  return {
    updateOne: {
      filter: {
        _id: write.id,
        // `null` matches both a missing field and an explicit null.
        $or: [{ [versionField]: { $lt: write.version } }, { [versionField]: null }],
      } as never,
      update: { $set: write.set, $setOnInsert: write.setOnInsert } as never,
      upsert: true,
    },
  };
}

/** The stored version of each of `ids` that has a document (null: a document without one). */
export async function storedVersions<D extends Document>(
  collection: Collection<D>,
  ids: readonly string[],
  versionField: string,
): Promise<Map<string, Date | null>> {
  const stored = new Map<string, Date | null>();
  const found = collection.find({ _id: { $in: ids } } as never, {
    projection: { [versionField]: 1 },
  });
  for await (const doc of found) {
    stored.set(String(doc._id), (doc[versionField] as Date | undefined) ?? null);
  }
  return stored;
}

/**
 * Inserts documents believed new: cheap everywhere (FerretDB scans the collection for every
 * update, even by _id). The writes that met an existing document are handed back, for the
 * guarded upserts to decide.
 */
export async function insertNew<D extends Document>(
  collection: Collection<D>,
  writes: readonly VersionedWrite[],
): Promise<{ inserted: number; existing: VersionedWrite[] }> {
  let inserted = 0;
  const existing: VersionedWrite[] = [];
  for (let i = 0; i < writes.length; i += BULK_CHUNK) {
    const chunk = writes.slice(i, i + BULK_CHUNK);
    try {
      await collection.insertMany(
        chunk.map((write) => ({ _id: write.id, ...write.set, ...write.setOnInsert })) as never,
        { ordered: false },
      );
      inserted += chunk.length;
    } catch (error) {
      if (!onlyStaleWrites(error)) throw error;
      const failed = writeErrorsOf(error).map((e) => e.index ?? -1);
      const landed = (error as { result?: { insertedCount?: number } }).result?.insertedCount;
      // Only when the server accounts for every document do we know which ones landed.
      if (landed !== undefined && landed + failed.length === chunk.length && !failed.includes(-1)) {
        inserted += landed;
        existing.push(...failed.map((index) => chunk[index]));
      } else {
        existing.push(...chunk);
      }
    }
  }
  return { inserted, existing };
}

/** Guarded upserts: each lands, or is stale because an equal or newer version is there. */
export async function upsertIfNewer<D extends Document>(
  collection: Collection<D>,
  writes: readonly VersionedWrite[],
  versionField: string,
): Promise<VersionedWriteResult> {
  const result = { applied: 0, stale: 0 };
  for (let i = 0; i < writes.length; i += BULK_CHUNK) {
    const chunk = writes.slice(i, i + BULK_CHUNK);
    try {
      await collection.bulkWrite(
        chunk.map((write) => guardedUpsert<D>(write, versionField)),
        { ordered: false },
      );
      result.applied += chunk.length;
    } catch (error) {
      // FerretDB stops an unordered bulk write at its first error, so its partial result
      // says nothing about the rest of the chunk: apply it again one write at a time.
      if (!onlyStaleWrites(error)) throw error;
      for (const write of chunk) {
        try {
          await collection.bulkWrite([guardedUpsert<D>(write, versionField)]);
          result.applied++;
        } catch (single) {
          if (!onlyStaleWrites(single)) throw single;
          result.stale++;
        }
      }
    }
  }
  return result;
}
