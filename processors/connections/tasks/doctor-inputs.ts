// What the rules see of one doctor, assembled from the doctors stage's state: the derivation's
// inputs, and every input row they came from with its origin (what `reval explain` prints).
// Pure: the doctors stage derives from exactly this, so an explanation never disagrees with it.
import type { DoctorInputs, RevalidationRecords, TisPerson } from '../../rules/types';
import type { DoctorsForDbRow, ProgrammeRow } from '../sources';
import { gmcStateOf, latestExceptionLog } from '../state/gmc-doctor-state';
import type { DoctorState, DoctorsSettings } from './doctors';
import type { InputOrigin, TisPersonRecord } from './messages';

/** One input row the derivation used, with where it came from (null when not known). */
export interface ExplainedRow {
  source: string;
  key: string;
  row: unknown;
  origin: InputOrigin | null;
}

/** The key of a row's origin in `DoctorState.origins`. */
export function originKey(source: string, key: string): string {
  return `${source}:${key}`;
}

/**
 * The doctor's inputs to the rules (null when nothing makes them a doctor: no TIS person, GMC
 * state or doctorsForDB document) and the rows they were assembled from.
 */
export function inputsOfDoctor(
  gmcNumber: string,
  state: DoctorState,
  settings: Pick<DoctorsSettings, 'programmes'>,
): { inputs: DoctorInputs | null; rows: ExplainedRow[] } {
  const person = chosenPerson(state);
  return {
    inputs: doctorInputs(gmcNumber, state, settings),
    rows: [
      ...(person ? personRows(gmcNumber, person, settings.programmes) : []),
      ...doctorRows(gmcNumber, state),
    ],
  };
}

/** The inputs alone, as the doctors stage derives from them (it needs no row list). */
export function doctorInputs(
  gmcReferenceNumber: string,
  state: DoctorState,
  { programmes }: Pick<DoctorsSettings, 'programmes'>,
): DoctorInputs | null {
  const person = chosenPerson(state);
  const tis = person ? tisPersonOf(person, programmes) : null;
  const copy = state.copy?.row ?? undefined;
  if (!tis && !state.sync && !copy) return null;
  return {
    gmcReferenceNumber,
    tis,
    gmc: gmcStateOf(state.sync, copy),
    exceptionLog: latestExceptionLog(Object.values(state.logs)),
    revalidation: revalidationOf(state, copy),
  };
}

/**
 * Should two valid persons carry the same number (a TIS data error), the one with the smallest
 * person id is shown: a stable choice that does not depend on arrival order.
 */
function chosenPerson(state: DoctorState): TisPersonRecord | undefined {
  return Object.values(state.tis).sort((a, b) => a.personId - b.personId)[0];
}

/** The revalidation services' own records of the doctor (docs/rules.md §4.9). */
function revalidationOf(
  state: DoctorState,
  copy: DoctorsForDbRow | undefined,
): RevalidationRecords | null {
  const logs = Object.values(state.connectionLogs ?? {});
  const recommendations = Object.values(state.recommendations ?? {});
  const hidden = Object.values(state.hiddenDiscrepancies ?? {});
  if (!copy && logs.length === 0 && recommendations.length === 0 && hidden.length === 0) {
    return null;
  }
  return {
    tisStatus: copy?.doctorStatus ?? null,
    // A document stored before this field was read lacks it.
    lastUpdatedDate: copy?.lastUpdatedDate ?? null,
    connectionLogs: logs.map((log) => ({
      id: log.id,
      updatedBy: log.updatedBy,
      requestTime: log.requestTime?.toISOString() ?? null,
      responseCode: log.responseCode,
    })),
    recommendations: recommendations.map((recommendation) => ({
      id: recommendation.id,
      outcome: recommendation.outcome,
      actualSubmissionDate: recommendation.actualSubmissionDate,
      gmcSubmissionDate: recommendation.gmcSubmissionDate,
    })),
    hiddenDiscrepancies: hidden.map((row) => ({
      id: row.id,
      gmcId: row.gmcId,
      hiddenForDesignatedBodyCode: row.hiddenForDesignatedBodyCode,
      hiddenBy: row.hiddenBy,
      reason: row.reason,
      hiddenDateTime: row.hiddenDateTime?.toISOString() ?? null,
      hiddenUntilDate: row.hiddenUntilDate,
    })),
  };
}

