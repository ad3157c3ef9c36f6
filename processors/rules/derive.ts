// The connection rules end to end: one doctor's inputs and today's date in, the record the
// Connections screens show out. Pure: the same inputs and date always give the same record,
// which is what lets the stream processor rebuild every output from its topics.
import { isWithin, type LocalDate } from './dates';
import { connectionVerdict, validTisPerson } from './connection-status';
import {
  designatedBodyForOwner,
  displayOwner,
  gmcDesignatedBody,
  type DesignatedBodyMap,
} from './designated-body';
import { discrepancy } from './discrepancy';
import { exceptionReasons } from './exceptions';
import {
  chooseProgrammeMembership,
  latestCurriculumEndDate,
  type ProgrammeMembershipSelection,
} from './programme-membership';
import {
  earliestTriggerDate,
  reevaluationTriggers,
  type ReevaluationTrigger,
} from './reevaluation';
import { revalidationFields } from './revalidation';
import type { DerivedConnection, DoctorInputs, Placement, TisPerson } from './types';

/** The derived record with the intermediate facts that decided it (for --explain). */
export interface Evaluation {
  today: LocalDate;
  inputs: DoctorInputs;
  /** The TIS person the rules used: null when absent or a dummy/placeholder record. */
  person: TisPerson | null;
  selection: ProgrammeMembershipSelection | null;
  /** The designated body the selected membership's owner maps to, connected or not. */
  ownerDesignatedBody: string | null;
  triggers: ReevaluationTrigger[];
  record: DerivedConnection;
}

/**
 * Grades of the placements current today (inclusive), distinct and ascending. Current rather
 * than all placements because the screens show the grade the doctor works at now; a grade
 * from a finished or future post would mislead, so placement dates are re-evaluation
 * triggers too.
 */
export function currentPlacementGrades(
  placements: readonly Placement[],
  today: LocalDate,
): number[] {
  const grades = new Set<number>();
  for (const { gradeId, dateFrom, dateTo } of placements) {
    if (
      gradeId !== null &&
      dateFrom !== null &&
      dateTo !== null &&
      isWithin(today, dateFrom, dateTo)
    ) {
      grades.add(gradeId);
    }
  }
  return [...grades].sort((a, b) => a - b);
}

export function evaluateDoctor(
  inputs: DoctorInputs,
  today: LocalDate,
  designatedBodies: DesignatedBodyMap,
): Evaluation {
  const { gmc, exceptionLog } = inputs;
  // A dummy or placeholder TIS record is ignored entirely: no status, no display fields.
  const person = validTisPerson(inputs.tis);
  const memberships = person?.programmeMemberships ?? [];
  const placements = person?.placements ?? [];
  const selection = chooseProgrammeMembership(memberships, today);
  const selected = selection?.membership ?? null;

  const { connectionStatus, connectionReason } = connectionVerdict(person, selected, today);
  const ownerDesignatedBody = designatedBodyForOwner(selected?.owner ?? null, designatedBodies);
  const tcsDesignatedBody = connectionStatus === 'CONNECTED' ? ownerDesignatedBody : null;
  const designatedBody = gmcDesignatedBody(gmc);
  const triggers = reevaluationTriggers(memberships, placements, today);
  // GMC's register is authoritative for a registered doctor's name; TIS fills in for doctors
  // GMC does not list. Names come as a pair so a record never mixes two sources.
  const gmcHasName = gmc !== null && (gmc.firstName !== null || gmc.lastName !== null);
  const names = gmcHasName ? gmc : person;

  const record: DerivedConnection = {
    gmcReferenceNumber: inputs.gmcReferenceNumber,
    connectionStatus,
    connectionReason,
    designatedBody,
    tcsDesignatedBody,
    exceptionReasons: exceptionReasons({ selected, designatedBody, gmc, exceptionLog }, today),
    discrepancy: discrepancy(tcsDesignatedBody, designatedBody),
    nextReevaluationDate: earliestTriggerDate(triggers),
    selectedProgrammeMembershipUuid: selected?.uuid ?? null,
    tcsPersonId: person?.personId ?? null,
    doctorFirstName: names?.firstName ?? null,
    doctorLastName: names?.lastName ?? null,
    submissionDate: gmc?.submissionDate ?? null,
    programmeName: selected?.programmeName ?? null,
    membershipType: selected?.type ?? null,
    programmeOwner: displayOwner(selected?.owner ?? null),
    membershipStartDate: selected?.startDate ?? null,
    membershipEndDate: selected?.endDate ?? null,
    curriculumEndDate: selected === null ? null : latestCurriculumEndDate(selected),
    placementGrades: currentPlacementGrades(placements, today),
    existsInGmc: gmc?.existsInGmc ?? false,
    underNotice: gmc?.underNotice ?? null,
    admin: gmc?.admin ?? null,
    ...revalidationFields(inputs.revalidation),
  };
  return { today, inputs, person, selection, ownerDesignatedBody, triggers, record };
}

/** The connection rules: `(doctor inputs, today) → derived record` (docs/design.md principle 1). */
export function deriveConnection(
  inputs: DoctorInputs,
  today: LocalDate,
  designatedBodies: DesignatedBodyMap,
): DerivedConnection {
  return evaluateDoctor(inputs, today, designatedBodies).record;
}
