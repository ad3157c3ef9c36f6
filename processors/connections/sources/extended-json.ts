// MongoDB Extended JSON as the Debezium MongoDB connector writes it: documents in the legacy
// strict mode ({"$date": 1700000000000}, {"$numberLong": "42"}), update descriptions and keys
// in relaxed mode. Parsed with bson's EJSON in canonical mode (relaxed: false) so that a
// {"$numberLong"} keeps every digit (relaxed parsing rounds 9007199254740993 to ...992), then
// flattened here to plain values the row validators understand.
import { EJSON } from 'bson';
import { ok, refuse, type Refusal, type Result } from '../../platform/result';

/**
 * bson's canonical parser reads the number in a legacy {"$date": 0} as an Int32 and then
 * refuses it as a date (any date within 24 days of 1970); spelled as {"$numberLong"} it is fine.
 */
function legacyDates(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const date = (value as { $date?: unknown }).$date;
    if (typeof date === 'number' && Object.keys(value).length === 1) {
      return { $date: { $numberLong: String(date) } };
    }
  }
  return value;
}

export function parseExtendedJson(text: unknown, what: string): Result<unknown, Refusal> {
  if (typeof text !== 'string') {
    return refuse(`${what}: expected Extended JSON text, got ${typeof text}`);
  }
  try {
    return ok(EJSON.deserialize(JSON.parse(text, legacyDates) as object, { relaxed: false }));
  } catch (error) {
    return refuse(`${what}: not Extended JSON: ${(error as Error).message}`);
  }
}

/**
 * bson values to plain ones: ObjectId to its hex string, Int32/Double to numbers, Long to a
 * number when exact and a bigint otherwise, Decimal128 to its text. Dates stay Dates; other
 * bson types stay as they are, for the validators to refuse where a row reads them.
 */
export function plainOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(plainOf);
  const bsonType = (value as { _bsontype?: unknown })._bsontype;
  switch (bsonType) {
    case 'ObjectId':
      return (value as { toHexString(): string }).toHexString();
    case 'Int32':
    case 'Double':
      return (value as { valueOf(): number }).valueOf();
    case 'Long': {
      const exact = (value as { toBigInt(): bigint }).toBigInt();
      return exact >= BigInt(Number.MIN_SAFE_INTEGER) && exact <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(exact)
        : exact;
    }
    case 'Decimal128':
      return (value as { toString(): string }).toString();
    case undefined:
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainOf(v)]));
    default:
      return value;
  }
}

/** A document `_id` as a change key: strings as they are, ObjectIds as hex, numbers in decimal. */
export function documentIdOf(value: unknown): string | null {
  const plain = plainOf(value);
  if (typeof plain === 'string') return plain;
  if (typeof plain === 'bigint' || (typeof plain === 'number' && Number.isInteger(plain))) {
    return String(plain);
  }
  return null;
}
