// Debezium MongoDB events of the revalidation collections (doctorsForDB, exceptionLogs,
// connectionLogs, hiddenDiscrepancy, recommendation) to changes. Keys are
// {"id": "<_id as Extended JSON>"}; `after`/`before` are documents as Extended JSON text;
// an update may carry only its updateDescription, which becomes a patch.
import { KEY_FIELDS, type Change, type DecodeError, type MongoSourceName } from './changes';
import { isEnvelope, isFlatDelete, isObject, type Json, type Unwrapped } from './envelope';
import { documentIdOf, parseExtendedJson, plainOf } from './extended-json';
import { keyOf, parsePartialRow, parseRow, rowFieldName, rowFields } from './rows';

function recordKeyOf(source: MongoSourceName, key: unknown): string | null | DecodeError {
  if (key === null || key === undefined) return null;
  if (!isObject(key) || typeof key.id !== 'string') {
    return {
      error: `${source} key: expected {"id": "<Extended JSON>"}, got ${JSON.stringify(key)}`,
    };
  }
  // Relaxed mode prints a long _id as bare digits, which JSON.parse would round past 2^53.
  if (/^-?\d+$/.test(key.id.trim())) return BigInt(key.id.trim()).toString();
  const parsed = parseExtendedJson(key.id, `${source} key`);
  if ('error' in parsed) return parsed;
  return documentIdOf(parsed.value) ?? { error: `${source} key: unsupported _id ${key.id}` };
}

/** A document's fields under row names, with bson values made plain. */
function rowFromDocument(source: MongoSourceName, document: Json): Json {
  const raw: Json = {};
  for (const [field, value] of Object.entries(document)) {
    raw[rowFieldName(source, field)] =
      field === '_id' ? (documentIdOf(value) ?? value) : plainOf(value);
  }
  return raw;
}

function upsert(source: MongoSourceName, document: unknown, recordKey: string | null) {
  if (!isObject(document)) return { error: `${source}: the document is not an object` };
  const parsed = parseRow(source, rowFromDocument(source, document));
  if ('error' in parsed) return parsed;
  const key = keyOf(source, parsed.row);
  if (recordKey !== null && recordKey !== key) {
    return { error: `${source}: record key ${recordKey} does not match the document's ${key}` };
  }
  return { source, key, op: 'upsert', row: parsed.row } as Change;
}

function remove(source: MongoSourceName, recordKey: string | null, document: unknown) {
  const key = recordKey ?? (isObject(document) ? documentIdOf(document._id) : null);
  if (key === null)
    return { error: `${source} delete: neither the key nor the document has an _id` };
  return { source, key, op: 'delete' } as Change;
}

/** Only the top-level fields a row reads matter; a dotted path into one of them cannot be. */
function patch(source: MongoSourceName, description: unknown, recordKey: string | null) {
  if (recordKey === null) return { error: `${source} update without a key cannot be applied` };
  if (!isObject(description)) {
    return { error: `${source} update has neither "after" nor "updateDescription"` };
  }
  const readable = new Set(rowFields(source));
  const keyField = KEY_FIELDS[source];
  const fieldOf = (path: string): string | null | DecodeError => {
    const [top, ...rest] = path.split('.');
    const field = rowFieldName(source, top);
    if (!readable.has(field)) return null;
    if (field === keyField) return { error: `${source} update changes the document _id` };
    if (rest.length > 0)
      return { error: `${source} update sets part of field "${field}" (${path})` };
    return field;
  };
  const set: Json = {};
  if (description.updatedFields !== null && description.updatedFields !== undefined) {
    const parsed = parseExtendedJson(description.updatedFields, `${source} updatedFields`);
    if ('error' in parsed) return parsed;
    if (!isObject(parsed.value)) return { error: `${source} updatedFields is not a document` };
    for (const [path, value] of Object.entries(parsed.value)) {
      const field = fieldOf(path);
      if (field !== null && typeof field !== 'string') return field;
      if (field !== null) set[field] = plainOf(value);
    }
  }
  const unset: string[] = [];
  const removed = [
    ...((description.removedFields as unknown[] | null) ?? []),
    ...((description.truncatedArrays as { field?: unknown }[] | null) ?? []).map((t) => t.field),
  ];
  for (const path of removed) {
    if (typeof path !== 'string') return { error: `${source} removedFields holds a non-string` };
    const field = fieldOf(path);
    if (field !== null && typeof field !== 'string') return field;
    if (field !== null) unset.push(field);
  }
  const fields = parsePartialRow(source, set);
  if ('error' in fields) return fields;
  return { source, key: recordKey, op: 'patch', set: fields.fields, unset } as Change;
}

export function normaliseMongo(
  source: MongoSourceName,
  key: Unwrapped,
  value: Unwrapped,
): Change | DecodeError {
  const recordKey = recordKeyOf(source, key.payload);
  if (recordKey !== null && typeof recordKey !== 'string') return recordKey;
  const payload = value.payload;
  // Tombstones follow every delete; deleting twice is harmless, so a tombstone is a delete.
  if (payload === null || payload === undefined) return remove(source, recordKey, null);
  if (!isObject(payload)) return { error: `${source}: expected an object, got ${typeof payload}` };
  // ExtractNewDocumentState: the document itself, as plain JSON or Avro, not Extended JSON.
  if (!isEnvelope(payload)) {
    return isFlatDelete(payload)
      ? remove(source, recordKey, payload)
      : upsert(source, payload, recordKey);
  }
  const document = (field: 'after' | 'before') => {
    const text = payload[field];
    if (text === null || text === undefined) return { value: null };
    return parseExtendedJson(text, `${source} ${field}`);
  };
  const after = document('after');
  if ('error' in after) return after;
  switch (payload.op) {
    case 'c':
    case 'r':
      if (after.value === null) return { error: `${source} ${payload.op} event without "after"` };
      return upsert(source, after.value, recordKey);
    case 'u':
      return after.value !== null
        ? upsert(source, after.value, recordKey)
        : patch(source, payload.updateDescription, recordKey);
    case 'd': {
      const before = document('before');
      return remove(source, recordKey, 'error' in before ? null : before.value);
    }
    default:
      return { error: `${source}: unknown operation ${JSON.stringify(payload.op)}` };
  }
}
