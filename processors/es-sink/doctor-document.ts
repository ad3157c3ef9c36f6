// Pure: one reval.connections record → the Elasticsearch action that makes the views show it
// (the legacy readers' projection of the same document is legacy-document.ts).
// Fields are picked one by one so that a field added to the Avro schema never reaches the
// strict mapping by accident: it must be added here and in mappings.ts, golden-tested.
import {
  VERSION_HEADER,
  type ConnectionRecord,
  type HiddenDiscrepancy,
} from '../connections/connection-record';
import { err, ok, type Result } from '../platform/result';
import type { RevalidationFields } from '../rules/revalidation';

export { VERSION_HEADER, type ConnectionRecord, type HiddenDiscrepancy };

/**
 * One doctor as the project's own views (reval-doctors and its aliases) hold it. The
 * revalidation services' fields, the explanation and statusSince are optional on a record (one
 * written before them lacks them) and always present, maybe empty, on a document.
 */
export type DoctorDocument = Omit<
  ConnectionRecord,
  'updatedTime' | keyof RevalidationFields | 'explanation' | 'statusSince'
> &
  RevalidationFields & {
    updatedTime: string;
    explanation: string | null;
    statusSince: string | null;
  };

export type SinkAction<D extends object = DoctorDocument> =
  | { kind: 'index'; id: string; version: number; document: D }
  | { kind: 'delete'; id: string; version: number };

/** The action, or the reason the record is dead-lettered. */
export type MappedRecord = Result<SinkAction, string>;

export interface KeyedValue {
  key: string | null;
  /** The decoded value; null for a tombstone. */
  value: unknown;
  /** The `reval.version` header as text, when present. */
  versionHeader: string | null;
}

export function toSinkAction({ key, value, versionHeader }: KeyedValue): MappedRecord {
  if (key === null || key === '') return err('record has no key (GMC number)');
  if (value === null) {
    // A delete needs a version too, or a replayed older record could resurrect the doctor.
    const version = parseVersion(versionHeader);
    if (version === null) {
      return err(
        `tombstone without a valid ${VERSION_HEADER} header (${JSON.stringify(versionHeader)})`,
      );
    }
    return ok({ kind: 'delete', id: key, version });
  }
  const reason = shapeRefusal(value);
  if (reason) return err(reason);
  const record = value as ConnectionRecord;
  if (record.gmcReferenceNumber !== key) {
    return err(
      `key ${JSON.stringify(key)} differs from gmcReferenceNumber ${JSON.stringify(record.gmcReferenceNumber)}`,
    );
  }
  return ok({
    kind: 'index',
    id: key,
    version: record.version,
    document: toDoctorDocument(record),
  });
}

export function toDoctorDocument(record: ConnectionRecord): DoctorDocument {
  return {
    gmcReferenceNumber: record.gmcReferenceNumber,
    tcsPersonId: record.tcsPersonId ?? null,
    doctorFirstName: record.doctorFirstName ?? null,
    doctorLastName: record.doctorLastName ?? null,
    submissionDate: record.submissionDate ?? null,
    programmeName: record.programmeName ?? null,
    membershipType: record.membershipType ?? null,
    programmeOwner: record.programmeOwner ?? null,
    // An empty body would still match `exists` and list the doctor as connected.
    designatedBody: nonEmpty(record.designatedBody),
    tcsDesignatedBody: nonEmpty(record.tcsDesignatedBody),
    membershipStartDate: record.membershipStartDate ?? null,
    membershipEndDate: record.membershipEndDate ?? null,
    curriculumEndDate: record.curriculumEndDate ?? null,
    placementGrades: (record.placementGrades ?? []).map(String),
    existsInGmc: record.existsInGmc === true,
    underNotice: record.underNotice ?? null,
    admin: record.admin ?? null,
    tisStatus: record.tisStatus ?? null,
    lastUpdatedDate: record.lastUpdatedDate ?? null,
    gmcStatus: record.gmcStatus ?? null,
    updatedBy: record.updatedBy ?? null,
    lastConnectionDateTime: record.lastConnectionDateTime ?? null,
    hiddenDiscrepancies: (record.hiddenDiscrepancies ?? []).map((hidden) => ({
      id: hidden.id,
      gmcId: hidden.gmcId,
      hiddenForDesignatedBodyCode: hidden.hiddenForDesignatedBodyCode ?? null,
      hiddenBy: hidden.hiddenBy ?? null,
      reason: hidden.reason ?? null,
      hiddenDateTime: hidden.hiddenDateTime ?? null,
      hiddenUntilDate: hidden.hiddenUntilDate ?? null,
    })),
    connectionStatus: record.connectionStatus,
    connectionReason: record.connectionReason ?? null,
    exceptionReasons: [...(record.exceptionReasons ?? [])],
    discrepancy: record.discrepancy ?? null,
    nextReevaluationDate: record.nextReevaluationDate ?? null,
    selectedProgrammeMembershipUuid: record.selectedProgrammeMembershipUuid ?? null,
    version: record.version,
    updatedTime: record.updatedTime.toISOString(),
    sources: [...(record.sources ?? [])],
    explanation: record.explanation ?? null,
    statusSince: record.statusSince?.toISOString() ?? null,
  };
}

/**
 * Only what the registry's decoding cannot promise: a record written with another schema
 * lacks these, and a version Elasticsearch cannot hold exactly must not be guessed at.
 */
function shapeRefusal(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'value is not a record';
  const record = value as Partial<Record<keyof ConnectionRecord, unknown>>;
  if (typeof record.gmcReferenceNumber !== 'string') return 'gmcReferenceNumber is missing';
  if (typeof record.connectionStatus !== 'string') return 'connectionStatus is missing';
  if (!(record.updatedTime instanceof Date) || Number.isNaN(record.updatedTime.getTime())) {
    return 'updatedTime is not a timestamp';
  }
  if (!isExternalVersion(record.version)) {
    return `version ${String(record.version)} is not a whole number from 0 to 2^53-1`;
  }
  return null;
}

function parseVersion(text: string | null): number | null {
  if (text === null || !/^\d{1,16}$/.test(text)) return null;
  const version = Number(text);
  return isExternalVersion(version) ? version : null;
}

function isExternalVersion(version: unknown): version is number {
  return typeof version === 'number' && Number.isSafeInteger(version) && version >= 0;
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}
