// A human-readable account of which rule decided each field of a derived record, for
// `reval evaluate --explain`. It reads the facts the rules recorded while deciding (an
// Evaluation), so it cannot drift from what the rules actually did.
import type { Evaluation } from './derive';
import {
  isEligible,
  type ProgrammeMembershipSelection,
  type SelectionCriterion,
} from './programme-membership';
import type { ReevaluationTrigger } from './reevaluation';

const quote = (text: string): string => JSON.stringify(text);
const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

function describeSelection(selection: ProgrammeMembershipSelection, ignored: number): string {
  const { membership, current, candidates, decidedBy } = selection;
  const dates = `${membership.startDate ?? 'no start date'} to ${membership.endDate ?? 'no end date'}`;
  const group = current ? 'current' : 'eligible';
  const why: Record<SelectionCriterion, string> = {
    'only candidate': `the only ${group} one`,
    'latest end date': `of ${candidates} ${group} ones, the latest end date`,
    'latest start date': `of ${candidates} ${group} ones, the latest start date (same end date)`,
    'smallest uuid': `of ${candidates} ${group} ones with the same dates, the smallest uuid`,
  };
  const prefix = current ? '' : 'no eligible membership is current, so ';
  const skipped =
    ignored > 0 ? `; ${plural(ignored, 'membership')} without a curriculum ignored` : '';
  return (
    `selected programme membership ${membership.uuid} (${membership.type ?? 'no type'}, ${dates}): ` +
    `${prefix}${why[decidedBy]}${skipped}`
  );
}

function describeStatus(evaluation: Evaluation, today: string): string {
  const { record, person, selection, inputs } = evaluation;
  const selected = selection?.membership;
  switch (record.connectionReason) {
    case null:
      return `connectionStatus CONNECTED: the selected membership is current (${selected?.startDate} <= ${today} <= ${selected?.endDate})`;
    case 'NOT_IN_TIS':
      return inputs.tis === null
        ? 'connectionStatus DISCONNECTED, connectionReason NOT_IN_TIS: there is no TIS person'
        : `connectionStatus DISCONNECTED, connectionReason NOT_IN_TIS: TIS person ${inputs.tis.personId} is ignored, role ${quote(inputs.tis.role ?? '')} is a dummy or placeholder`;
    case 'NO_PROGRAMME_MEMBERSHIP':
      return `connectionStatus DISCONNECTED, connectionReason NO_PROGRAMME_MEMBERSHIP: TIS person ${person?.personId} has no programme membership`;
    case 'NO_CURRICULUM_MEMBERSHIP': {
      const count = person?.programmeMemberships.length ?? 0;
      const why =
        count === 1
          ? 'its programme membership has no curriculum membership'
          : `none of its ${count} programme memberships has a curriculum membership`;
      return `connectionStatus DISCONNECTED, connectionReason NO_CURRICULUM_MEMBERSHIP: ${why}`;
    }
    case 'PROGRAMME_DATES_MISSING':
      return `connectionStatus DISCONNECTED, connectionReason PROGRAMME_DATES_MISSING: the selected membership has no ${selected?.startDate === null ? 'start' : 'end'} date`;
    case 'PROGRAMME_NOT_STARTED':
      return `connectionStatus DISCONNECTED, connectionReason PROGRAMME_NOT_STARTED: the selected membership starts on ${selected?.startDate}, after today`;
    case 'PROGRAMME_ENDED':
      return `connectionStatus DISCONNECTED, connectionReason PROGRAMME_ENDED: the selected membership ended on ${selected?.endDate}, before today`;
  }
}

function describeTcsDesignatedBody(evaluation: Evaluation): string {
  const { record, selection, ownerDesignatedBody } = evaluation;
  if (record.connectionStatus !== 'CONNECTED') {
    return 'tcsDesignatedBody none: TIS gives a designated body only to a connected doctor';
  }
  const owner = selection?.membership.owner ?? null;
  if (owner === null) {
    return 'tcsDesignatedBody none: the selected membership has no programme owner';
  }
  return ownerDesignatedBody === null
    ? `tcsDesignatedBody none: programme owner ${quote(owner)} maps to no designated body`
    : `tcsDesignatedBody ${ownerDesignatedBody}: programme owner ${quote(owner)} maps to it`;
}

