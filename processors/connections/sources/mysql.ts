// Debezium MySQL events of the TCS tables to changes. The key is the struct of primary-key
// columns; `before`/`after` are structs of columns; a delete is followed by a tombstone.
import { ok, refuse, type Refusal, type Result } from '../../platform/result';
import { KEY_FIELDS, type Change, type MySqlSourceName } from './changes';
import {
  applyTemporalSchema,
  fieldSchema,
  isEnvelope,
  isFlatDelete,
  isObject,
  type Json,
  type Unwrapped,
} from './envelope';
import { keyOf, parseRow } from './rows';
import { integerOf } from './fields';

/** The primary key of a key struct ({id: 5} or {uuid: '…'}) as a change key. */
function recordKeyOf(source: MySqlSourceName, key: unknown): Result<string | null, Refusal> {
  if (key === null || key === undefined) return ok(null);
  const field = KEY_FIELDS[source];
  const value = isObject(key) ? key[field] : undefined;
  if (typeof value === 'string' && value !== '') return ok(value);
  const n = integerOf(value);
  if (n !== null) return ok(n.toString());
  return refuse(`${source} key: expected a struct with "${field}", got ${JSON.stringify(key)}`);
}

type Changed = Result<Change, Refusal>;

function upsert(source: MySqlSourceName, raw: Json, recordKey: string | null): Changed {
  const parsed = parseRow(source, raw);
  if (!parsed.ok) return parsed;
  const key = keyOf(source, parsed.value);
  if (recordKey !== null && recordKey !== key) {
    return refuse(`${source}: record key ${recordKey} does not match the row's ${key}`);
  }
  return ok({ source, key, op: 'upsert', row: parsed.value } as Change);
}

function remove(source: MySqlSourceName, recordKey: string | null, before: unknown): Changed {
  const fromBefore = isObject(before) ? recordKeyOf(source, before) : ok(null);
  const key = recordKey ?? (fromBefore.ok ? fromBefore.value : null);
  if (key === null) return refuse(`${source} delete: neither the key nor "before" names the row`);
  return ok({ source, key, op: 'delete' });
}

export function normaliseMySql(source: MySqlSourceName, key: Unwrapped, value: Unwrapped): Changed {
  const keyed = recordKeyOf(source, key.payload);
  if (!keyed.ok) return keyed;
  const recordKey = keyed.value;
  const payload = value.payload;
  // A tombstone: compaction's delete marker, and all that ExtractNewRecordState leaves of a
  // delete in its default mode. Deleting twice is harmless, so it is a delete too.
  if (payload === null || payload === undefined) return remove(source, recordKey, null);
  if (!isObject(payload)) return refuse(`${source}: expected a struct, got ${typeof payload}`);
  if (!isEnvelope(payload)) {
    if (isFlatDelete(payload)) return remove(source, recordKey, payload);
    return upsert(source, applyTemporalSchema(payload, value.schema), recordKey);
  }
  switch (payload.op) {
    case 'c':
    case 'r':
    case 'u': {
      if (!isObject(payload.after)) {
        return refuse(`${source} ${payload.op} event without "after"`);
      }
      const after = applyTemporalSchema(payload.after, fieldSchema(value.schema, 'after'));
      return upsert(source, after, recordKey);
    }
    case 'd':
      return remove(source, recordKey, payload.before);
    case 't':
      return refuse(`${source}: a truncate cannot be replayed as row changes; re-snapshot`);
    default:
      return refuse(`${source}: unknown operation ${JSON.stringify(payload.op)}`);
  }
}
