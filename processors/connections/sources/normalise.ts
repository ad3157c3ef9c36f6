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
import { gmcNumberOf, gmcNumberRefusal } from '../../rules/identity';
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
    if ('error' in change) return change;
    const checked = withCheckedGmcNumber(change);
    return 'error' in checked || position === undefined ? checked : { ...checked, position };
  } catch (error) {
    return { error: `${source}: cannot read the event: ${(error as Error).message}` };
  }
}

/**
 * A doctorsForDB document and an exception log are each about one doctor, named by GMC number:
 * one with an invalid number is refused whole (docs/rules.md §3), and a valid one is keyed by
 * the number as the identity function gives it. A TCS GmcDetails row is not refused: its
 * person is simply not a doctor, which the persons stage decides.
 */
function withCheckedGmcNumber(change: Change): Change | DecodeError {
  if (change.source === 'doctorsForDB') {
    const verdict = gmcNumberOf(change.key);
    if (verdict.problem !== undefined) {
      return {
        error: gmcNumberRefusal('doctorsForDB _id', change.key, verdict.problem),
        gmcNumberProblem: verdict.problem,
      };
    }
    const key = verdict.gmcNumber;
    if (change.op === 'upsert')
      return { ...change, key, row: { ...change.row, gmcReferenceNumber: key } };
    return { ...change, key };
  }
  if (change.source === 'exceptionLogs' && change.op !== 'delete') {
    const fields = change.op === 'upsert' ? change.row : change.set;
    if (change.op === 'patch' && !('gmcId' in fields)) return change;
    const verdict = gmcNumberOf(fields.gmcId);
    if (verdict.problem !== undefined) {
      return {
        error: gmcNumberRefusal('exceptionLogs gmcId', fields.gmcId, verdict.problem),
        gmcNumberProblem: verdict.problem,
      };
    }
    const gmcId = verdict.gmcNumber;
    return change.op === 'upsert'
      ? { ...change, row: { ...change.row, gmcId } }
      : { ...change, set: { ...change.set, gmcId } };
  }
  return change;
}
