// A synthetic population on real topics, and what the rules say it should become: the
// shared setting of the integration and end-to-end tests of the connections processor.
import { expect } from '@jest/globals';
import type { ConnectionRecord } from '../../processors/connections/connection-record';
import { loadDesignatedBodies } from '../../processors/platform/designated-bodies';
import { deriveConnection } from '../../processors/rules/derive';
import type { DebeziumEvents, DebeziumMessage } from '../../dev/debezium';
import { generatePopulation, type Population, type PopulationPerson } from '../../dev/population';
import {
  gmcDoctorRecord,
  gmcStates,
  populationInputs,
  programmeMembershipRow,
  tisSnapshotEvents,
} from '../../dev/population/events';
import type { StreamHarness } from './stream-harness';

export interface SeededPopulation {
  population: Population;
  states: ReturnType<typeof gmcStates>;
}

/** Produces a population's TCS snapshot and its GMC states (requested at 02:00 on `today`). */
export async function seedPopulation(
  harness: StreamHarness,
  options: { doctorsPerBody: number; seed?: number; today?: string },
): Promise<SeededPopulation> {
  const today = options.today ?? '2026-11-25';
  const population = generatePopulation({
    doctorsPerBody: options.doctorsPerBody,
    today,
    seed: options.seed,
  });
  const states = gmcStates(population, new Date(`${today}T02:00:00Z`));
  await harness.produce(await tisSnapshotEvents(population, harness.events));
  await harness.produce(await gmcStateMessages(harness, states));
  return { population, states };
}

/** GMC states as the GMC sync writes them to gmc.doctors (keyed, registry Avro). */
export async function gmcStateMessages(harness: StreamHarness, states: SeededPopulation['states']) {
  const messages = [];
  for (const state of states) {
    messages.push({
      topic: harness.topics.gmcDoctors,
      key: state.gmcReferenceNumber,
      value: await harness.codecs.encode('gmcDoctor', gmcDoctorRecord(state)),
    });
  }
  return messages;
}

/** The rules applied to the population as it stands now (edits included). */
export function expectedConnections({ population, states }: SeededPopulation, today: string) {
  const designatedBodies = loadDesignatedBodies({});
  return new Map(
    [...populationInputs(population, states)].map(([gmc, inputs]) => [
      gmc,
      deriveConnection(inputs, today, designatedBodies),
    ]),
  );
}

/** Every live record on reval.connections is a doctor the rules expect, and says the same. */
export function expectConnectionsMatch(
  latest: Map<string, { value: ConnectionRecord | null }>,
  expected: ReturnType<typeof expectedConnections>,
): void {
  const live = [...latest].filter(([, record]) => record.value !== null);
  expect(live.map(([key]) => key).sort()).toEqual([...expected.keys()].sort());
  for (const [key, derived] of expected) {
    const value = latest.get(key)?.value;
    expect({
      key,
      connectionStatus: value?.connectionStatus,
      connectionReason: value?.connectionReason,
    }).toEqual({
      key,
      connectionStatus: derived.connectionStatus,
      connectionReason: derived.connectionReason,
    });
    expect(value).toMatchObject({
      tcsDesignatedBody: derived.tcsDesignatedBody,
      designatedBody: derived.designatedBody,
      exceptionReasons: derived.exceptionReasons,
      discrepancy: derived.discrepancy,
      nextReevaluationDate: derived.nextReevaluationDate,
      selectedProgrammeMembershipUuid: derived.selectedProgrammeMembershipUuid,
      placementGrades: derived.placementGrades.map(String),
      programmeName: derived.programmeName,
    });
  }
}

/**
 * Debezium updates that move each person's first programme membership's end date, applied
 * to the population too, so that `expectedConnections` sees them.
 */
export async function membershipEndDateEdits(
  events: DebeziumEvents,
  persons: PopulationPerson[],
  endDate: string,
): Promise<DebeziumMessage[]> {
  const edits: DebeziumMessage[] = [];
  for (const person of persons) {
    const membership = person.memberships[0];
    if (!membership) continue;
    const before = programmeMembershipRow(person.personId, membership);
    edits.push(
      ...(await events.mysqlRow('ProgrammeMembership', 'u', {
        before,
        after: { ...before, programmeEndDate: endDate },
      })),
    );
    membership.endDate = endDate;
  }
  return edits;
}

/**
 * One doctor, GMC number 7654321 (person 9), in a North East programme that ends on
 * `endDate`: CONNECTED until then, PROGRAMME_ENDED from the next day, with no new event.
 */
export async function seedDoctorEndingOn(harness: StreamHarness, endDate: string): Promise<void> {
  const { events } = harness;
  await harness.produce([
    ...(await events.mysqlRow('Programme', 'c', {
      after: { id: 1, programmeName: 'GP', programmeNumber: 'P1', owner: 'North East' },
    })),
    ...(await events.mysqlRow('Person', 'c', { after: { id: 9, role: 'DR in Training' } })),
    ...(await events.mysqlRow('GmcDetails', 'c', {
      after: { id: 9, gmcNumber: '7654321', gmcStatus: 'Registered' },
    })),
    ...(await events.mysqlRow('ProgrammeMembership', 'c', {
      after: {
        uuid: 'pm-9',
        personId: 9,
        programmeId: 1,
        programmeMembershipType: 'SUBSTANTIVE',
        programmeStartDate: '2024-08-07',
        programmeEndDate: endDate,
      },
    })),
    ...(await events.mysqlRow('CurriculumMembership', 'c', {
      after: {
        id: 90,
        programmeMembershipUuid: 'pm-9',
        curriculumId: 1,
        curriculumStartDate: '2024-08-07',
        curriculumEndDate: endDate,
      },
    })),
  ]);
}
