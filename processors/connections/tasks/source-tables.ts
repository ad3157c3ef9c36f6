// Stage 1, one task per partition of each raw input topic: route each row change to the
// entity the next stage joins on. Rows keyed by their own identity go on as they are; rows
// that point at a parent (a placement's trainee, a curriculum membership's programme
// membership, an exception log's, connection log entry's, hidden discrepancy's or
// recommendation's doctor) keep their last parent here, so that a row moving to another
// parent is deleted from the old one (the subscription half of a foreign-key join).
import {
  applyPatch,
  DOCTOR_FIELDS,
  isMongoSource,
  type Change,
  type DoctorLinkedSource,
  type Patch,
} from '../sources';
import type { GmcChange } from '../state/gmc-doctor-state';
import type { Refusal } from '../../platform/result';
import type { ProcessorContext } from '../../streams/topology';
import { provenance, supersedes, type InputOrigin } from './messages';

/** Every raw input but Programme, which is read as a global table. */
export type SourceChange = (Exclude<Change, { source: 'programme' }> | GmcChange) & {
  /** Set when the change was read off Kafka: passed on to the next stage. */
  origin?: InputOrigin;
};

export const SINKS = {
  memberships: 'memberships',
  persons: 'persons',
  doctors: 'doctors',
  connections: 'connections',
  connectionChanges: 'connectionChanges',
} as const;

/** A MongoDB document about one doctor goes to the doctors stage, keyed by its GMC number. */
function linkedToDoctor(source: DoctorLinkedSource) {
  const field = DOCTOR_FIELDS[source];
  return { sink: SINKS.doctors, parentOf: (row: Record<string, string>) => row[field] };
}

/** Where a parent-linked source's rows go, and how to find a row's parent. */
const LINKED = {
  placement: {
    sink: SINKS.persons,
    parentOf: (row: { traineeId: number | null }) =>
      row.traineeId === null ? null : String(row.traineeId),
  },
  curriculumMembership: {
    sink: SINKS.memberships,
    parentOf: (row: { programmeMembershipUuid: string | null }) => row.programmeMembershipUuid,
  },
  exceptionLogs: linkedToDoctor('exceptionLogs'),
  connectionLogs: linkedToDoctor('connectionLogs'),
  hiddenDiscrepancy: linkedToDoctor('hiddenDiscrepancy'),
  recommendation: linkedToDoctor('recommendation'),
} as const;

export type LinkedSource = keyof typeof LINKED;
export const LINKED_SOURCES = Object.keys(LINKED) as LinkedSource[];

export function linkStoreOf(source: LinkedSource): string {
  return `${source}-links`;
}

/** What stage 1 remembers of a parent-linked row. */
interface Link {
  position?: number;
  parent: string | null;
  /** Kept for MongoDB documents only: a patch is merged into it. */
  row?: unknown;
}

export function routeSourceChange(change: SourceChange, context: ProcessorContext): Refusal | void {
  switch (change.source) {
    case 'contactDetails':
    case 'gmcDetails':
    case 'person':
      return context.forward(SINKS.persons, change.key, change);
    case 'programmeMembership':
      return context.forward(SINKS.memberships, change.key, change);
    case 'doctorsForDB':
    case 'gmcDoctors':
      return context.forward(SINKS.doctors, change.key, change);
    default:
      return routeLinked(change, context);
  }
}

function routeLinked(
  change: Extract<SourceChange, { source: LinkedSource }>,
  context: ProcessorContext,
): Refusal | void {
  const { sink, parentOf } = LINKED[change.source];
  const store = linkStoreOf(change.source);
  const known = context.get<Link>(store, change.key);
  if (!supersedes(known, change)) return;
  let row: unknown = null;
  if (change.op === 'patch') {
    const merged = applyPatch(known?.row as never, change as Patch);
    if (!merged.ok) return merged.error;
    row = merged.value;
  } else if (change.op === 'upsert') {
    row = change.row;
  }
  const parent = row === null ? null : (parentOf as (row: unknown) => string | null)(row);
  const position = change.position ?? known?.position;
  const { source, key, origin } = change;
  if (known?.parent && known.parent !== parent) {
    context.forward(sink, known.parent, { source, key, op: 'delete', ...provenance(origin) });
  }
  if (parent !== null) {
    context.forward(sink, parent, { source, key, op: 'upsert', row, ...provenance(origin) });
  }
  context.put<Link>(store, change.key, {
    position,
    parent,
    row: isMongoSource(change.source) && row !== null ? row : undefined,
  });
}
