// Exception reasons: the doctors an administrator must act on (docs/rules.md §4.5).
import { compareInstants, type LocalDate } from './dates';
import type { ExceptionLog, ExceptionReason, GmcState, ProgrammeMembership } from './types';

export interface ExceptionFacts {
  selected: ProgrammeMembership | null;
  /** GMC's designated body: non-null means connected in GMC. */
  designatedBody: string | null;
  gmc: GmcState | null;
  exceptionLog: ExceptionLog | null;
}

export function isVisitor(selected: ProgrammeMembership | null): boolean {
  return selected?.type === 'VISITOR';
}

/**
 * Read as "connected in GMC": the old documentation says "connected", but the TIS status is
 * DISCONNECTED whenever the selected membership has ended, so that reading could never fire.
 */
export function programmeEndedWhileConnected(
  selected: ProgrammeMembership | null,
  designatedBody: string | null,
  today: LocalDate,
): boolean {
  return designatedBody !== null && selected?.endDate != null && selected.endDate < today;
}

/**
 * An outstanding GMC error: the latest failed request is newer than the doctor's last
 * successful GMC change. A failure at the very same instant as the change is not newer (the
 * change it failed to make is the one GMC recorded). With no GMC state at all, nothing has
 * superseded the failure, so it is outstanding: typically a connect request for a doctor
 * GMC has never listed under any of our designated bodies.
 */
export function gmcUpdateFailed(gmc: GmcState | null, exceptionLog: ExceptionLog | null): boolean {
  if (exceptionLog === null) return false;
  if (gmc === null) return true;
  return compareInstants(exceptionLog.timestamp, gmc.lastUpdated) > 0;
}

/** Every reason that applies, in EXCEPTION_REASONS order. */
export function exceptionReasons(facts: ExceptionFacts, today: LocalDate): ExceptionReason[] {
  const reasons: ExceptionReason[] = [];
  if (isVisitor(facts.selected)) reasons.push('VISITOR');
  if (programmeEndedWhileConnected(facts.selected, facts.designatedBody, today)) {
    reasons.push('PROGRAMME_ENDED_WHILE_CONNECTED');
  }
  if (gmcUpdateFailed(facts.gmc, facts.exceptionLog)) reasons.push('GMC_UPDATE_FAILED');
  return reasons;
}
