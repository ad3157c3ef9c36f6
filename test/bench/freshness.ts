// Freshness, as an administrator sees it: a CDC event produced at a steady rate, then the
// time until a search on the views shows its effect. Each event changes one doctor's
// document in a way the search can recognise: a TIS surname change (for doctors GMC does
// not list, whose name therefore comes from TIS) or a programme end date moved one day later
// on the membership the rules selected (for everyone else). Nothing here refreshes the
// index: the poll sees what the index's refresh interval has made searchable. One planner
// serves every pass of a run, so a later pass edits on from the values the earlier left.
import type { ElasticsearchClient } from '../../processors/platform/elasticsearch';
import { seededRandom } from '../../dev/fake-gmc';
import { addDays } from '../../processors/rules/dates';
import type { DebeziumMessage, Format } from '../../dev/debezium';
import type { PopulationPerson } from '../../dev/population';
import { programmeMembershipRow } from '../../dev/population/events';
import type { StreamHarness } from '../support/stream-harness';

/** What the freshness run needs to know of each doctor's current record. */
export interface CurrentRecord {
  doctorLastName: string | null;
  selectedProgrammeMembershipUuid: string | null;
}

export interface PlannerOptions {
  harness: StreamHarness;
  persons: readonly PopulationPerson[];
  current: ReadonlyMap<string, CurrentRecord | null>;
  /** GMC numbers the GMC lists (their names come from GMC, not TIS). */
  gmcListed: ReadonlySet<string>;
  format: Format;
}

export interface FreshnessOptions {
  harness: StreamHarness;
  es: ElasticsearchClient;
  /** The write alias (masterdoctorindex): every doctor. */
  alias: string;
  edits: EditPlanner;
  eventsPerSecond: number;
  seconds: number;
  /** How long to wait for the last events after producing stops. */
  drainMs?: number;
  pollIntervalMs?: number;
}

export interface FreshnessResult {
  produced: number;
  nameEdits: number;
  endDateEdits: number;
  /** Produce to searchable, in ms, for every event seen in a search. */
  latenciesMs: number[];
  /** Every event seen and when it was produced (epoch ms), for stage timings. */
  seen: SeenEdit[];
  /** Events never seen before the drain deadline. */
  missing: number;
  /** Achieved production rate. */
  eventsPerSecond: number;
  /** Mean time of one search poll (what bounds the resolution of the figures). */
  meanPollMs: number;
}

/** An edit's keys on its way through connections: CDC row → person → doctor. */
export interface EditKeys {
  /** Set for a programme membership edit (the row's key); a surname edit starts at the person. */
  membershipUuid?: string;
  personId: number;
}

export interface SeenEdit extends EditKeys {
  gmc: string;
  producedEpochMs: number;
}

interface Pending extends EditKeys {
  producedAt: number;
  producedEpochMs: number;
  field: 'doctorLastName' | 'membershipEndDate';
  expected: string;
}

interface Edit {
  gmc: string;
  pending: Omit<Pending, 'producedAt' | 'producedEpochMs'>;
  messages: Promise<DebeziumMessage[]>;
}

export async function measureFreshness(options: FreshnessOptions): Promise<FreshnessResult> {
  const { harness, es, alias, eventsPerSecond } = options;
  const total = Math.round(eventsPerSecond * options.seconds);
  const { edits } = options;
  const before = { names: edits.nameEdits, ends: edits.endDateEdits };
  const pending = new Map<string, Pending>();
  const latenciesMs: number[] = [];
  const seen: FreshnessResult['seen'] = [];
  let producing = true;
  let polls = 0;
  let pollMs = 0;

  const poller = (async () => {
    const pollInterval = options.pollIntervalMs ?? 50;
    let drainDeadline = Infinity;
    for (;;) {
      if (!producing && drainDeadline === Infinity) {
        drainDeadline = performance.now() + (options.drainMs ?? 30_000);
      }
      if (!producing && (pending.size === 0 || performance.now() > drainDeadline)) return;
      const ids = [...pending.keys()].slice(0, 1_000);
      if (ids.length > 0) {
        const began = performance.now();
        const hits = await es.search(alias, { terms: { gmcReferenceNumber: ids } }, ids.length);
        const seenAt = performance.now();
        polls += 1;
        pollMs += seenAt - began;
        for (const hit of hits) {
          const waiting = pending.get(hit.id);
          if (waiting && hit.source[waiting.field] === waiting.expected) {
            latenciesMs.push(seenAt - waiting.producedAt);
            seen.push({
              gmc: hit.id,
              producedEpochMs: waiting.producedEpochMs,
              membershipUuid: waiting.membershipUuid,
              personId: waiting.personId,
            });
            pending.delete(hit.id);
          }
        }
      }
      await sleep(pollInterval);
    }
  })();

  const started = performance.now();
  let produced = 0;
  try {
    while (produced < total) {
      const due = Math.min(
        total,
        Math.floor(((performance.now() - started) / 1000) * eventsPerSecond),
      );
      if (due <= produced) {
        const nextAt = started + ((produced + 1) / eventsPerSecond) * 1000;
        await sleep(Math.max(1, nextAt - performance.now()));
        continue;
      }
      const batch: Pending[] = [];
      const encoding: Promise<DebeziumMessage[]>[] = [];
      for (; produced < due; produced++) {
        const edit = edits.next(pending);
        if (!edit) continue;
        // Pending from now on, so that the same batch never picks the doctor twice.
        const entry = { ...edit.pending, producedAt: NaN, producedEpochMs: NaN };
        pending.set(edit.gmc, entry);
        batch.push(entry);
        encoding.push(edit.messages);
      }
      const messages = (await Promise.all(encoding)).flat();
      const producedAt = performance.now();
      const producedEpochMs = Date.now();
      for (const entry of batch) Object.assign(entry, { producedAt, producedEpochMs });
      await harness.produce(messages);
    }
  } finally {
    producing = false;
  }
  const productionSeconds = (performance.now() - started) / 1000;
  await poller;
  const nameEdits = edits.nameEdits - before.names;
  const endDateEdits = edits.endDateEdits - before.ends;
  return {
    produced: nameEdits + endDateEdits,
    nameEdits,
    endDateEdits,
    latenciesMs,
    seen,
    missing: pending.size,
    eventsPerSecond: (nameEdits + endDateEdits) / productionSeconds,
    meanPollMs: polls > 0 ? pollMs / polls : 0,
  };
}

