// The pure half of the edge: decoded key and value (JSON or Avro, already parsed) to one
// change. No I/O, so every Debezium shape can be tested from literal events.
import { ok, refuse, type Refusal, type Result } from '../../platform/result';
import {
  DOCTOR_FIELDS,
  isMongoSource,
  type Change,
  type DoctorLinkedSource,
  type MySqlSourceName,
  type SourceName,
} from './changes';
import { gmcNumberOf, gmcNumberRefusal } from '../../rules/identity';
import { isEnvelope, isObject, unwrap } from './envelope';
import { sourcePosition } from './position';
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
    const position =
      isObject(v.payload) && isEnvelope(v.payload) ? sourcePosition(v.payload) : undefined;
    if (!change.ok) return change;
    const checked = withCheckedGmcNumber(change.value);
    return !checked.ok || position === undefined ? checked : ok({ ...checked.value, position });
  } catch (error) {
    return refuse(`${source}: cannot read the event: ${(error as Error).message}`);
  }
}

/**
 * A doctorsForDB document, an exception log, a connection log entry, a hidden discrepancy and a
 * recommendation are each about one doctor, named by GMC number: one with an invalid number is
 * refused whole (docs/rules.md §3), and a valid one is keyed by the number as the identity
 * function gives it. A TCS GmcDetails row is not refused: its person is simply not a doctor,
 * which the persons stage decides.
 */
function withCheckedGmcNumber(change: Change): Result<Change, Refusal> {
  if (change.source === 'doctorsForDB') {
    const verdict = gmcNumberOf(change.key);
    if (verdict.problem !== undefined) {
      return refuse(
        gmcNumberRefusal('doctorsForDB _id', change.key, verdict.problem),
        verdict.problem,
      );
    }
    const key = verdict.gmcNumber;
    if (change.op === 'upsert')
      return ok({ ...change, key, row: { ...change.row, gmcReferenceNumber: key } });
    return ok({ ...change, key });
  }
  if (!(change.source in DOCTOR_FIELDS) || change.op === 'delete') return ok(change);
  const field = DOCTOR_FIELDS[change.source as DoctorLinkedSource];
  // Validated text already: the row schema (or, for a patch, its partial) read the field.
  const fields = (change.op === 'upsert' ? change.row : change.set) as Record<string, string>;
  if (change.op === 'patch' && !(field in fields)) return ok(change);
  const verdict = gmcNumberOf(fields[field]);
  if (verdict.problem !== undefined) {
    return refuse(
      gmcNumberRefusal(`${change.source} ${field}`, fields[field], verdict.problem),
      verdict.problem,
    );
  }
  const checked = { ...fields, [field]: verdict.gmcNumber };
  return ok(
    (change.op === 'upsert' ? { ...change, row: checked } : { ...change, set: checked }) as Change,
  );
}
