// Stage 3, keyed by TCS person id: a person's rows (contact details, GMC details, role,
// placements, programme memberships with their curricula) are assembled into one TIS person,
// which goes on keyed by the person's GMC number (only its latest state per commit). A person whose number changes, or stops
// being valid (docs/rules.md §3), is withdrawn from the old number with a delete.
import { gmcNumberOf, isDummyOrPlaceholderRole, type GmcNumber } from '../../rules/identity';
import type { ProcessorContext } from '../../streams/topology';
import type { ContactDetailsRow, GmcDetailsRow, PersonRow, PlacementRow } from '../sources';
import { SINKS } from './source-tables';
import {
  provenance,
  supersedes,
  withOrigin,
  type DoctorMessage,
  type InputOrigin,
  type MembershipAggregate,
  type PersonMessage,
  type RowOrigin,
  type TisPersonRecord,
  type Versioned,
} from './messages';

export const PERSONS_STORE = 'persons';

interface PersonState {
  contactDetails?: Versioned<ContactDetailsRow>;
  gmcDetails?: Versioned<GmcDetailsRow>;
  person?: Versioned<PersonRow>;
  placements: Record<string, PlacementRow>;
  /** By placement id, where known (absent in states stored before origins were kept). */
  placementOrigins?: Record<string, InputOrigin>;
  memberships: Record<string, MembershipAggregate>;
  /** The GMC number the person was last sent under. */
  doctor?: string;
}

export function applyPersonChange(
  personKey: string,
  message: PersonMessage,
  context: ProcessorContext,
): void {
  const state = context.get<PersonState>(PERSONS_STORE, personKey) ?? {
    placements: {},
    memberships: {},
  };
  switch (message.source) {
    case 'contactDetails':
    case 'gmcDetails':
    case 'person': {
      const held = state[message.source] as Versioned<unknown> | undefined;
      if (!supersedes(held, message)) return;
      (state[message.source] as Versioned<unknown>) = {
        position: message.position ?? held?.position,
        row: message.op === 'upsert' ? message.row : null,
        ...provenance(message.origin),
      };
      break;
    }
    case 'placement':
      if (message.op === 'upsert') state.placements[message.key] = message.row;
      else delete state.placements[message.key];
      state.placementOrigins = withOrigin(
        state.placementOrigins,
        message.key,
        message.origin,
        message.op === 'upsert',
      );
      break;
    case 'membership':
      if (message.op === 'upsert') state.memberships[message.key] = message.row;
      else delete state.memberships[message.key];
      break;
  }
  const personId = Number(personKey);
  const doctor = validGmcNumberOf(state);
  // The doctor is told which raw row caused this: a membership passes on its own trigger.
  const cause = provenance(
    message.origin,
    message.trigger ?? { source: message.source, key: message.key },
  );
  if (state.doctor !== undefined && state.doctor !== doctor) {
    context.forward(
      SINKS.doctors,
      state.doctor,
      {
        source: 'tisPerson',
        key: personKey,
        op: 'delete',
        ...cause,
      } satisfies DoctorMessage,
      personKey,
    );
  }
  if (doctor !== null) {
    context.forward(
      SINKS.doctors,
      doctor,
      {
        source: 'tisPerson',
        key: personKey,
        op: 'upsert',
        row: tisPersonRecord(personId, state),
        ...cause,
      } satisfies DoctorMessage,
      personKey,
    );
  }
  state.doctor = doctor ?? undefined;
  context.put(PERSONS_STORE, personKey, state);
}

/** The person's GMC number when it makes them a doctor here (docs/rules.md §3), else null. */
function validGmcNumberOf(state: PersonState): GmcNumber | null {
  const verdict = gmcNumberOf(state.gmcDetails?.row?.gmcNumber);
  if (!verdict.ok) return null;
  if (isDummyOrPlaceholderRole(state.person?.row?.role)) return null;
  return verdict.value;
}

function tisPersonRecord(personId: number, state: PersonState): TisPersonRecord {
  const memberships = Object.values(state.memberships);
  const origins = personOrigins(state, memberships);
  return {
    personId,
    role: state.person?.row?.role ?? null,
    firstName: state.contactDetails?.row?.forenames ?? null,
    lastName: state.contactDetails?.row?.surname ?? null,
    memberships: memberships.map(({ origins: _held, ...membership }) => membership),
    placements: Object.values(state.placements),
    ...(origins.length > 0 && { origins }),
  };
}

/** Every row the person is assembled from whose origin is known; memberships carry theirs. */
function personOrigins(state: PersonState, memberships: MembershipAggregate[]): RowOrigin[] {
  const origins: RowOrigin[] = [];
  for (const source of ['person', 'contactDetails', 'gmcDetails'] as const) {
    const held = state[source];
    if (held?.row && held.origin) {
      origins.push({ source, key: String(held.row.id), origin: held.origin });
    }
  }
  for (const membership of memberships) origins.push(...(membership.origins ?? []));
  for (const [key, origin] of Object.entries(state.placementOrigins ?? {})) {
    origins.push({ source: 'placement', key, origin });
  }
  return origins;
}
