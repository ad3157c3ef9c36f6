// When the derived record changes by the calendar alone (docs/rules.md §4.7). The stream
// processor re-evaluates each doctor on this date with no new event, so it must never be
// later than a real change; it may be earlier (a candidate that changes nothing costs one
// extra evaluation, nothing more).
import { addDays, MAX_LOCAL_DATE, type LocalDate } from './dates';
import { isEligible } from './programme-membership';
import type { Placement, ProgrammeMembership } from './types';

export type ReevaluationTrigger =
  | { kind: 'membership starts'; uuid: string; date: LocalDate }
  | { kind: 'membership ended'; uuid: string; date: LocalDate }
  | { kind: 'placement starts'; gradeId: number; date: LocalDate }
  | { kind: 'placement ended'; gradeId: number; date: LocalDate };

// A start only matters when there is also an end: only a range with both dates is ever
// current, and a missing end date keeps the reason PROGRAMME_DATES_MISSING whatever the day.
// An end matters even without a start, because PROGRAMME_ENDED_WHILE_CONNECTED reads the
// end date alone. A range ending 9999-12-31 (a common stand-in for "open-ended") never ends
// within the calendar.
function boundaries(
  from: LocalDate | null,
  to: LocalDate | null,
  today: LocalDate,
): { starts?: LocalDate; ended?: LocalDate } {
  return {
    starts: from !== null && to !== null && from > today ? from : undefined,
    ended: to !== null && to >= today && to !== MAX_LOCAL_DATE ? addDays(to, 1) : undefined,
  };
}

/**
 * Every date after today on which something the rules read changes by itself: an eligible
 * membership's start, and the day after its end; likewise for placements with a grade,
 * because placementGrades shows the grades of current placements. Two extensions of the
 * original candidates (docs/rules.md §7, item 4), both needed so the record holds till then: the
 * placements, and the end of a membership that has no start date (see `boundaries`).
 */
export function reevaluationTriggers(
  memberships: readonly ProgrammeMembership[],
  placements: readonly Placement[],
  today: LocalDate,
): ReevaluationTrigger[] {
  const triggers: ReevaluationTrigger[] = [];
  for (const membership of memberships.filter(isEligible)) {
    const { starts, ended } = boundaries(membership.startDate, membership.endDate, today);
    const { uuid } = membership;
    if (starts) triggers.push({ kind: 'membership starts', uuid, date: starts });
    if (ended) triggers.push({ kind: 'membership ended', uuid, date: ended });
  }
  for (const { gradeId, dateFrom, dateTo } of placements) {
    if (gradeId === null) continue;
    const { starts, ended } = boundaries(dateFrom, dateTo, today);
    if (starts) triggers.push({ kind: 'placement starts', gradeId, date: starts });
    if (ended) triggers.push({ kind: 'placement ended', gradeId, date: ended });
  }
  return triggers;
}

/** The earliest trigger's date, or null when there is none. */
export function earliestTriggerDate(triggers: readonly ReevaluationTrigger[]): LocalDate | null {
  let next: LocalDate | null = null;
  for (const { date } of triggers) if (next === null || date < next) next = date;
  return next;
}

/** The earliest date after today on which the record can change; null when it never can. */
export function nextReevaluationDate(
  memberships: readonly ProgrammeMembership[],
  placements: readonly Placement[],
  today: LocalDate,
): LocalDate | null {
  return earliestTriggerDate(reevaluationTriggers(memberships, placements, today));
}
