// MongoDB documents as the Debezium MongoDB connector's Java bson writer prints them:
// documents (`after`/`before`) in the legacy STRICT mode without newlines
// ({"_id": "1234567","submissionDate": {"$date": 1700000000000}}), update descriptions with
// BsonDocument.toJson()'s RELAXED defaults ({"doctorStatus": "DONE", "x": {"$date": "…Z"}}),
// and keys as the relaxed text of the _id alone.
import { Long, ObjectId } from 'bson';

export type BsonMode = 'strict' | 'relaxed';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Java prints an instant with the fraction only when it has one. */
function isoInstant(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

function number(value: number | bigint | Long, mode: BsonMode): string {
  const isLong =
    typeof value === 'bigint' ||
    value instanceof Long ||
    (Number.isInteger(value) && ((value as number) < INT32_MIN || (value as number) > INT32_MAX));
  if (!isLong) return String(value);
  const digits = value.toString();
  return mode === 'strict' ? `{"$numberLong": "${digits}"}` : digits;
}

export function bsonJson(value: unknown, mode: BsonMode, compact = mode === 'strict'): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || value instanceof Long) {
    return number(value, mode);
  }
  if (value instanceof Date) {
    return mode === 'strict'
      ? `{"$date": ${value.getTime()}}`
      : `{"$date": "${isoInstant(value)}"}`;
  }
  if (value instanceof ObjectId) return `{"$oid": "${value.toHexString()}"}`;
  const separator = compact ? ',' : ', ';
  if (Array.isArray(value))
    return `[${value.map((v) => bsonJson(v, mode, compact)).join(separator)}]`;
  const members = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${JSON.stringify(k)}: ${bsonJson(v, mode, compact)}`,
  );
  return `{${members.join(separator)}}`;
}

/** The key's `id`: the relaxed JSON of the `_id` value, e.g. "\"1234567\"" or {"$oid": …}. */
export function documentIdJson(id: unknown): string {
  return bsonJson(id, 'relaxed');
}
