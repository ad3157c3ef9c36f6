// An Avro `long` that never refuses a value. Debezium 3.x puts `ts_ns` (nanoseconds since the
// epoch, about 1.8e18) in the envelope and source block of every event; avsc's default long
// throws "potential precision loss" above 2^53, so without this no real Debezium Avro event
// decodes. Longs within 2^53 stay numbers (so every existing reader is unaffected); larger
// ones become bigints, exactly.
import * as avro from 'avsc';

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;

type Long = number | bigint;

function isLong(value: unknown): value is Long {
  return (
    (typeof value === 'number' && Number.isSafeInteger(value)) ||
    (typeof value === 'bigint' && value >= MIN_LONG && value <= MAX_LONG)
  );
}

export const exactLongType: avro.Type = avro.types.LongType.__with({
  fromBuffer: (buffer: Buffer): Long => {
    const n = buffer.readBigInt64LE();
    return n >= MIN_SAFE && n <= MAX_SAFE ? Number(n) : n;
  },
  toBuffer: (value: Long): Buffer => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(value));
    return buffer;
  },
  fromJSON: (value: unknown): Long => (typeof value === 'string' ? BigInt(value) : Number(value)),
  // JSON has no bigint: large values go out as decimal text.
  toJSON: (value: Long): number | string => (typeof value === 'bigint' ? value.toString() : value),
  isValid: isLong,
  compare: (a: Long, b: Long): number => (a < b ? -1 : a > b ? 1 : 0),
});

/**
 * For avsc's `typeHook` option: plain longs (not logical types such as timestamp-millis,
 * whose values are always within 2^53) use `exactLongType`.
 */
export function exactLongTypeHook(schema: avro.Schema): avro.Type | undefined {
  if (schema === 'long') return exactLongType;
  if (typeof schema === 'object' && schema !== null && !Array.isArray(schema)) {
    const { type, logicalType } = schema as { type?: unknown; logicalType?: unknown };
    if (type === 'long' && logicalType === undefined) return exactLongType;
  }
  return undefined;
}
