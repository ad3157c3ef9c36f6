// The heart of a GMC sync run (docs/rules.md §5.2, §5.3 and §5.6), pure: this run's
// lists against the current GMC state of every doctor. A failed body is unknown, not
// empty, so its doctors stay as they were; a body whose answer would disconnect too many
// of its doctors is held back by the safety valve unless forced. Only changes come out.
import type { DesignatedBodyFetch, GmcDoctor } from '../platform/gmc-soap';
import type { GmcDoctorState } from './gmc-doctors';
import { connectedState, disconnectedState, sameDoctorData } from './state';

export type ChangeKind = 'connected' | 'disconnected' | 'moved' | 'updated';

export interface DoctorChange {
  kind: ChangeKind;
  previousDesignatedBody: string | null;
  state: GmcDoctorState;
}

export type BodyStatus = 'OK' | 'FAILED' | 'HELD_BY_SAFETY_VALVE';

export interface BodyOutcome {
  designatedBody: string;
  status: BodyStatus;
  returnCode: string | null;
  /** Doctors in this run's list (0 when the fetch failed). */
  doctorCount: number;
  durationMs: number;
  error: string | null;
  connected: number;
  disconnected: number;
  /** Doctors who arrived from another body. */
  moved: number;
  updated: number;
}

export interface DoctorInSeveralLists {
  gmcReferenceNumber: string;
  designatedBodies: string[];
}

export interface Comparison {
  changes: DoctorChange[];
  bodies: BodyOutcome[];
  doctorsInSeveralLists: DoctorInSeveralLists[];
}

export interface CompareInput {
  runId: string;
  requestTime: Date;
  /** One per body asked, in the order to report them. */
  fetches: readonly DesignatedBodyFetch[];
  current: ReadonlyMap<string, GmcDoctorState>;
  /** Share of a body's doctors (0..1) that one run may disconnect. */
  maxDisconnectRatio: number;
  force: boolean;
}

interface Listing {
  designatedBody: string;
  doctor: GmcDoctor;
}

function listingsByDoctor(fetches: readonly DesignatedBodyFetch[]): Map<string, Listing[]> {
  const listings = new Map<string, Listing[]>();
  for (const fetch of fetches) {
    if (fetch.status !== 'OK') continue;
    for (const doctor of fetch.doctors) {
      const found = listings.get(doctor.gmcReferenceNumber);
      const listing = { designatedBody: fetch.designatedBody, doctor };
      if (found) found.push(listing);
      else listings.set(doctor.gmcReferenceNumber, [listing]);
    }
  }
  return listings;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

/** Bodies whose answer would disconnect more than the allowed share of their doctors. */
function safetyValve(
  input: CompareInput,
  listings: ReadonlyMap<string, Listing[]>,
): Map<string, string> {
  const held = new Map<string, string>();
  if (input.force) return held;
  const before = new Map<string, number>();
  const leaving = new Map<string, number>();
  for (const [gmcNumber, state] of input.current) {
    if (state.designatedBody === null) continue;
    before.set(state.designatedBody, (before.get(state.designatedBody) ?? 0) + 1);
    if (!listings.has(gmcNumber)) {
      leaving.set(state.designatedBody, (leaving.get(state.designatedBody) ?? 0) + 1);
    }
  }
  for (const fetch of input.fetches) {
    if (fetch.status !== 'OK') continue;
    const had = before.get(fetch.designatedBody) ?? 0;
    const lost = leaving.get(fetch.designatedBody) ?? 0;
    if (had > 0 && lost / had > input.maxDisconnectRatio) {
      held.set(
        fetch.designatedBody,
        `safety valve: this answer would disconnect ${lost} of ${had} doctors (${percent(lost / had)}), ` +
          `more than the ${percent(input.maxDisconnectRatio)} allowed; not applied (use --force to apply)`,
      );
    }
  }
  return held;
}

export function compareGmcRun(input: CompareInput): Comparison {
  const run = { runId: input.runId, requestTime: input.requestTime };
  const listings = listingsByDoctor(input.fetches);
  const held = safetyValve(input, listings);
  const applied = new Set(
    input.fetches
      .filter((f) => f.status === 'OK' && !held.has(f.designatedBody))
      .map((f) => f.designatedBody),
  );
  const counts = new Map<string, Record<ChangeKind, number>>(
    input.fetches.map((f) => [
      f.designatedBody,
      { connected: 0, disconnected: 0, moved: 0, updated: 0 },
    ]),
  );
  const changes: DoctorChange[] = [];
  const record = (
    kind: ChangeKind,
    body: string,
    previous: GmcDoctorState | undefined,
    state: GmcDoctorState,
  ) => {
    counts.get(body)![kind]++;
    changes.push({ kind, previousDesignatedBody: previous?.designatedBody ?? null, state });
  };
  const doctorsInSeveralLists: DoctorInSeveralLists[] = [];

  for (const [gmcNumber, found] of listings) {
    if (found.length > 1) {
      doctorsInSeveralLists.push({
        gmcReferenceNumber: gmcNumber,
        designatedBodies: found.map((l) => l.designatedBody),
      });
    }
    const previous = input.current.get(gmcNumber);
    // A doctor listed where they already are stays there, even if listed elsewhere too;
    // otherwise the first applied list (in configured order) wins.
    const stay = found.find((l) => l.designatedBody === previous?.designatedBody);
    const chosen = stay ?? found.find((l) => applied.has(l.designatedBody));
    if (!chosen || !applied.has(chosen.designatedBody)) continue; // only held lists know them
    const kind: ChangeKind | undefined =
      !previous || previous.designatedBody === null
        ? 'connected'
        : previous.designatedBody !== chosen.designatedBody
          ? 'moved'
          : !previous.existsInGmc || !sameDoctorData(previous, chosen.doctor)
            ? 'updated'
            : undefined;
    if (kind) {
      const state = connectedState(chosen.doctor, chosen.designatedBody, run);
      record(kind, chosen.designatedBody, previous, state);
    }
  }

  for (const [gmcNumber, previous] of input.current) {
    const body = previous.designatedBody;
    // Doctors of failed, held or unasked bodies are unknown this run: left alone.
    if (body === null || !applied.has(body) || listings.has(gmcNumber)) continue;
    record('disconnected', body, previous, disconnectedState(previous, run));
  }

  const bodies = input.fetches.map((fetch): BodyOutcome => {
    const heldBecause = held.get(fetch.designatedBody);
    return {
      designatedBody: fetch.designatedBody,
      status: heldBecause ? 'HELD_BY_SAFETY_VALVE' : fetch.status,
      returnCode: fetch.returnCode,
      doctorCount: fetch.doctors.length,
      durationMs: fetch.durationMs,
      error: heldBecause ?? fetch.error,
      ...counts.get(fetch.designatedBody)!,
    };
  });
  return { changes, bodies, doctorsInSeveralLists };
}