function describeGmcDesignatedBody(evaluation: Evaluation): string {
  const { record, inputs } = evaluation;
  const { gmc } = inputs;
  if (gmc === null) return 'designatedBody none: there is no GMC state';
  if (record.designatedBody !== null) {
    return `designatedBody ${record.designatedBody}: the GMC state of ${gmc.lastUpdated} lists the doctor there`;
  }
  return gmc.existsInGmc
    ? `designatedBody none: the GMC state of ${gmc.lastUpdated} lists no designated body`
    : `designatedBody none: the GMC state of ${gmc.lastUpdated} says the doctor is not in GMC`;
}

function describeExceptions(evaluation: Evaluation): string {
  const { record, selection, inputs } = evaluation;
  const { gmc, exceptionLog } = inputs;
  const lastChange =
    gmc === null ? 'there is no GMC state' : `the last GMC change was at ${gmc.lastUpdated}`;
  const error =
    exceptionLog === null
      ? ''
      : `the GMC error at ${exceptionLog.timestamp}${exceptionLog.errorMessage === null ? '' : ` (${quote(exceptionLog.errorMessage)})`}`;
  const clauses = record.exceptionReasons.map((reason) => {
    switch (reason) {
      case 'VISITOR':
        return "VISITOR (the selected membership's type is VISITOR)";
      case 'PROGRAMME_ENDED_WHILE_CONNECTED':
        return `PROGRAMME_ENDED_WHILE_CONNECTED (connected in GMC to ${record.designatedBody} though the selected membership ended on ${selection?.membership.endDate})`;
      case 'GMC_UPDATE_FAILED':
        return `GMC_UPDATE_FAILED (${error} is outstanding: ${lastChange})`;
    }
  });
  if (clauses.length > 0) return `exceptionReasons ${clauses.join(', ')}`;
  return exceptionLog === null
    ? 'exceptionReasons none'
    : `exceptionReasons none: ${error} is not newer than the last GMC change at ${gmc?.lastUpdated}`;
}

function describeDiscrepancy(evaluation: Evaluation): string {
  const { tcsDesignatedBody: tis, designatedBody: gmc, discrepancy } = evaluation.record;
  const tisSays = tis === null ? 'TIS has none' : `TIS says ${tis}`;
  const gmcSays = gmc === null ? 'GMC has none' : `GMC has ${gmc}`;
  if (discrepancy !== null) return `discrepancy ${discrepancy}: ${tisSays}, ${gmcSays}`;
  return tis === null
    ? 'discrepancy none: neither TIS nor GMC has a designated body'
    : `discrepancy none: TIS and GMC agree on ${tis}`;
}

function describeTrigger(trigger: ReevaluationTrigger): string {
  switch (trigger.kind) {
    case 'membership starts':
      return `programme membership ${trigger.uuid} starts`;
    case 'membership ended':
      return `the day after programme membership ${trigger.uuid} ends`;
    case 'placement starts':
      return `a placement with grade ${trigger.gradeId} starts`;
    case 'placement ended':
      return `the day after a placement with grade ${trigger.gradeId} ends`;
  }
}

function describeNextReevaluation(evaluation: Evaluation): string {
  const next = evaluation.record.nextReevaluationDate;
  if (next === null) {
    return 'nextReevaluationDate none: no eligible membership or placement starts or ends after today';
  }
  const why = evaluation.triggers.filter((t) => t.date === next).map(describeTrigger);
  return `nextReevaluationDate ${next}: ${[...new Set(why)].join(' and ')}`;
}

/**
 * A sentence per decision, in the order the rules take them, each ending in a full stop.
 * Undated, they name no date that is only today's (the record's explanation, which must not
 * change merely because a day passed): the status compares with "today".
 */
export function explanationSentences(
  evaluation: Evaluation,
  { dated = true }: { dated?: boolean } = {},
): string[] {
  const { selection, person, today } = evaluation;
  const ignored = person?.programmeMemberships.filter((m) => !isEligible(m)).length ?? 0;
  return [
    ...(selection === null ? [] : [describeSelection(selection, ignored)]),
    describeStatus(evaluation, dated ? today : 'today'),
    describeTcsDesignatedBody(evaluation),
    describeGmcDesignatedBody(evaluation),
    describeExceptions(evaluation),
    describeDiscrepancy(evaluation),
    describeNextReevaluation(evaluation),
  ].map((sentence) => `${sentence}.`);
}

/**
 * One paragraph of the sentences; dated, it begins "On <today>: " (`reval evaluate
 * --explain`), undated it is the record's explanation.
 */
export function explainEvaluation(
  evaluation: Evaluation,
  { dated = true }: { dated?: boolean } = {},
): string {
  const text = explanationSentences(evaluation, { dated }).join(' ');
  return dated ? `On ${evaluation.today}: ${text}` : text;
}
