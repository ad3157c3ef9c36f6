// The fields the revalidation services record about a doctor besides GMC's data
// (docs/rules.md §4.9): the doctor's place in the recommendation workflow, the latest
// connection change, the latest recommendation outcome and the discrepancies an administrator
// has hidden. Pure, and independent of the order in which the entries arrived: every choice
// ends in a tie-break on the entry's id.
import { compareDates, compareInstants, utcInstant, type LocalDate } from './dates';
import type {
  ConnectionLogEntry,
  DerivedConnection,
  HiddenDiscrepancy,
  Recommendation,
  RevalidationRecords,
} from './types';

/** `updatedBy` of the entries the connection log records for a change GMC made. */
export const UPDATED_BY_GMC = 'Updated by GMC';
/** GMC's return code for a request that succeeded. */
export const GMC_SUCCESS_CODE = '0';

export type RevalidationFields = Pick<
  DerivedConnection,
  | 'tisStatus'
  | 'lastUpdatedDate'
  | 'gmcStatus'
  | 'updatedBy'
  | 'lastConnectionDateTime'
  | 'hiddenDiscrepancies'
>;

/** Code-unit order, so that no locale decides a tie. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A missing value ranks before every real one. */
function compareNullable<T>(a: T | null, b: T | null, compare: (x: T, y: T) => number): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : -1) : 1;
  return compare(a, b);
}

/**
 * The entries the old writer (tis-revalidation-integration's CdcConnectionService) took into
 * the view: a request GMC accepted (return code "0"), or a change GMC made. A refused request
 * changed nothing, so it does not count.
 */
export function countsAsConnection(entry: ConnectionLogEntry): boolean {
  return entry.responseCode === GMC_SUCCESS_CODE || entry.updatedBy === UPDATED_BY_GMC;
}

/** The counting entry with the latest request time (a missing time ranks first), then the largest id. */
export function latestConnection(
  entries: readonly ConnectionLogEntry[],
): ConnectionLogEntry | null {
  let latest: ConnectionLogEntry | null = null;
  for (const entry of entries) {
    if (!countsAsConnection(entry)) continue;
    const order =
      latest === null
        ? 1
        : compareNullable(entry.requestTime, latest.requestTime, compareInstants) ||
          compareText(entry.id, latest.id);
    if (order > 0) latest = entry;
  }
  return latest;
}

/**
 * The recommendation whose outcome the screens show: of those with an outcome (a recommendation
 * gets one when it is submitted to GMC), the latest submitted, then the latest GMC due date, then
 * the largest id.
 */
export function latestRecommendation(
  recommendations: readonly Recommendation[],
): Recommendation | null {
  let latest: Recommendation | null = null;
  const byDate = (a: LocalDate | null, b: LocalDate | null) => compareNullable(a, b, compareDates);
  for (const recommendation of recommendations) {
    if (recommendation.outcome === null) continue;
    const order =
      latest === null
        ? 1
        : byDate(recommendation.actualSubmissionDate, latest.actualSubmissionDate) ||
          byDate(recommendation.gmcSubmissionDate, latest.gmcSubmissionDate) ||
          compareText(recommendation.id, latest.id);
    if (order > 0) latest = recommendation;
  }
  return latest;
}

/** Every hidden discrepancy, by designated body (missing first), then id; times in UTC. */
export function sortedHiddenDiscrepancies(
  hidden: readonly HiddenDiscrepancy[],
): HiddenDiscrepancy[] {
  return [...hidden]
    .sort(
      (a, b) =>
        compareNullable(
          a.hiddenForDesignatedBodyCode,
          b.hiddenForDesignatedBodyCode,
          compareText,
        ) || compareText(a.id, b.id),
    )
    .map((entry) => ({
      ...entry,
      hiddenDateTime: entry.hiddenDateTime === null ? null : utcInstant(entry.hiddenDateTime),
    }));
}

export function revalidationFields(records: RevalidationRecords | null): RevalidationFields {
  const connection = latestConnection(records?.connectionLogs ?? []);
  const requestTime = connection?.requestTime ?? null;
  return {
    tisStatus: records?.tisStatus ?? null,
    lastUpdatedDate: records?.lastUpdatedDate ?? null,
    gmcStatus: latestRecommendation(records?.recommendations ?? [])?.outcome ?? null,
    updatedBy: connection?.updatedBy ?? null,
    lastConnectionDateTime: requestTime === null ? null : utcInstant(requestTime),
    hiddenDiscrepancies: sortedHiddenDiscrepancies(records?.hiddenDiscrepancies ?? []),
  };
}
