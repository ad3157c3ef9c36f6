// Stage 2, keyed by programme membership uuid: a programme membership meets its curriculum
// memberships here, and the pair goes on to the membership's person. When a membership moves
// to another person, or goes, the person it was with is told to drop it.
import type { ProcessorContext } from '../../streams/topology';
import type { CurriculumMembershipRow, ProgrammeMembershipRow } from '../sources';
import { SINKS } from './source-tables';
import {
  provenance,
  supersedes,
  type InputOrigin,
  type MembershipMessage,
  type PersonMessage,
  type RowOrigin,
  type Versioned,
  withOrigin,
} from './messages';

export const MEMBERSHIPS_STORE = 'memberships';

interface MembershipState {
  membership?: Versioned<ProgrammeMembershipRow>;
  curricula: Record<string, CurriculumMembershipRow>;
  /** By curriculum membership id, where known (absent in states stored before origins). */
  curriculumOrigins?: Record<string, InputOrigin>;
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
      ...provenance(message.origin),
    };
  } else {
    if (message.op === 'upsert') state.curricula[message.key] = message.row;
    else delete state.curricula[message.key];
    state.curriculumOrigins = withOrigin(
      state.curriculumOrigins,
      message.key,
      message.origin,
      message.op === 'upsert',
    );
  }
  // What the person is told passes on the row change that caused it.
  const cause = provenance(message.origin, { source: message.source, key: message.key });
  const membership = state.membership?.row ?? null;
  if (state.person !== undefined && state.person !== membership?.personId) {
    context.forward(
      SINKS.persons,
      String(state.person),
      {
        source: 'membership',
        key: uuid,
        op: 'delete',
        ...cause,
      } satisfies PersonMessage,
      uuid,
    );
  }
  if (membership) {
    const curricula = Object.values(state.curricula).sort((a, b) => a.id - b.id);
    const origins = membershipOrigins(uuid, state, curricula);
    context.forward(
      SINKS.persons,
      String(membership.personId),
      {
        source: 'membership',
        key: uuid,
        op: 'upsert',
        row: { membership, curricula, ...(origins.length > 0 && { origins }) },
        ...cause,
      } satisfies PersonMessage,
      uuid,
    );
  }
  state.person = membership?.personId;
  const empty = state.membership === undefined && Object.keys(state.curricula).length === 0;
  context.put(MEMBERSHIPS_STORE, uuid, empty ? undefined : state);
}

function membershipOrigins(
  uuid: string,
  state: MembershipState,
  curricula: CurriculumMembershipRow[],
): RowOrigin[] {
  const origins: RowOrigin[] = [];
  const own = state.membership?.origin;
  if (own) origins.push({ source: 'programmeMembership', key: uuid, origin: own });
  for (const { id } of curricula) {
    const origin = state.curriculumOrigins?.[String(id)];
    if (origin) origins.push({ source: 'curriculumMembership', key: String(id), origin });
  }
  return origins;
}
