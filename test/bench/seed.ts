// The benchmark's inputs: a synthetic population (dev/population/) written as a
// Debezium snapshot of every TCS row, then every GMC state as gmc-fetch writes it.
import type { SyncedGmcState } from '../../processors/connections/state/gmc-doctor-state';
import type { Format } from '../../dev/debezium';
import { DESIGNATED_BODIES, generatePopulation, type Population } from '../../dev/population';
import { gmcDoctorRecord, gmcStates, personEvents } from '../../dev/population/events';
import type { StreamHarness } from '../support/stream-harness';

export interface Seeded {
  population: Population;
  gmcListed: Set<string>;
  /** Distinct GMC numbers: TIS persons and GMC-listed doctors. */
  doctors: number;
  doctorsPerBody: number;
  tisOnly: number;
  tisRecords: number;
  gmcRecords: number;
  bytes: number;
  seconds: number;
}

/** Doctors per designated body so that TIS persons (GMC-listed + 2% TIS-only) ≈ `doctors`. */
function doctorsPerBodyFor(doctors: number): number {
  return Math.max(1, Math.round(doctors / (DESIGNATED_BODIES.length * 1.02)));
}

export async function seedPopulation(
  harness: StreamHarness,
  options: { doctors: number; format: Format; today: string },
  progress: (line: string) => void,
): Promise<Seeded> {
  const doctorsPerBody = doctorsPerBodyFor(options.doctors);
  const population = generatePopulation({ doctorsPerBody, today: options.today, seed: 7 });
  const states = gmcStates(population, new Date(Date.now() - 3_600_000));
  const gmcListed = new Set(states.map((s) => s.gmcReferenceNumber));
  const doctors = new Set([...population.persons.map((p) => p.gmcReferenceNumber), ...gmcListed])
    .size;
  const written = await produce(harness, population, states, options.format, progress);
  return {
    population,
    gmcListed,
    doctors,
    doctorsPerBody,
    tisOnly: population.persons.length - states.length,
    ...written,
  };
}

async function produce(
  harness: StreamHarness,
  population: Population,
  states: SyncedGmcState[],
  format: Format,
  progress: (line: string) => void,
) {
  const started = performance.now();
  let tisRecords = 0;
  let bytes = 0;
  const count = <M extends { key: Buffer | null; value: Buffer | null }>(messages: M[]): M[] => {
    for (const m of messages) bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
    return messages;
  };
  const programmes = [];
  for (const programme of population.programmes) {
    programmes.push(
      ...(await harness.events.mysqlRow('Programme', 'r', { after: { ...programme } }, format)),
    );
  }
  await harness.produce(count(programmes));
  tisRecords += programmes.length;
  // The next chunk is encoded while the previous one is being sent.
  let sending: Promise<void> = Promise.resolve();
  const CHUNK = 1_000;
  for (let i = 0; i < population.persons.length; i += CHUNK) {
    const messages = [];
    for (const person of population.persons.slice(i, i + CHUNK)) {
      messages.push(...(await personEvents(person, harness.events, 'r', format)));
    }
    tisRecords += messages.length;
    await sending;
    sending = harness.produce(count(messages));
    if ((i / CHUNK) % 20 === 0) {
      progress(
        `  produced ${i.toLocaleString('en-GB')} of ${population.persons.length.toLocaleString('en-GB')} TIS persons`,
      );
    }
  }
  await sending;
  for (let i = 0; i < states.length; i += 5_000) {
    const messages = [];
    for (const state of states.slice(i, i + 5_000)) {
      messages.push({
        topic: harness.topics.gmcDoctors,
        key: Buffer.from(state.gmcReferenceNumber),
        value: await harness.codecs.encode('gmcDoctor', gmcDoctorRecord(state)),
      });
    }
    await harness.produce(count(messages));
  }
  return {
    tisRecords,
    gmcRecords: states.length,
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
}
