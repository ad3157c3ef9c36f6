// The steady load of a chaos or soak run: Debezium CDC edits to the population at a fixed
// rate, poison records now and then, and GMC syncs (with some GMC churn before each). The
// population object is the model of the TCS tables: each edit changes it as the edit is
// made, and every edit is sent again until Kafka acknowledges it, so once the load has
// stopped the model is what the input topics hold.
import { addDays } from '../../processors/rules/dates';
import type { DebeziumMessage } from '../../dev/debezium';
import { DESIGNATED_BODIES, type PopulationMembership } from '../../dev/population';
import { programmeMembershipRow } from '../../dev/population/events';
import type { Pipeline } from './pipeline';
import { runOnce } from './processes';

export interface PoisonRecord {
  topic: string;
  key: string;
  /** Where Kafka wrote it (the last attempt; an earlier, failed attempt may also be there). */
  partition: number;
  offset: string;
}

/** Edits produced and acknowledged, with the time each batch was acknowledged. */
export interface LoadStats {
  edits: number;
  failedSends: number;
  poison: PoisonRecord[];
  gmcSyncs: { ok: number; failed: number; changes: number };
}

export class Load {
  readonly stats: LoadStats = {
    edits: 0,
    failedSends: 0,
    poison: [],
    gmcSyncs: { ok: 0, failed: 0, changes: 0 },
  };
  private running = false;
  private loops: Promise<void>[] = [];
  /** Memberships deleted by an edit, by uuid, with their person, to be created again later. */
  private readonly deleted = new Map<
    string,
    { personIndex: number; membership: PopulationMembership }
  >();
  /** Held while a GMC sync runs, so that the periodic sync and a fault's sync never overlap. */
  gmcLock: Promise<void> = Promise.resolve();
  /**
   * Every `every`-th edit is a probe: a surname change to one of `persons` (indexes), whose
   * acknowledgement is reported, so that its arrival in the views can be timed.
   */
  probe?: {
    every: number;
    persons: number[];
    acked: (personId: number, surname: string, at: number) => void;
  };
  private editCounter = 0;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly random: () => number,
    private readonly options: {
      ratePerSecond: number;
      poisonEverySeconds: number;
      gmcSyncEverySeconds: number;
      gmcChurn: number;
    },
    private readonly say: (line: string) => void,
  ) {}

  /** When the next periodic GMC sync is due (epoch ms); kept across a pause. */
  private nextGmcSyncAt = 0;

  start(): void {
    if (this.nextGmcSyncAt === 0) {
      this.nextGmcSyncAt = Date.now() + this.options.gmcSyncEverySeconds * 1000;
    }
    this.running = true;
    this.loops = [this.editLoop(), this.poisonLoop(), this.gmcLoop()];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.gmcLock;
  }

  private pick<T>(items: T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private async sendUntilAcknowledged(messages: DebeziumMessage[]): Promise<void> {
    const producer = await this.pipeline.producer();
    for (let attempt = 0; ; attempt++) {
      try {
        await producer.sendMany(
          messages.map(({ topic, key, value }) => ({ topic, message: { key, value } })),
        );
        return;
      } catch {
        // The broker is down or moving: the same edit again (an upsert; the source position
        // of the retry is newer, so a copy that did land is harmless).
        this.stats.failedSends += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
      }
    }
  }

  /** One random edit, applied to the model: its events, and what to do once acknowledged. */
  private async edit(): Promise<{ messages: DebeziumMessage[]; acked?: () => void }> {
    const { events, population } = this.pipeline;
    const today = population.today;
    const probe =
      this.probe !== undefined &&
      this.probe.persons.length > 0 &&
      ++this.editCounter % this.probe.every === 0;
    const personIndex = probe
      ? this.pick(this.probe?.persons ?? [])
      : Math.floor(this.random() * population.persons.length);
    const person = population.persons[personIndex];
    const roll = this.random();
    if (probe || roll < 0.3) {
      const surname = probe
        ? `Probe${this.editCounter}`
        : this.pick(['Smith', 'Jones', 'Khan', 'Nowak', 'Evans', 'Ó Súilleabháin']);
      const before = { id: person.personId, forenames: person.forenames, surname: person.surname };
      const after = { ...before, surname };
      const messages = await events.mysqlRow('ContactDetails', 'u', { before, after });
      person.surname = surname;
      return {
        messages,
        acked: probe ? () => this.probe?.acked(person.personId, surname, Date.now()) : undefined,
      };
    }
    if (roll < 0.6 && person.memberships.length > 0) {
      const membership = this.pick(person.memberships);
      const endDate = addDays(today, Math.floor(this.random() * 1200) - 300);
      const before = programmeMembershipRow(person.personId, membership);
      const messages = await events.mysqlRow('ProgrammeMembership', 'u', {
        before,
        after: { ...before, programmeEndDate: endDate },
      });
      membership.endDate = endDate;
      return { messages };
    }
    if (roll < 0.8 && person.placements.length > 0) {
      const placement = person.placements[0];
      const dateTo = addDays(today, Math.floor(this.random() * 400) - 100);
      const before = { ...placement, traineeId: person.personId };
      const messages = await events.mysqlRow('Placement', 'u', {
        before,
        after: { ...before, dateTo },
      });
      placement.dateTo = dateTo;
      return { messages };
    }
    // Delete a membership (delete + tombstone), or create one deleted earlier again.
    const again = [...this.deleted].find(([, d]) => d.personIndex === personIndex);
    if (again || (this.deleted.size > 0 && roll < 0.9)) {
      const [uuid, { personIndex: at, membership }] = again ?? this.pick([...this.deleted]);
      const owner = population.persons[at];
      const row = programmeMembershipRow(owner.personId, membership);
      const messages = await events.mysqlRow('ProgrammeMembership', 'c', { after: row });
      this.deleted.delete(uuid);
      owner.memberships.push(membership);
      return { messages };
    }
    if (person.memberships.length === 0) return this.edit();
    const membership = this.pick(person.memberships);
    const row = programmeMembershipRow(person.personId, membership);
    const messages = await events.mysqlRow('ProgrammeMembership', 'd', { before: row });
    person.memberships.splice(person.memberships.indexOf(membership), 1);
    this.deleted.set(membership.uuid, { personIndex, membership });
    return { messages };
  }

  private async editLoop(): Promise<void> {
    const tickMs = 100;
    let due = 0;
    let last = Date.now();
    while (this.running) {
      await new Promise((resolve) => setTimeout(resolve, tickMs));
      const now = Date.now();
      due += ((now - last) / 1000) * this.options.ratePerSecond;
      last = now;
      // Never more than a second's worth at once: after an outage the rate resumes, no burst.
      due = Math.min(due, this.options.ratePerSecond);
      const count = Math.floor(due);
      if (count === 0) continue;
      due -= count;
      const edits = [];
      for (let i = 0; i < count; i++) edits.push(await this.edit());
      await this.sendUntilAcknowledged(edits.flatMap((e) => e.messages));
      for (const edit of edits) edit.acked?.();
      this.stats.edits += edits.length;
    }
  }

  private async sleepWhileRunning(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.running && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, until - Date.now())));
    }
  }

  /** A record the processor cannot read, to a TCS topic, with a key no edit ever uses. */
  async injectPoison(): Promise<void> {
    const topics = this.pipeline.topics;
    const topic = this.pick([topics.person, topics.placement, topics.contactDetails]);
    const n = this.stats.poison.length + 1;
    const key = JSON.stringify({ id: 990_000_000 + n });
    const partition = Math.floor(this.random() * this.pipeline.options.partitions);
    // Recorded before the send: the oracle looks for the key in the topic, so a copy that
    // landed though its send failed is counted too.
    const poison: PoisonRecord = { topic, key, partition, offset: '?' };
    this.stats.poison.push(poison);
    const producer = await this.pipeline.producer();
    for (let attempt = 0; this.running || attempt === 0; attempt++) {
      try {
        const written = await producer.send(topic, [
          { key, value: `{"poison": ${n}, "this is": not json`, partition },
        ]);
        poison.offset = String(written.get(partition) ?? '?');
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
      }
    }
  }

  private async poisonLoop(): Promise<void> {
    while (this.running) {
      await this.sleepWhileRunning(this.options.poisonEverySeconds * 1000 * (0.5 + this.random()));
      if (this.running) await this.injectPoison();
    }
  }

  /** Moves, disconnects and new connections in the fake GMC, as between two nights. */
  async gmcChurn(changes: number): Promise<void> {
    const perBody = this.pipeline.options.doctorsPerBody;
    for (let i = 0; i < changes; i++) {
      const body = Math.floor(this.random() * DESIGNATED_BODIES.length);
      const doctor = String(1_000_000 + body * 100_000 + Math.floor(this.random() * perBody));
      const roll = this.random();
      const command =
        roll < 0.3
          ? { action: 'disconnect', gmcReferenceNumber: doctor }
          : roll < 0.7
            ? {
                action: 'move',
                gmcReferenceNumber: doctor,
                designatedBody: this.pick([...DESIGNATED_BODIES]),
              }
            : { action: 'connect', designatedBody: DESIGNATED_BODIES[body] };
      // A doctor already disconnected cannot move: the fake says so; skip it.
      await this.pipeline.gmcControl(command).catch(() => undefined);
    }
  }

  /**
   * One `reval gmc-sync` run, under the GMC lock. With `killOnWrite`, the run is SIGKILLed as
   * soon as gmc.doctors' end offset moves past `killOnWrite` (its transaction has begun
   * writing, and is not committed yet, or only just). Resolves with the exit code, or signal.
   */
  async gmcSync(
    killOnWrite?: bigint,
  ): Promise<{ code: number | null; signal: string | null; ms: number }> {
    let release = () => {};
    const previous = this.gmcLock;
    this.gmcLock = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      const began = Date.now();
      let watching = true;
      const result = await runOnce(
        ['gmc-sync'],
        { ...this.pipeline.env, LOG_LEVEL: 'warn' },
        (child) => {
          if (killOnWrite === undefined) return;
          void (async () => {
            while (watching) {
              const end = await this.pipeline.gmcDoctorsEnd().catch(() => -1n);
              if (end > killOnWrite) {
                child.kill('SIGKILL');
                return;
              }
              await new Promise((resolve) => setTimeout(resolve, 2));
            }
          })();
        },
      );
      watching = false;
      const ms = Date.now() - began;
      if (killOnWrite === undefined) {
        if (result.code === 0 || result.code === 2) {
          this.stats.gmcSyncs.ok += 1;
          this.stats.gmcSyncs.changes += Number(/(\d+) change/.exec(result.output)?.[1] ?? 0);
        } else {
          this.stats.gmcSyncs.failed += 1;
          this.say(
            `gmc-sync exited ${result.code ?? result.signal}: ${result.output.trim().split('\n').slice(-2).join(' | ')}`,
          );
        }
      }
      return { code: result.code, signal: result.signal, ms };
    } finally {
      release();
    }
  }

  private async gmcLoop(): Promise<void> {
    while (this.running) {
      await this.sleepWhileRunning(Math.max(0, this.nextGmcSyncAt - Date.now()));
      if (!this.running) break;
      this.nextGmcSyncAt = Date.now() + this.options.gmcSyncEverySeconds * 1000;
      await this.gmcChurn(this.options.gmcChurn);
      await this.gmcSync();
    }
  }
}
