// Stage 3, keyed by TCS person id: a person's rows (contact details, GMC details, role,
// placements, programme memberships with their curricula) are assembled into one TIS person,
// which goes on keyed by the person's GMC number (only its latest state per commit). A person whose number changes, or stops
// being valid (docs/rules.md §3), is withdrawn from the old number with a delete.
import { gmcNumberOf, isDummyOrPlaceholderRole, type GmcNumber } from '../../rules/identity';
import type { ProcessorContext } from '../../streams/topology';
import type { ContactDetailsRow, GmcDetailsRow, PersonRow, PlacementRow } from '../sources';
import { SINKS } from './source-tables';
import {
  supersedes,
  type DoctorMessage,
  type MembershipAggregate,
  type PersonMessage,
  type TisPersonRecord,
  type Versioned,
} from './messages';

export const PERSONS_STORE = 'persons';

interface PersonState {
  contactDetails?: Versioned<ContactDetailsRow>;
  gmcDetails?: Versioned<GmcDetailsRow>;
  person?: Versioned<PersonRow>;
  placements: Record<string, PlacementRow>;
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
      };
      break;
    }
    case 'placement':
      if (message.op === 'upsert') state.placements[message.key] = message.row;
      else delete state.placements[message.key];
      break;
    case 'membership':
      if (message.op === 'upsert') state.memberships[message.key] = message.row;
      else delete state.memberships[message.key];
      break;
  }
  const personId = Number(personKey);
  const doctor = validGmcNumberOf(state);
  if (state.doctor !== undefined && state.doctor !== doctor) {
    context.forward(
      SINKS.doctors,
      state.doctor,
      {
        source: 'tisPerson',
        key: personKey,
        op: 'delete',
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
  return {
    personId,
    role: state.person?.row?.role ?? null,
    firstName: state.contactDetails?.row?.forenames ?? null,
    lastName: state.contactDetails?.row?.surname ?? null,
    memberships: Object.values(state.memberships),
    placements: Object.values(state.placements),
  };
}
