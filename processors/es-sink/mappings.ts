// Pure: the explicit, strict mapping of a doctor document. `dynamic: strict` makes a field the
// mapper does not know a rejected document (sent to the DLQ) instead of a silently guessed
// type. Keyword fields back the alias filters and the UI's exact filters; names are also
// `text` so that the screens can search them with the standard analyzer (the test build has
// no analysis-common, so no custom analyzers or normalizers).
import type { DoctorDocument } from './doctor-document';

const keyword = { type: 'keyword' } as const;
const date = { type: 'date', format: 'strict_date' } as const;
const searchableName = {
  type: 'text',
  fields: { keyword: { type: 'keyword', ignore_above: 256 } },
};

/** Bumped whenever a field changes; a change that is not additive needs `reval rebuild`. */
export const MAPPING_VERSION = 3;

export const DOCTOR_PROPERTIES: Record<keyof DoctorDocument, Record<string, unknown>> = {
  gmcReferenceNumber: keyword,
  tcsPersonId: { type: 'long' },
  doctorFirstName: searchableName,
  doctorLastName: searchableName,
  submissionDate: date,
  programmeName: searchableName,
  membershipType: keyword,
  programmeOwner: keyword,
  designatedBody: keyword,
  tcsDesignatedBody: keyword,
  membershipStartDate: date,
  membershipEndDate: date,
  curriculumEndDate: date,
  placementGrades: keyword,
  existsInGmc: { type: 'boolean' },
  underNotice: keyword,
  admin: keyword,
  tisStatus: keyword,
  lastUpdatedDate: date,
  gmcStatus: keyword,
  updatedBy: keyword,
  lastConnectionDateTime: { type: 'date', format: 'strict_date_optional_time' },
  hiddenDiscrepancies: {
    type: 'nested',
    properties: {
      id: keyword,
      gmcId: keyword,
      hiddenForDesignatedBodyCode: keyword,
      hiddenBy: keyword,
      reason: { type: 'text' },
      hiddenDateTime: { type: 'date', format: 'strict_date_optional_time' },
      hiddenUntilDate: date,
    },
  },
  connectionStatus: keyword,
  connectionReason: keyword,
  exceptionReasons: keyword,
  discrepancy: keyword,
  nextReevaluationDate: date,
  selectedProgrammeMembershipUuid: keyword,
  version: { type: 'long' },
  updatedTime: { type: 'date', format: 'strict_date_optional_time' },
  sources: keyword,
  // Searchable text for the screens; never filtered on.
  explanation: { type: 'text' },
  statusSince: { type: 'date', format: 'strict_date_optional_time' },
};

export const DOCTOR_MAPPINGS = {
  dynamic: 'strict',
  _meta: { mappingVersion: MAPPING_VERSION, source: 'reval.connections' },
  properties: DOCTOR_PROPERTIES,
};

/** Live settings; a single node gets no replica, a cluster gets one. */
export const DOCTOR_INDEX_SETTINGS = {
  number_of_shards: 1,
  auto_expand_replicas: '0-1',
  refresh_interval: '1s',
  'translog.durability': 'request',
};

/**
 * While a rebuild fills an index nobody reads yet, refreshes and per-request fsyncs only slow
 * it down: a crash mid-rebuild loses nothing, the rebuild is simply run again.
 */
export const BULK_LOAD_SETTINGS = { refresh_interval: '-1', 'translog.durability': 'async' };

/** What a bulk-loaded index goes back to before anyone reads it. */
export const LIVE_SETTINGS = {
  refresh_interval: DOCTOR_INDEX_SETTINGS.refresh_interval,
  'translog.durability': DOCTOR_INDEX_SETTINGS['translog.durability'],
};
