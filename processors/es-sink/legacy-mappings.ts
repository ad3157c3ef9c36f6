// Pure: the mapping of the legacy projection, the shape today's readers query
// (docs/readers.md §4 and §9.3). Their queries need what the project's own mapping avoids:
//   - designated bodies analysed as text, because they `match` codes lower-cased and
//     stripped of "1-" (`aiidhj`), which only the standard analyser's tokens equal;
//   - names sorted by their bare field (text with fielddata), and searched with lower-case
//     wildcards (text tokens);
//   - `.keyword` sub-fields for the columns they sort by name + ".keyword";
//   - their date patterns, and the nested hidden discrepancies.
// Still strict: a field the projection does not know is a rejected document, never a guess.
import type { LegacyDoctorDocument } from './legacy-document';

const keywordSubField = { keyword: { type: 'keyword', ignore_above: 256 } };
/** What Elasticsearch's dynamic mapping gave every string of the old index. */
const textAndKeyword = { type: 'text', fields: keywordSubField } as const;
/** The old `@Field(type = Text, fielddata = true)`: sortable by the bare field name. */
const sortableText = { type: 'text', fielddata: true, fields: keywordSubField } as const;
const localDate = { type: 'date', format: 'uuuu-MM-dd' } as const;
const localDateTime = { type: 'date', format: "uuuu-MM-dd'T'HH:mm:ss.SSS" } as const;
const keyword = { type: 'keyword' } as const;

/** Bumped whenever a field changes; a change that is not additive needs `reval rebuild`. */
export const LEGACY_MAPPING_VERSION = 1;

export const LEGACY_PROPERTIES: Record<keyof LegacyDoctorDocument, Record<string, unknown>> = {
  gmcReferenceNumber: sortableText,
  tcsPersonId: { type: 'long' },
  doctorFirstName: sortableText,
  doctorLastName: sortableText,
  submissionDate: localDate,
  programmeName: sortableText,
  membershipType: textAndKeyword,
  designatedBody: textAndKeyword,
  tcsDesignatedBody: textAndKeyword,
  programmeOwner: textAndKeyword,
  membershipStartDate: localDate,
  membershipEndDate: localDate,
  curriculumEndDate: localDate,
  placementGrade: textAndKeyword,
  existsInGmc: { type: 'boolean' },
  underNotice: textAndKeyword,
  admin: textAndKeyword,
  gmcStatus: textAndKeyword,
  tisStatus: textAndKeyword,
  lastUpdatedDate: localDate,
  updatedBy: textAndKeyword,
  lastConnectionDateTime: localDateTime,
  hiddenDiscrepancies: {
    type: 'nested',
    properties: {
      id: textAndKeyword,
      gmcId: textAndKeyword,
      hiddenForDesignatedBodyCode: textAndKeyword,
      hiddenBy: textAndKeyword,
      reason: textAndKeyword,
      hiddenDateTime: localDateTime,
      hiddenUntilDate: localDate,
    },
  },
  exceptionReason: textAndKeyword,
  connectionStatus: keyword,
  connectionReason: keyword,
  exceptionReasons: keyword,
  discrepancy: keyword,
  nextReevaluationDate: localDate,
  version: { type: 'long' },
  updatedTime: { type: 'date', format: 'strict_date_optional_time' },
};

export const LEGACY_MAPPINGS = {
  dynamic: 'strict',
  _meta: {
    mappingVersion: LEGACY_MAPPING_VERSION,
    source: 'reval.connections',
    projection: 'legacy readers (docs/readers.md)',
  },
  properties: LEGACY_PROPERTIES,
};