/** Chooses the doctors to edit, round robin over a shuffled pool, never one still pending. */
export class EditPlanner {
  nameEdits = 0;
  endDateEdits = 0;
  private readonly names: PopulationPerson[] = [];
  private readonly ends: PopulationPerson[] = [];
  private nameCursor = 0;
  private endCursor = 0;
  private sequence = 0;
  private readonly state = new Map<number, { surname: string; endDate: string }>();

  constructor(private readonly options: PlannerOptions) {
    for (const person of options.persons) {
      const record = options.current.get(person.gmcReferenceNumber);
      if (!record) continue;
      const [membership] = person.memberships;
      if (
        !options.gmcListed.has(person.gmcReferenceNumber) &&
        record.doctorLastName === person.surname
      ) {
        this.names.push(person);
      } else if (record.selectedProgrammeMembershipUuid === membership.uuid) {
        // The selected membership has the latest end date; a later one keeps it selected.
        this.ends.push(person);
      }
    }
    const random = seededRandom(11);
    for (const pool of [this.names, this.ends]) {
      for (let i = pool.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
    }
    if (this.names.length + this.ends.length === 0) {
      throw new Error('freshness: no doctor whose document a CDC edit visibly changes');
    }
  }

  /** One in four edits is a name change while such doctors are free; null if none is. */
  next(pending: ReadonlyMap<string, unknown>): Edit | null {
    this.sequence += 1;
    const wantName = this.sequence % 4 === 0;
    const order = wantName ? (['name', 'end'] as const) : (['end', 'name'] as const);
    for (const kind of order) {
      const person = this.take(kind, pending);
      if (person) return kind === 'name' ? this.nameEdit(person) : this.endDateEdit(person);
    }
    return null;
  }

  private take(
    kind: 'name' | 'end',
    pending: ReadonlyMap<string, unknown>,
  ): PopulationPerson | null {
    const pool = kind === 'name' ? this.names : this.ends;
    for (let tries = 0; tries < pool.length; tries++) {
      const index = kind === 'name' ? this.nameCursor++ : this.endCursor++;
      const person = pool[index % pool.length];
      if (!pending.has(person.gmcReferenceNumber)) return person;
    }
    return null;
  }

  private current(person: PopulationPerson) {
    let state = this.state.get(person.personId);
    if (!state) {
      state = { surname: person.surname, endDate: person.memberships[0].endDate };
      this.state.set(person.personId, state);
    }
    return state;
  }

  private nameEdit(person: PopulationPerson): Edit {
    const state = this.current(person);
    const surname = `Fresh${String(this.sequence).padStart(7, '0')}`;
    const row = { id: person.personId, forenames: person.forenames };
    const messages = this.options.harness.events.mysqlRow(
      'ContactDetails',
      'u',
      { before: { ...row, surname: state.surname }, after: { ...row, surname } },
      this.options.format,
    );
    state.surname = surname;
    this.nameEdits += 1;
    return {
      gmc: person.gmcReferenceNumber,
      pending: { field: 'doctorLastName', expected: surname, personId: person.personId },
      messages,
    };
  }

  private endDateEdit(person: PopulationPerson): Edit {
    const state = this.current(person);
    const membership = person.memberships[0];
    const endDate = addDays(state.endDate, 1);
    const row = programmeMembershipRow(person.personId, membership);
    const messages = this.options.harness.events.mysqlRow(
      'ProgrammeMembership',
      'u',
      {
        before: { ...row, programmeEndDate: state.endDate },
        after: { ...row, programmeEndDate: endDate },
      },
      this.options.format,
    );
    state.endDate = endDate;
    this.endDateEdits += 1;
    return {
      gmc: person.gmcReferenceNumber,
      pending: {
        field: 'membershipEndDate',
        expected: endDate,
        personId: person.personId,
        membershipUuid: membership.uuid,
      },
      messages,
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
