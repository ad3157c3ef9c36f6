// Which programme membership speaks for the doctor (docs/rules.md §4.2). A doctor often has
// several: consecutive posts, a future rotation already booked, old records never closed.
import { compareDates, isWithin, type LocalDate } from './dates';
import type { ProgrammeMembership } from './types';

/** Memberships without a curriculum are administrative shells and never count. */
export function isEligible(membership: ProgrammeMembership): boolean {
  return membership.curriculumMemberships.length > 0;
}

export function eligibleProgrammeMemberships(
  memberships: readonly ProgrammeMembership[],
): ProgrammeMembership[] {
  return memberships.filter(isEligible);
}

/** Current means start <= today <= end (inclusive); a membership missing a date never is. */
export function isCurrent(membership: ProgrammeMembership, today: LocalDate): boolean {
  const { startDate, endDate } = membership;
  return startDate !== null && endDate !== null && isWithin(today, startDate, endDate);
}

/** The tie-break that separated the selected membership from the runner-up. */
export type SelectionCriterion =
  'only candidate' | 'latest end date' | 'latest start date' | 'smallest uuid';

export interface ProgrammeMembershipSelection {
  membership: ProgrammeMembership;
  /** Whether it was chosen among current memberships (and so is current itself). */
  current: boolean;
  /** How many memberships it was chosen among (current ones if any, else all eligible). */
  candidates: number;
  decidedBy: SelectionCriterion;
}

// Latest date first, a missing date after every real one.
function latestFirst(a: LocalDate | null, b: LocalDate | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareDates(b, a);
}

function smallestFirst(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const CRITERIA: ReadonlyArray<
  [SelectionCriterion, (a: ProgrammeMembership, b: ProgrammeMembership) => number]
> = [
  ['latest end date', (a, b) => latestFirst(a.endDate, b.endDate)],
  ['latest start date', (a, b) => latestFirst(a.startDate, b.startDate)],
  // Plain code-unit order: deterministic whatever the locale, and uuids are unique per doctor.
  ['smallest uuid', (a, b) => smallestFirst(a.uuid, b.uuid)],
];

/** Best first: the order in which docs/rules.md §4.2 ranks memberships of the same group. */
export function rankProgrammeMemberships(a: ProgrammeMembership, b: ProgrammeMembership): number {
  for (const [, compare] of CRITERIA) {
    const order = compare(a, b);
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Among eligible memberships, the best current one if any is current, else the best of all
 * eligible ones; null when none is eligible. Also says which tie-break decided, for --explain.
 */
export function chooseProgrammeMembership(
  memberships: readonly ProgrammeMembership[],
  today: LocalDate,
): ProgrammeMembershipSelection | null {
  const eligible = eligibleProgrammeMemberships(memberships);
  const current = eligible.filter((membership) => isCurrent(membership, today));
  const group = current.length > 0 ? current : eligible;
  if (group.length === 0) return null;
  const [best, runnerUp] = [...group].sort(rankProgrammeMemberships);
  let decidedBy: SelectionCriterion = 'only candidate';
  if (runnerUp !== undefined) {
    // Only two memberships sharing a uuid rank equal, and input validation refuses those.
    decidedBy =
      CRITERIA.find(([, compare]) => compare(best, runnerUp) !== 0)?.[0] ?? 'smallest uuid';
  }
  return { membership: best, current: current.length > 0, candidates: group.length, decidedBy };
}

export function selectedProgrammeMembership(
  memberships: readonly ProgrammeMembership[],
  today: LocalDate,
): ProgrammeMembership | null {
  return chooseProgrammeMembership(memberships, today)?.membership ?? null;
}

/** The latest curriculum end date of a membership: how long the training actually runs. */
export function latestCurriculumEndDate(membership: ProgrammeMembership): LocalDate | null {
  let latest: LocalDate | null = null;
  for (const { curriculumEndDate } of membership.curriculumMemberships) {
    if (curriculumEndDate !== null && (latest === null || curriculumEndDate > latest)) {
      latest = curriculumEndDate;
    }
  }
  return latest;
}
