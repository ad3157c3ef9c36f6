// Stage 4, keyed by GMC reference number: the TIS person meets the GMC state, the
// doctorsForDB copy, the exception logs and the revalidation services' connection log entries,
// hidden discrepancies and recommendations; the Programme global table supplies names and
// owners; the rules derive the record, and only a changed record goes to reval.connections,
// with a per-doctor version that never goes backwards, and a change of its status to
// reval.connection-changes with its cause (./status-history.ts). Two index stores let
// midnight and a programme edit find their doctors without scanning every doctor.
import { createHash } from 'node:crypto';
import { evaluateDoctor } from '../../rules/derive';
import { explainEvaluation } from '../../rules/explain';
import type { DesignatedBodyMap } from '../../rules/designated-body';
import { todayIn, type LocalDate } from '../../rules/dates';
import type { Refusal } from '../../platform/result';
import type { ProcessorContext } from '../../streams/topology';
import {
  fingerprint,
  nextVersion,
  statusSnapshot,
  toConnectionRecord,
  type CauseKind,
  type ConnectionRecord,
} from '../connection-record';
import {
  applyPatch,
  type ConnectionLogRow,
  type DoctorsForDbRow,
  type ExceptionLogRow,
  type HiddenDiscrepancyRow,
  type ProgrammeRow,
  type RecommendationRow,
} from '../sources';
import { newerSyncState, type SyncedGmcState } from '../state/gmc-doctor-state';
import { SINKS } from './source-tables';
import { doctorInputs, originKey } from './doctor-inputs';
import {
  causeOf,
  changeRecord,
  statusBefore,
  statusSinceOf,
  type PendingCause,
  type StatusMemory,
} from './status-history';
import {
  supersedes,
  withOrigin,
  type DoctorMessage,
  type InputOrigin,
  type RowChange,
  type TisPersonRecord,
  type Versioned,
} from './messages';

export const DOCTORS_STORE = 'doctors';
export const REEVALUATION_INDEX = 'doctors-by-reevaluation-date';
export const PROGRAMME_INDEX = 'doctors-by-programme';
/** The programme rows (as a digest) each task last derived its doctors with. */
export const PROGRAMMES_SEEN = 'programmes-seen';
export const DOCTORS_STORES = [DOCTORS_STORE, REEVALUATION_INDEX, PROGRAMME_INDEX, PROGRAMMES_SEEN];

/**
 * Provenance: a TIS person carries the origins of the rows it was assembled from
 * (`TisPersonRecord.origins`); every other row's origin — the GMC sync state, the doctorsForDB
 * copy, each exception log, connection log entry, hidden discrepancy and recommendation — is
 * kept in the one parallel map `origins`, by `<source>:<key>` (doctor-inputs.ts `originKey`),
 * set and dropped with its row. Everything about origins is optional: a state stored before
 * they were kept loads as it is, and its rows show no origin until they next change.
 */
export interface DoctorState {
  /** Valid TIS persons carrying this GMC number, by person id (normally one). */
  tis: Record<string, TisPersonRecord>;
  sync?: SyncedGmcState;
  copy?: Versioned<DoctorsForDbRow>;
  logs: Record<string, ExceptionLogRow>;
  /** By document id; absent when none (and in states stored before these inputs were read). */
  connectionLogs?: Record<string, ConnectionLogRow>;
  hiddenDiscrepancies?: Record<string, HiddenDiscrepancyRow>;
  recommendations?: Record<string, RecommendationRow>;
  emitted?: Emitted;
  /** The programme ids this doctor is indexed under. */
  programmes?: number[];
  /** The origin of each non-TIS row, by `<source>:<key>`; absent when none is known. */
  origins?: Record<string, InputOrigin>;
  /** The last input applied since the doctor was derived: the cause of a change it makes. */
  cause?: PendingCause;
}

interface Emitted extends StatusMemory {
  version: number;
  /** Digest of the compared fields; null after a tombstone. */
  fingerprint: string | null;
  nextReevaluationDate: LocalDate | null;
}

/** What reaches reval.connections: the record (null for a tombstone) and its version. */
export interface VersionedConnection {
  version: number;
  record: ConnectionRecord | null;
}

export interface DoctorsSettings {
  designatedBodies: DesignatedBodyMap;
  timeZone: string;
  /** The Programme global table, replicated to every instance. */
  programmes: ReadonlyMap<number, ProgrammeRow>;
  /**
   * Set by a replay from offset zero: inputs only update the doctor's state and name it here,
   * and the caller derives each named doctor once at the end (Kafka Streams' suppress), so
   * no half-assembled doctor is ever written.
   */
  defer?(gmc: string): void;
}

const SEP = '\u0000';

