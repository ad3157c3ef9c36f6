// Stage 2, keyed by programme membership uuid: a programme membership meets its curriculum
// memberships here, and the pair goes on to the membership's person. When a membership moves
// to another person, or goes, the person it was with is told to drop it.
import type { ProcessorContext } from '../../streams/topology';
import type { CurriculumMembershipRow, ProgrammeMembershipRow } from '../sources';
import { SINKS } from './source-tables';
import { supersedes, type MembershipMessage, type PersonMessage, type Versioned } from './messages';

export const MEMBERSHIPS_STORE = 'memberships';

interface MembershipState {
  membership?: Versioned<ProgrammeMembershipRow>;
  curricula: Record<string, CurriculumMembershipRow>;
  /** The person the membership was last sent to. */
  person?: number;
}

export function applyMembershipChange(
  uuid: string,
  message: MembershipMessage,
  context: ProcessorContext,
): void {
  const state = context.get<MembershipState>(MEMBERSHIPS_STORE, uuid) ?? { curricula: {} };
  if (message.source === 'programmeMembership') {
    if (!supersedes(state.membership, message)) return;
    state.membership = {
      position: message.position ?? state.membership?.position,
      row: message.op === 'upsert' ? message.row : null,
    };
  } else if (message.op === 'upsert') {
    state.curricula[message.key] = message.row;
  } else {
    delete state.curricula[message.key];
  }
  const membership = state.membership?.row ?? null;
  if (state.person !== undefined && state.person !== membership?.personId) {
    context.forward(
      SINKS.persons,
      String(state.person),
      {
        source: 'membership',
        key: uuid,
        op: 'delete',
      } satisfies PersonMessage,
      uuid,
    );
  }
  if (membership) {
    const curricula = Object.values(state.curricula).sort((a, b) => a.id - b.id);
    context.forward(
      SINKS.persons,
      String(membership.personId),
      {
        source: 'membership',
        key: uuid,
        op: 'upsert',
        row: { membership, curricula },
      } satisfies PersonMessage,
      uuid,
    );
  }
  state.person = membership?.personId;
  const empty = state.membership === undefined && Object.keys(state.curricula).length === 0;
  context.put(MEMBERSHIPS_STORE, uuid, empty ? undefined : state);
}
