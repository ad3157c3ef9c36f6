// Golden test of the legacy projection: each document of golden/doctor-documents.json (the
// project's own views) becomes exactly the document in golden/legacy-documents.json, which is
// what the old services' readers get from masterdoctorindex and its aliases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorDocument } from './doctor-document';
import { localDateTime, toLegacyDocument } from './legacy-document';
import { LEGACY_PROPERTIES } from './legacy-mappings';

const read = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, 'golden', name), 'utf8')) as Record<
    string,
    { document?: unknown }
  >;
const own = read('doctor-documents.json');
const legacy = read('legacy-documents.json');

describe('own document → legacy readers document (golden)', () => {
  const indexed = Object.keys(own).filter((name) => own[name].document !== undefined);

  it('covers every indexed case of the own golden file', () => {
    expect(Object.keys(legacy).sort()).toEqual(indexed.sort());
  });

  it.each(indexed)('%s', (name) => {
    const document = toLegacyDocument(own[name].document as DoctorDocument);
    expect(JSON.parse(JSON.stringify(document))).toEqual(legacy[name].document);
  });

  it('maps every field explicitly, so the strict legacy mapping accepts the document', () => {
    for (const name of indexed) {
      const document = toLegacyDocument(own[name].document as DoctorDocument);
      expect(Object.keys(document).sort()).toEqual(Object.keys(LEGACY_PROPERTIES).sort());
    }
  });
});

describe("the readers' LocalDateTime", () => {
  it.each([
    ['2025-11-24T09:30:00.000Z', '2025-11-24T09:30:00.000'],
    // British summer time is still written as UTC's wall clock, as the old services ran in UTC.
    ['2025-06-01T00:30:00+01:00', '2025-05-31T23:30:00.000'],
    ['2025-11-24T09:30:00.123456Z', '2025-11-24T09:30:00.123'],
  ])('%s → %s', (instant, local) => {
    expect(localDateTime(instant)).toBe(local);
  });

  it('is null for no time or one that is not a time', () => {
    expect(localDateTime(null)).toBeNull();
    expect(localDateTime('yesterday')).toBeNull();
  });
});