function tisPersonOf(
  person: TisPersonRecord,
  programmes: ReadonlyMap<number, ProgrammeRow>,
): TisPerson {
  return {
    personId: person.personId,
    role: person.role,
    firstName: person.firstName,
    lastName: person.lastName,
    programmeMemberships: person.memberships.map(({ membership, curricula }) => {
      const programme =
        membership.programmeId === null ? undefined : programmes.get(membership.programmeId);
      return {
        uuid: membership.uuid,
        type: membership.programmeMembershipType,
        startDate: membership.programmeStartDate,
        endDate: membership.programmeEndDate,
        programmeName: programme?.programmeName ?? null,
        owner: programme?.owner ?? null,
        curriculumMemberships: curricula.map((curriculum) => ({
          id: curriculum.id,
          curriculumStartDate: curriculum.curriculumStartDate,
          curriculumEndDate: curriculum.curriculumEndDate,
        })),
      };
    }),
    placements: person.placements.map((placement) => ({
      gradeId: placement.gradeId,
      dateFrom: placement.dateFrom,
      dateTo: placement.dateTo,
    })),
  };
}

/**
 * The TIS rows of the person shown. The persons stage keeps of the person, contact details and
 * GMC details rows only the fields the rules read, so those rows are shown as far as known.
 * Programme rows come from the global table, which keeps no origin.
 */
function personRows(
  gmcNumber: string,
  person: TisPersonRecord,
  programmes: ReadonlyMap<number, ProgrammeRow>,
): ExplainedRow[] {
  const origins = new Map(
    (person.origins ?? []).map((held) => [originKey(held.source, held.key), held.origin]),
  );
  const row = (source: string, key: string | number, value: unknown): ExplainedRow => ({
    source,
    key: String(key),
    row: value,
    origin: origins.get(originKey(source, String(key))) ?? null,
  });
  const id = person.personId;
  const rows = [row('person', id, { id, role: person.role })];
  const hasContact = origins.has(originKey('contactDetails', String(id)));
  if (hasContact || person.firstName !== null || person.lastName !== null) {
    rows.push(
      row('contactDetails', id, { id, forenames: person.firstName, surname: person.lastName }),
    );
  }
  // A person reaches a doctor only by a valid number in their GMC details.
  rows.push(row('gmcDetails', id, { id, gmcNumber }));
  const programmeIds = new Set<number>();
  for (const { membership, curricula } of person.memberships) {
    rows.push(row('programmeMembership', membership.uuid, membership));
    for (const curriculum of curricula)
      rows.push(row('curriculumMembership', curriculum.id, curriculum));
    if (membership.programmeId !== null) programmeIds.add(membership.programmeId);
  }
  for (const placement of person.placements) rows.push(row('placement', placement.id, placement));
  for (const programmeId of [...programmeIds].sort((a, b) => a - b)) {
    const programme = programmes.get(programmeId);
    if (programme) rows.push(row('programme', programmeId, programme));
  }
  return rows;
}

/** The doctor's GMC and revalidation rows, each with the origin the doctors stage kept. */
function doctorRows(gmcNumber: string, state: DoctorState): ExplainedRow[] {
  const row = (source: string, key: string, value: unknown): ExplainedRow => ({
    source,
    key,
    row: value,
    origin: state.origins?.[originKey(source, key)] ?? null,
  });
  const keyed = (source: string, rows: Record<string, unknown> | undefined) =>
    Object.entries(rows ?? {}).map(([key, value]) => row(source, key, value));
  return [
    ...(state.sync ? [row('gmcDoctors', gmcNumber, state.sync)] : []),
    ...(state.copy?.row ? [row('doctorsForDB', gmcNumber, state.copy.row)] : []),
    ...keyed('exceptionLogs', state.logs),
    ...keyed('connectionLogs', state.connectionLogs),
    ...keyed('hiddenDiscrepancy', state.hiddenDiscrepancies),
    ...keyed('recommendation', state.recommendations),
  ];
}
