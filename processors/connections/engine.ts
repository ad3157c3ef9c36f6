// The connections join and its change detection, free of I/O: changes in, output records
// out. The runtime (processor.ts) feeds it from Kafka and writes what it returns.
import { deriveConnection } from '../rules/derive';
import type { DesignatedBodyMap } from '../rules/designated-body';
import type { LocalDate } from '../rules/dates';
import type { DoctorInputs } from '../rules/types';
import { applyPatch, type Change, type DecodeError, type Patch, type Upsert } from './sources';
import { GmcTables, type GmcChange } from './state/gmc-tables';
import { TisTables } from './state/tis-tables';
import { TIS_SOURCES, type TisChange } from './state/tis-rows';
import {
  fingerprint,
  nextVersion,
  toConnectionRecord,
  type ConnectionRecord,
} from './connection-record';

export interface OutputRecord {
  key: string;
  version: number;
  /** Null is a tombstone: the doctor exists nowhere any more. */
  value: ConnectionRecord | null;
}

interface Emitted {
  version: number;
  fingerprint: string | null;
  nextReevaluationDate: LocalDate | null;
}

export class ConnectionsEngine {
  readonly tis = new TisTables();
  readonly gmc = new GmcTables();
  private readonly emitted = new Map<string, Emitted>();
  /** The newest source position applied to each CDC row. */
  // One map per source, keyed by the row key as it came: no concatenated keys to allocate.
  private readonly positions = new Map<string, Map<string, number>>();

  constructor(private readonly designatedBodies: DesignatedBodyMap) {}

  /**
   * A MongoDB update without its full document becomes an upsert by merging it into the row
   * held; without one it cannot be applied (the caller dead-letters it).
   */
  resolvePatch<C extends Change | GmcChange>(change: C): Exclude<C, Patch> | DecodeError {
    if (change.op !== 'patch') return change as Exclude<C, Patch>;
    const patch = change as Patch;
    const merged =
      patch.source === 'doctorsForDB'
        ? applyPatch(this.gmc.doctorsForDbRow(patch.key), patch)
        : applyPatch(this.gmc.exceptionLogRow(patch.key), patch);
    if ('error' in merged) return merged;
    return {
      source: patch.source,
      key: patch.key,
      op: 'upsert',
      row: merged.row,
    } as Upsert as Exclude<C, Patch>;
  }

  /** Applies one input change; returns the GMC numbers whose record may have changed. */
  apply(change: Exclude<Change, Patch> | GmcChange): Iterable<string> {
    if (change.source !== 'gmcDoctors' && !this.isNewest(change)) return [];
    if ((TIS_SOURCES as readonly string[]).includes(change.source))
      return this.tis.apply(change as TisChange);
    switch (change.source) {
      case 'gmcDoctors':
        return [this.gmc.applySyncState(change)];
      case 'doctorsForDB':
        return [this.gmc.applyDoctorsForDb(change.key, change.op === 'upsert' ? change.row : null)];
      case 'exceptionLogs':
        return this.gmc.applyExceptionLog(change.key, change.op === 'upsert' ? change.row : null);
      default:
        return [];
    }
  }

  /**
   * Duplicates and reordering must not move a row backwards: a change older than the last
   * one applied to its row is ignored. A tombstone carries no position; after a positioned
   * history it only repeats the delete event before it, so it is ignored too.
   */
  private isNewest(change: Exclude<Change, Patch>): boolean {
    let positions = this.positions.get(change.source);
    if (!positions) this.positions.set(change.source, (positions = new Map()));
    const known = positions.get(change.key);
    if (change.position === undefined) return !(change.op === 'delete' && known !== undefined);
    if (known !== undefined && change.position < known) return false;
    positions.set(change.key, change.position);
    return true;
  }

  /** Learns what is already on reval.connections; the highest version per doctor wins. */
  remember(key: string, version: number, value: ConnectionRecord | null): void {
    const known = this.emitted.get(key);
    if (known && known.version >= version) return;
    this.emitted.set(key, {
      version,
      fingerprint: value ? fingerprint(value) : null,
      nextReevaluationDate: value?.nextReevaluationDate ?? null,
    });
  }

  /** The doctor's assembled inputs, or null when neither TIS nor GMC knows the doctor. */
  inputsFor(gmcReferenceNumber: string): DoctorInputs | null {
    const tis = this.tis.personFor(gmcReferenceNumber);
    if (!tis && !this.gmc.isKnown(gmcReferenceNumber)) return null;
    return {
      gmcReferenceNumber,
      tis,
      gmc: this.gmc.gmcStateFor(gmcReferenceNumber),
      exceptionLog: this.gmc.latestExceptionLog(gmcReferenceNumber),
    };
  }

  /** Re-derives the doctors and returns the records to write: only those that changed. */
  reconcile(keys: Iterable<string>, today: LocalDate, now: Date): OutputRecord[] {
    const output: OutputRecord[] = [];
    for (const key of new Set(keys)) {
      const inputs = this.inputsFor(key);
      const known = this.emitted.get(key);
      if (!inputs) {
        if (known && known.fingerprint !== null) output.push(this.record(key, known, null, now));
        continue;
      }
      const derived = deriveConnection(inputs, today, this.designatedBodies);
      const sources = [...(inputs.tis ? ['tis'] : []), ...this.gmc.sourcesOf(key)];
      const candidate = toConnectionRecord(derived, 0, now, sources);
      if (known && known.fingerprint === fingerprint(candidate)) continue;
      output.push(this.record(key, known, candidate, now));
    }
    return output;
  }

  /** Every doctor this engine knows of, including ones that only have an old record. */
  allKeys(): Set<string> {
    return new Set([...this.tis.gmcNumbers(), ...this.gmc.gmcNumbers(), ...this.emitted.keys()]);
  }

  /** Doctors whose next re-evaluation date has come: their record may change today. */
  dueForReevaluation(today: LocalDate): string[] {
    const due: string[] = [];
    for (const [key, emitted] of this.emitted) {
      if (emitted.nextReevaluationDate !== null && emitted.nextReevaluationDate <= today)
        due.push(key);
    }
    return due;
  }

  private record(
    key: string,
    known: Emitted | undefined,
    value: ConnectionRecord | null,
    now: Date,
  ): OutputRecord {
    const version = nextVersion(known?.version, now.getTime());
    const stamped = value ? { ...value, version } : null;
    this.remember(key, version, stamped);
    return { key, version, value: stamped };
  }
}
