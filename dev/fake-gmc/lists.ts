// The fake GMC's data: which doctors each designated body's list holds. Tests change the
// lists between sync runs the way GMC's data changes between nights.
import {
  syntheticDoctor,
  syntheticGmcNumber,
  syntheticList,
  type GmcWireDoctor,
} from './synthetic';

/** Numbers for doctors created after start come from a block no body starts with. */
const NEWCOMER_BLOCK = 89;
const MAX_BODIES = NEWCOMER_BLOCK;
const MAX_PER_BODY = 99_999;

export class GmcLists {
  private readonly lists = new Map<string, Map<string, GmcWireDoctor>>();
  private newcomers = 0;

  constructor(
    private readonly designatedBodies: readonly string[],
    private readonly doctorsPerBody: number,
    private readonly seed: number,
  ) {
    if (designatedBodies.length > MAX_BODIES) {
      throw new RangeError(`the fake GMC holds at most ${MAX_BODIES} designated bodies`);
    }
    if (doctorsPerBody > MAX_PER_BODY) {
      throw new RangeError(`the fake GMC holds at most ${MAX_PER_BODY} doctors per body`);
    }
    this.reset();
  }

  /** Back to the seeded lists. */
  reset(): void {
    this.lists.clear();
    this.newcomers = 0;
    this.designatedBodies.forEach((body, index) => {
      const doctors = syntheticList(this.seed, index, this.doctorsPerBody);
      this.lists.set(body, new Map(doctors.map((d) => [d.GMCReferenceNumber, d])));
    });
  }

  bodies(): string[] {
    return [...this.lists.keys()];
  }

  has(designatedBody: string): boolean {
    return this.lists.has(designatedBody);
  }

  list(designatedBody: string): GmcWireDoctor[] {
    return [...(this.lists.get(designatedBody)?.values() ?? [])];
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.lists].map(([body, list]) => [body, list.size]));
  }

  /** Every body whose list holds the doctor (more than one is a GMC data error). */
  find(gmcReferenceNumber: string): { designatedBody: string; doctor: GmcWireDoctor }[] {
    const found = [];
    for (const [designatedBody, list] of this.lists) {
      const doctor = list.get(gmcReferenceNumber);
      if (doctor) found.push({ designatedBody, doctor });
    }
    return found;
  }

  /** A synthetic doctor in no list yet, with a number no seeded list uses. */
  newDoctor(): GmcWireDoctor {
    const doctor = syntheticDoctor(this.seed, NEWCOMER_BLOCK, this.newcomers);
    doctor.GMCReferenceNumber = syntheticGmcNumber(NEWCOMER_BLOCK, this.newcomers++);
    return doctor;
  }

  /** Puts the doctor in the body's list; out of every other list unless told otherwise. */
  connect(
    designatedBody: string,
    doctor: GmcWireDoctor,
    options: { keepOtherLists?: boolean } = {},
  ): void {
    const list = this.requireList(designatedBody);
    if (!options.keepOtherLists) this.disconnect(doctor.GMCReferenceNumber);
    list.set(doctor.GMCReferenceNumber, { ...doctor });
  }

  /** Takes the doctor out of every list; returns the doctor as it was listed. */
  disconnect(gmcReferenceNumber: string): GmcWireDoctor | undefined {
    let removed: GmcWireDoctor | undefined;
    for (const list of this.lists.values()) {
      removed = list.get(gmcReferenceNumber) ?? removed;
      list.delete(gmcReferenceNumber);
    }
    return removed;
  }

  move(gmcReferenceNumber: string, toDesignatedBody: string): void {
    this.requireList(toDesignatedBody);
    const doctor = this.disconnect(gmcReferenceNumber);
    if (!doctor) throw new Error(`doctor ${gmcReferenceNumber} is in no list`);
    this.connect(toDesignatedBody, doctor);
  }

  update(
    gmcReferenceNumber: string,
    changes: Partial<Omit<GmcWireDoctor, 'GMCReferenceNumber'>>,
  ): void {
    const found = this.find(gmcReferenceNumber);
    if (found.length === 0) throw new Error(`doctor ${gmcReferenceNumber} is in no list`);
    for (const { designatedBody, doctor } of found) {
      this.requireList(designatedBody).set(gmcReferenceNumber, { ...doctor, ...changes });
    }
  }

  private requireList(designatedBody: string): Map<string, GmcWireDoctor> {
    const list = this.lists.get(designatedBody);
    if (!list) throw new Error(`the fake GMC has no designated body ${designatedBody}`);
    return list;
  }
}
