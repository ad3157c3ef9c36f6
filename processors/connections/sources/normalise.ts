// The pure half of the edge: decoded key and value (JSON or Avro, already parsed) to one
// change. No I/O, so every Debezium shape can be tested from literal events.
import {
  MONGO_SOURCES,
  type Change,
  type DecodeError,
  type MongoSourceName,
  type MySqlSourceName,
  type SourceName,
} from './changes';
import { isEnvelope, isObject, unwrap } from './envelope';
import { sourcePosition } from './position';
import { normaliseMongo } from './mongo';
import { normaliseMySql } from './mysql';

function isMongoSource(source: SourceName): source is MongoSourceName {
  return (MONGO_SOURCES as readonly string[]).includes(source);
}

/** Never throws: whatever the input, the result is a change or the reason there is none. */
export function normaliseEnvelope(
  source: SourceName,
  key: unknown,
  value: unknown,
): Change | DecodeError {
  try {
    const [k, v] = [unwrap(key), unwrap(value)];
    const change = isMongoSource(source)
      ? normaliseMongo(source, k, v)
      : normaliseMySql(source as MySqlSourceName, k, v);
    const position =
      isObject(v.payload) && isEnvelope(v.payload) ? sourcePosition(v.payload) : undefined;
    return 'error' in change || position === undefined ? change : { ...change, position };
  } catch (error) {
    return { error: `${source}: cannot read the event: ${(error as Error).message}` };
  }
}
