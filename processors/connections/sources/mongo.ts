// Debezium MongoDB events of the revalidation collections (doctorsForDB, exceptionLogs,
// connectionLogs, hiddenDiscrepancy, recommendation) to changes. Keys are
// {"id": "<_id as Extended JSON>"}; `after`/`before` are documents as Extended JSON text;
// an update may carry only its updateDescription, which becomes a patch.
import { ok, refuse, type Refusal, type Result } from '../../platform/result';
import { KEY_FIELDS, type Change, type MongoSourceName } from './changes';
import { isEnvelope, isFlatDelete, isObject, type Json, type Unwrapped } from './envelope';
import { documentIdOf, parseExtendedJson, plainOf } from './extended-json';
import { keyOf, parsePartialRow, parseRow, rowFieldName, rowFields } from './rows';

function recordKeyOf(source: MongoSourceName, key: unknown): Result<string | null, Refusal> {
  if (key === null || key === undefined) return ok(null);
  if (!isObject(key) || typeof key.id !== 'string') {
    return refuse(`${source} key: expected {"id": "<Extended JSON>"}, got ${JSON.stringify(key)}`);
  }
  // Relaxed mode prints a long _id as bare digits, which JSON.parse would round past 2^53.
  if (/^-?\d+$/.test(key.id.trim())) return ok(BigInt(key.id.trim()).toString());
  const parsed = parseExtendedJson(key.id, `${source} key`);
  if (!parsed.ok) return parsed;
  const id = documentIdOf(parsed.value);
  return id === null ? refuse(`${source} key: unsupported _id ${key.id}`) : ok(id);
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

type Changed = Result<Change, Refusal>;

function upsert(source: MongoSourceName, document: unknown, recordKey: string | null): Changed {
  if (!isObject(document)) return refuse(`${source}: the document is not an object`);
  const raw = rowFromDocument(source, document);
  const parsed = parseRow(source, raw);
  if (!parsed.ok) return parsed;
  // As the document spells it: the row's GMC number is already trimmed by the identity function.
  const documentKey = raw[KEY_FIELDS[source]];
  if (recordKey !== null && recordKey !== documentKey) {
    return refuse(
      `${source}: record key ${recordKey} does not match the document's ${documentKey}`,
    );
  }
  return ok({
    source,
    key: keyOf(source, parsed.value),
    op: 'upsert',
    row: parsed.value,
  } as Change);
}

function remove(source: MongoSourceName, recordKey: string | null, document: unknown): Changed {
  const key = recordKey ?? (isObject(document) ? documentIdOf(document._id) : null);
  if (key === null) return refuse(`${source} delete: neither the key nor the document has an _id`);
  return ok({ source, key, op: 'delete' });
}

/** Only the top-level fields a row reads matter; a dotted path into one of them cannot be. */
function patch(source: MongoSourceName, description: unknown, recordKey: string | null): Changed {
  if (recordKey === null) return refuse(`${source} update without a key cannot be applied`);
  if (!isObject(description)) {
    return refuse(`${source} update has neither "after" nor "updateDescription"`);
  }
  const readable = new Set(rowFields(source));
  const keyField = KEY_FIELDS[source];
  /** The row field a path sets, null when the row does not read it. */
  const fieldOf = (path: string): Result<string | null, Refusal> => {
    const [top, ...rest] = path.split('.');
    const field = rowFieldName(source, top);
    if (!readable.has(field)) return ok(null);
    if (field === keyField) return refuse(`${source} update changes the document _id`);
    if (rest.length > 0) return refuse(`${source} update sets part of field "${field}" (${path})`);
    return ok(field);
  };
  const set: Json = {};
  if (description.updatedFields !== null && description.updatedFields !== undefined) {
    const parsed = parseExtendedJson(description.updatedFields, `${source} updatedFields`);
    if (!parsed.ok) return parsed;
    if (!isObject(parsed.value)) return refuse(`${source} updatedFields is not a document`);
    for (const [path, value] of Object.entries(parsed.value)) {
      const field = fieldOf(path);
      if (!field.ok) return field;
      if (field.value !== null) set[field.value] = plainOf(value);
    }
  }
  const unset: string[] = [];
  const removed = [
    ...((description.removedFields as unknown[] | null) ?? []),
    ...((description.truncatedArrays as { field?: unknown }[] | null) ?? []).map((t) => t.field),
  ];
  for (const path of removed) {
    if (typeof path !== 'string') return refuse(`${source} removedFields holds a non-string`);
    const field = fieldOf(path);
    if (!field.ok) return field;
    if (field.value !== null) unset.push(field.value);
  }
  const fields = parsePartialRow(source, set);
  if (!fields.ok) return fields;
  return ok({ source, key: recordKey, op: 'patch', set: fields.value, unset } as Change);
}

export function normaliseMongo(source: MongoSourceName, key: Unwrapped, value: Unwrapped): Changed {
  const keyed = recordKeyOf(source, key.payload);
  if (!keyed.ok) return keyed;
  const recordKey = keyed.value;
  const payload = value.payload;
  // Tombstones follow every delete; deleting twice is harmless, so a tombstone is a delete.
  if (payload === null || payload === undefined) return remove(source, recordKey, null);
  if (!isObject(payload)) return refuse(`${source}: expected an object, got ${typeof payload}`);
  // ExtractNewDocumentState: the document itself, as plain JSON or Avro, not Extended JSON.
  if (!isEnvelope(payload)) {
    return isFlatDelete(payload)
      ? remove(source, recordKey, payload)
      : upsert(source, payload, recordKey);
  }
  const document = (field: 'after' | 'before'): Result<unknown, Refusal> => {
    const text = payload[field];
    if (text === null || text === undefined) return ok(null);
    return parseExtendedJson(text, `${source} ${field}`);
  };
  const after = document('after');
  if (!after.ok) return after;
  switch (payload.op) {
    case 'c':
    case 'r':
      if (after.value === null) return refuse(`${source} ${payload.op} event without "after"`);
      return upsert(source, after.value, recordKey);
    case 'u':
      return after.value !== null
        ? upsert(source, after.value, recordKey)
        : patch(source, payload.updateDescription, recordKey);
    case 'd': {
      const before = document('before');
      return remove(source, recordKey, before.ok ? before.value : null);
    }
    default:
      return refuse(`${source}: unknown operation ${JSON.stringify(payload.op)}`);
  }
}