export function applyDoctorChange(
  gmc: string,
  message: DoctorMessage,
  context: ProcessorContext,
  settings: DoctorsSettings,
): Refusal | void {
  const state = context.get<DoctorState>(DOCTORS_STORE, gmc) ?? { tis: {}, logs: {} };
  const keepOrigin = (present: boolean) => {
    state.origins = withOrigin(
      state.origins,
      originKey(message.source, message.key),
      message.origin,
      present,
    );
  };
  switch (message.source) {
    case 'tisPerson':
      if (message.op === 'upsert') state.tis[message.key] = message.row;
      else delete state.tis[message.key];
      break;
    case 'gmcDoctors': {
      const held = state.sync;
      state.sync = message.op === 'upsert' ? newerSyncState(held, message.row) : undefined;
      // An older state replayed leaves the newer one, and its origin, in place.
      if (state.sync !== held || !state.sync) keepOrigin(state.sync !== undefined);
      break;
    }
    case 'doctorsForDB': {
      if (!supersedes(state.copy, message)) return;
      let row: DoctorsForDbRow | null = null;
      if (message.op === 'patch') {
        const merged = applyPatch(state.copy?.row ?? undefined, message);
        if (!merged.ok) return merged.error;
        row = merged.value;
      } else if (message.op === 'upsert') {
        row = message.row;
      }
      state.copy = { position: message.position ?? state.copy?.position, row };
      keepOrigin(row !== null);
      break;
    }
    case 'exceptionLogs':
      state.logs = withRowChange(state.logs, message) ?? {};
      keepOrigin(message.op === 'upsert');
      break;
    case 'connectionLogs':
      state.connectionLogs = withRowChange(state.connectionLogs, message);
      keepOrigin(message.op === 'upsert');
      break;
    case 'hiddenDiscrepancy':
      state.hiddenDiscrepancies = withRowChange(state.hiddenDiscrepancies, message);
      keepOrigin(message.op === 'upsert');
      break;
    case 'recommendation':
      state.recommendations = withRowChange(state.recommendations, message);
      keepOrigin(message.op === 'upsert');
      break;
  }
  // A replay (defer) derives once at the end, after every input: no single input is the cause.
  if (!settings.defer) {
    state.cause = {
      ...(message.trigger ?? { source: message.source, key: message.key }),
      ...(message.origin && { origin: message.origin }),
    };
  }
  context.put(DOCTORS_STORE, gmc, state);
  // Derived once per commit, however many of the doctor's inputs arrived meanwhile.
  if (settings.defer) settings.defer(gmc);
  else context.later(gmc);
}

/** The rows by key after the change; undefined once none is left, so a state stays small. */
function withRowChange<R>(
  rows: Record<string, R> | undefined,
  change: RowChange<string, R>,
): Record<string, R> | undefined {
  const next = rows ?? {};
  if (change.op === 'upsert') next[change.key] = change.row;
  else delete next[change.key];
  return Object.keys(next).length > 0 ? next : undefined;
}

/** Before a commit: derives the doctors whose inputs changed since the last one. */
export function reconcileChangedDoctors(
  doctors: ReadonlySet<string>,
  context: ProcessorContext,
  settings: DoctorsSettings,
): void {
  for (const gmc of doctors) reconcileDoctor(gmc, context, settings);
}

/**
 * Re-derives one doctor and emits the record when it changed (a tombstone when it is gone).
 * `kind` says what asked: an input (the stage, before a commit), midnight, a programme edit or
 * a task's start; an input applied since the last derivation is the cause whatever asked.
 */
export function reconcileDoctor(
  gmc: string,
  context: ProcessorContext,
  settings: DoctorsSettings,
  state = context.get<DoctorState>(DOCTORS_STORE, gmc),
  kind: CauseKind = 'INPUT',
): void {
  if (!state) return;
  const now = context.now();
  const inputs = doctorInputs(gmc, state, settings);
  const known = state.emitted;
  const cause = () => causeOf(state.cause, kind);
  if (!inputs) {
    if (known && known.fingerprint !== null) emit(gmc, state, null, context, cause());
  } else {
    const today = todayIn(now, settings.timeZone);
    const evaluation = evaluateDoctor(inputs, today, settings.designatedBodies);
    const candidate = toConnectionRecord(evaluation.record, 0, now, sourcesOf(state));
    const digest = digestOf(candidate);
    if (known?.fingerprint !== digest) {
      // Only for a record that is written: the explanation is not compared.
      candidate.explanation = explainEvaluation(evaluation, { dated: false });
      emit(gmc, state, { record: candidate, digest }, context, cause());
    } else if (known.snapshot === undefined) {
      // Stored before the status was remembered: its status starts being known now.
      known.snapshot = statusSnapshot(candidate);
      known.statusSince = now.getTime();
    }
  }
  delete state.cause;
  indexProgrammes(gmc, state, context);
  context.put(DOCTORS_STORE, gmc, state);
}

function digestOf(record: Omit<ConnectionRecord, 'version' | 'updatedTime'>): string {
  return createHash('sha1').update(fingerprint(record)).digest('base64');
}

/**
 * Learns a record reval.connections already holds, for a replay that starts from empty
 * stores: the highest version wins, and re-deriving the same answer then writes nothing.
 */
