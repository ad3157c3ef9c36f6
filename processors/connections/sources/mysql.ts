// Debezium MySQL events of the TCS tables to changes. The key is the struct of primary-key
// columns; `before`/`after` are structs of columns; a delete is followed by a tombstone.
import type { Change, DecodeError, MySqlSourceName } from './changes';
import { KEY_FIELDS } from './changes';
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
function recordKeyOf(source: MySqlSourceName, key: unknown): string | null | DecodeError {
  if (key === null || key === undefined) return null;
  const field = KEY_FIELDS[source];
  const value = isObject(key) ? key[field] : undefined;
  if (typeof value === 'string' && value !== '') return value;
  const n = integerOf(value);
  if (n !== null) return n.toString();
  return { error: `${source} key: expected a struct with "${field}", got ${JSON.stringify(key)}` };
}

function upsert(
  source: MySqlSourceName,
  raw: Json,
  recordKey: string | null,
): Change | DecodeError {
  const parsed = parseRow(source, raw);
  if ('error' in parsed) return parsed;
  const key = keyOf(source, parsed.row);
  if (recordKey !== null && recordKey !== key) {
    return { error: `${source}: record key ${recordKey} does not match the row's ${key}` };
  }
  return { source, key, op: 'upsert', row: parsed.row } as Change;
}

function remove(
  source: MySqlSourceName,
  recordKey: string | null,
  before: unknown,
): Change | DecodeError {
  const fromBefore = isObject(before) ? recordKeyOf(source, before) : null;
  const key = recordKey ?? (typeof fromBefore === 'string' ? fromBefore : null);
  if (key === null)
    return { error: `${source} delete: neither the key nor "before" names the row` };
  return { source, key, op: 'delete' };
}

export function normaliseMySql(
  source: MySqlSourceName,
  key: Unwrapped,
  value: Unwrapped,
): Change | DecodeError {
  const recordKey = recordKeyOf(source, key.payload);
  if (recordKey !== null && typeof recordKey !== 'string') return recordKey;
  const payload = value.payload;
  // A tombstone: compaction's delete marker, and all that ExtractNewRecordState leaves of a
  // delete in its default mode. Deleting twice is harmless, so it is a delete too.
  if (payload === null || payload === undefined) return remove(source, recordKey, null);
  if (!isObject(payload)) return { error: `${source}: expected a struct, got ${typeof payload}` };
  if (!isEnvelope(payload)) {
    if (isFlatDelete(payload)) return remove(source, recordKey, payload);
    return upsert(source, applyTemporalSchema(payload, value.schema), recordKey);
  }
  switch (payload.op) {
    case 'c':
    case 'r':
    case 'u': {
      if (!isObject(payload.after)) {
        return { error: `${source} ${payload.op} event without "after"` };
      }
      const after = applyTemporalSchema(payload.after, fieldSchema(value.schema, 'after'));
      return upsert(source, after, recordKey);
    }
    case 'd':
      return remove(source, recordKey, payload.before);
    case 't':
      return { error: `${source}: a truncate cannot be replayed as row changes; re-snapshot` };
    default:
      return { error: `${source}: unknown operation ${JSON.stringify(payload.op)}` };
  }
}
