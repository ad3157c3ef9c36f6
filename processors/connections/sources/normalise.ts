// The pure half of the edge: decoded key and value (JSON or Avro, already parsed) to one
// change. No I/O, so every Debezium shape can be tested from literal events.
import { ok, refuse, type Refusal, type Result } from '../../platform/result';
import { isMongoSource, type Change, type MySqlSourceName, type SourceName } from './changes';
import { gmcNumberOf, gmcNumberRefusal } from '../../rules/identity';
import { isEnvelope, isObject, unwrap } from './envelope';
import { sourcePoint, sourcePosition } from './position';
import { normaliseMongo } from './mongo';
import { normaliseMySql } from './mysql';

/** Never throws: whatever the input, the result is a change or the reason there is none. */
export function normaliseEnvelope(
  source: SourceName,
  key: unknown,
  value: unknown,
): Result<Change, Refusal> {
  try {
    const [k, v] = [unwrap(key), unwrap(value)];
    const change = isMongoSource(source)
      ? normaliseMongo(source, k, v)
      : normaliseMySql(source as MySqlSourceName, k, v);
    const envelope = isObject(v.payload) && isEnvelope(v.payload) ? v.payload : undefined;
    if (!change.ok) return change;
    const checked = withCheckedKey(change.value);
    if (!checked.ok || envelope === undefined) return checked;
    const position = sourcePosition(envelope);
    const point = sourcePoint(envelope);
    return ok(
      position === undefined
        ? { ...checked.value, ...point }
        : { ...checked.value, position, ...point },
    );
  } catch (error) {
    return refuse(`${source}: cannot read the event: ${(error as Error).message}`);
  }
}

/**
 * A doctorsForDB document, an exception log, a connection log entry, a hidden discrepancy and a
 * recommendation are each about one doctor, named by GMC number: one with an invalid number is
 * refused whole (docs/rules.md §3), and a valid one is keyed by the number as the identity
 * function gives it. The row schemas check the number a row or a patch carries (`gmcNumber` in
 * fields.ts); a doctorsForDB delete or patch carries it only in its key, checked here. A TCS
 * GmcDetails row is not refused: its person is simply not a doctor, which the persons stage
 * decides.
 */
function withCheckedKey(change: Change): Result<Change, Refusal> {
  if (change.source !== 'doctorsForDB' || change.op === 'upsert') return ok(change);
  const verdict = gmcNumberOf(change.key);
  if (!verdict.ok) {
    return refuse(gmcNumberRefusal('doctorsForDB _id', change.key, verdict.error), verdict.error);
  }
  return ok({ ...change, key: verdict.value });
}