export function rememberWritten(
  gmc: string,
  version: number,
  record: ConnectionRecord | null,
  context: ProcessorContext,
): void {
  const state = context.get<DoctorState>(DOCTORS_STORE, gmc) ?? { tis: {}, logs: {} };
  const held = record?.version ?? version;
  if (state.emitted && state.emitted.version >= held) return;
  state.emitted = {
    version: held,
    fingerprint: record ? digestOf(record) : null,
    nextReevaluationDate: record?.nextReevaluationDate ?? null,
    snapshot: record ? statusSnapshot(record) : null,
    ...(record?.statusSince && { statusSince: record.statusSince.getTime() }),
  };
  context.put(DOCTORS_STORE, gmc, state);
}

function emit(
  gmc: string,
  state: DoctorState,
  derived: { record: Omit<ConnectionRecord, 'version'>; digest: string } | null,
  context: ProcessorContext,
  cause: ReturnType<typeof causeOf>,
): void {
  const previous = state.emitted;
  const now = context.now();
  const version = nextVersion(previous?.version, now.getTime());
  const before = statusBefore(previous);
  let record: ConnectionRecord | null = null;
  let memory: StatusMemory = { snapshot: null };
  if (derived) {
    const snapshot = statusSnapshot(derived.record);
    const since = statusSinceOf(before, snapshot, previous?.statusSince, now.getTime());
    record = { ...derived.record, version, statusSince: new Date(since) };
    memory = { snapshot, statusSince: since };
  }
  const next = record?.nextReevaluationDate ?? null;
  const output: VersionedConnection = { version, record };
  context.forward(SINKS.connections, gmc, output, gmc);
  const change = changeRecord(gmc, before, record, version, now, cause);
  // Every change is kept: never replaced by a later one before the commit (no `latest`).
  if (change) context.forward(SINKS.connectionChanges, gmc, change);
  if (previous?.nextReevaluationDate && previous.nextReevaluationDate !== next) {
    context.put(REEVALUATION_INDEX, previous.nextReevaluationDate + SEP + gmc, undefined);
  }
  if (next) context.put(REEVALUATION_INDEX, next + SEP + gmc, 1);
  state.emitted = {
    version,
    fingerprint: derived?.digest ?? null,
    nextReevaluationDate: next,
    ...memory,
  };
}

function indexProgrammes(gmc: string, state: DoctorState, context: ProcessorContext): void {
  const ids = new Set<number>();
  for (const person of Object.values(state.tis)) {
    for (const { membership } of person.memberships) {
      if (membership.programmeId !== null) ids.add(membership.programmeId);
    }
  }
  const current = [...ids].sort((a, b) => a - b);
  const previous = state.programmes ?? [];
  for (const id of previous) {
    if (!ids.has(id)) context.put(PROGRAMME_INDEX, id + SEP + gmc, undefined);
  }
  for (const id of current) {
    if (!previous.includes(id)) context.put(PROGRAMME_INDEX, id + SEP + gmc, 1);
  }
  state.programmes = current.length > 0 ? current : undefined;
}

/** Midnight: re-derives every doctor whose next re-evaluation date has come. */
export function reevaluateDue(context: ProcessorContext, settings: DoctorsSettings): number {
  const today = todayIn(context.now(), settings.timeZone);
  // Dates are fixed-width, so every key of a date up to today sorts below today + "\u0001".
  const due = context.range(REEVALUATION_INDEX, { lt: today + '\u0001' });
  for (const [key] of due) {
    reconcileDoctor(key.slice(key.indexOf(SEP) + 1), context, settings, undefined, 'MIDNIGHT');
  }
  return due.length;
}

/**
 * A programme row changed in the global table: re-derive its doctors in this task. Also run
 * for every programme when a task starts (`kind` RESTORE), so an edit made while the task was
 * elsewhere or stopped is not missed; the digest makes that a no-op for programmes already seen.
 */
export function reconcileProgramme(
  programmeId: number,
  context: ProcessorContext,
  settings: DoctorsSettings,
  kind: 'PROGRAMME' | 'RESTORE' = 'PROGRAMME',
): number {
  const row = settings.programmes.get(programmeId);
  const digest = row ? createHash('sha1').update(JSON.stringify(row)).digest('base64') : undefined;
  const key = String(programmeId);
  if (context.get<string>(PROGRAMMES_SEEN, key) === digest) return 0;
  const doctors = context.range(PROGRAMME_INDEX, {
    gte: key + SEP,
    lt: key + '\u0001',
  });
  for (const [indexKey] of doctors) {
    reconcileDoctor(indexKey.slice(indexKey.indexOf(SEP) + 1), context, settings, undefined, kind);
  }
  context.put(PROGRAMMES_SEEN, key, digest);
  return doctors.length;
}

/** The inputs the record was derived from, as its `sources` field names them. */
export function sourcesOf(state: DoctorState): string[] {
  const sources: string[] = [];
  if (Object.keys(state.tis).length > 0) sources.push('tis');
  if (state.sync) sources.push('gmc');
  if (state.copy?.row) sources.push('doctorsForDB');
  if (Object.keys(state.logs).length > 0) sources.push('exceptionLogs');
  if (state.connectionLogs) sources.push('connectionLogs');
  if (state.hiddenDiscrepancies) sources.push('hiddenDiscrepancy');
  if (state.recommendations) sources.push('recommendation');
  return sources;
}
