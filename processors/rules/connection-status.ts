// The TIS view of whether a doctor should be connected (docs/rules.md §4.3).
import type { LocalDate } from './dates';
import { isDummyOrPlaceholderRole } from './identity';
import { eligibleProgrammeMemberships, isCurrent } from './programme-membership';
import type {
  ConnectionStatus,
  DisconnectionReason,
  ProgrammeMembership,
  TisPerson,
} from './types';

export interface ConnectionVerdict {
  connectionStatus: ConnectionStatus;
  connectionReason: DisconnectionReason | null;
}

/** The TIS person the rules may use: none when absent or a dummy/placeholder record. */
export function validTisPerson(tis: TisPerson | null): TisPerson | null {
  return tis !== null && !isDummyOrPlaceholderRole(tis.role) ? tis : null;
}

/**
 * CONNECTED exactly when the selected membership is current; otherwise the first reason in
 * DISCONNECTION_REASONS order that applies.
 */
export function connectionVerdict(
  tis: TisPerson | null,
  selected: ProgrammeMembership | null,
  today: LocalDate,
): ConnectionVerdict {
  const disconnected = (connectionReason: DisconnectionReason): ConnectionVerdict => ({
    connectionStatus: 'DISCONNECTED',
    connectionReason,
  });
  const person = validTisPerson(tis);
  if (person === null) return disconnected('NOT_IN_TIS');
  if (person.programmeMemberships.length === 0) return disconnected('NO_PROGRAMME_MEMBERSHIP');
  if (eligibleProgrammeMemberships(person.programmeMemberships).length === 0 || selected === null) {
    return disconnected('NO_CURRICULUM_MEMBERSHIP');
  }
  if (isCurrent(selected, today)) return { connectionStatus: 'CONNECTED', connectionReason: null };
  const { startDate, endDate } = selected;
  if (startDate === null || endDate === null) return disconnected('PROGRAMME_DATES_MISSING');
  // A membership with its dates the wrong way round (start after end) is both; "not
  // started" comes first in the reasons' order, so it wins until the start date passes.
  if (startDate > today) return disconnected('PROGRAMME_NOT_STARTED');
  return disconnected('PROGRAMME_ENDED');
}
