// The population as the sources would deliver it: Debezium snapshot events for every TCS
// row, and GMC states as a sync run publishes them. Also the population's doctors as rule
// inputs, assembled straight from the population (not through the join), so tests can
// check the stream's output against an independent reading of the same data.
import { randomUUID } from 'node:crypto';
import type { SyncedGmcState } from '../../processors/connections/state/gmc-doctor-state';
import type { DoctorInputs } from '../../processors/rules/types';
import { syntheticDoctor } from '../fake-gmc/synthetic';
import { DebeziumEvents, type DebeziumMessage, type Format } from '../debezium';
import {
  DESIGNATED_BODIES,
  type Population,
  type PopulationMembership,
  type PopulationPerson,
} from './population';

/** A population membership as the TCS ProgrammeMembership row Debezium carries. */
export function programmeMembershipRow(personId: number, membership: PopulationMembership) {
  return {
    uuid: membership.uuid,
    personId,
    programmeId: membership.programmeId,
    programmeMembershipType: membership.type,
    programmeStartDate: membership.startDate,
    programmeEndDate: membership.endDate,
  };
}

export async function tisSnapshotEvents(
  population: Population,
  events: DebeziumEvents,
  format: Format = 'json',
): Promise<DebeziumMessage[]> {
  const messages: DebeziumMessage[] = [];
  for (const programme of population.programmes) {
    messages.push(
      ...(await events.mysqlRow('Programme', 'r', { after: { ...programme } }, format)),
    );
  }
  for (const person of population.persons)
    messages.push(...(await personEvents(person, events, 'r', format)));
  return messages;
}

export async function personEvents(
  person: PopulationPerson,
  events: DebeziumEvents,
  op: 'r' | 'c',
  format: Format = 'json',
): Promise<DebeziumMessage[]> {
  const rows: [Parameters<DebeziumEvents['mysqlRow']>[0], Record<string, unknown>][] = [
    [
      'Person',
      { id: person.personId, role: person.role, addedDate: new Date('2020-01-01T00:00:00Z') },
    ],
    [
      'ContactDetails',
      { id: person.personId, forenames: person.forenames, surname: person.surname },
    ],
    [
      'GmcDetails',
      {
        id: person.personId,
        gmcNumber: person.gmcReferenceNumber,
        gmcStatus: 'Registered with Licence',
      },
    ],
  ];
  for (const membership of person.memberships) {
    rows.push(['ProgrammeMembership', programmeMembershipRow(person.personId, membership)]);
    for (const curriculum of membership.curricula) {
      rows.push([
        'CurriculumMembership',
        {
          id: curriculum.id,
          programmeMembershipUuid: membership.uuid,
          curriculumId: curriculum.curriculumId,
          curriculumStartDate: curriculum.startDate,
          curriculumEndDate: curriculum.endDate,
        },
      ]);
    }
  }
  for (const placement of person.placements) {
    rows.push(['Placement', { ...placement, traineeId: person.personId }]);
  }
  const messages: DebeziumMessage[] = [];
  for (const [table, after] of rows)
    messages.push(...(await events.mysqlRow(table, op, { after }, format)));
  return messages;
}

/** What GMC lists for the population: the fake GMC's seeded doctors, by body. */
export function gmcStates(population: Population, requestTime: Date, seed = 1): SyncedGmcState[] {
  const states: SyncedGmcState[] = [];
  DESIGNATED_BODIES.forEach((designatedBody, bodyIndex) => {
    for (let i = 0; i < population.gmcDoctorsPerBody; i++) {
      const wire = syntheticDoctor(seed, bodyIndex, i);
      states.push({
        gmcReferenceNumber: wire.GMCReferenceNumber,
        doctorFirstName: wire.DoctorFirstName ?? null,
        doctorLastName: wire.DoctorLastName ?? null,
        submissionDate: null,
        underNotice: 'NO',
        designatedBody,
        existsInGmc: true,
        requestTime,
      });
    }
  });
  return states;
}

/** A gmc.doctors value as the GMC sync writes it (Avro record of schemas/gmc-doctor.avsc). */
export function gmcDoctorRecord(state: SyncedGmcState, runId = randomUUID()) {
  return {
    gmcReferenceNumber: state.gmcReferenceNumber,
    doctorFirstName: state.doctorFirstName,
    doctorLastName: state.doctorLastName,
    submissionDate: state.submissionDate,
    dateAdded: null,
    underNotice: state.underNotice,
    doctorStatus: null,
    breach: null,
    investigation: null,
    preliminaryInvestigation: null,
    sanction: null,
    designatedBody: state.designatedBody,
    existsInGmc: state.existsInGmc,
    requestTime: state.requestTime,
    runId,
  };
}

/** Each doctor's rule inputs, read directly from the population and the GMC states. */
export function populationInputs(
  population: Population,
  states: SyncedGmcState[],
): Map<string, DoctorInputs> {
  const programmes = new Map(population.programmes.map((p) => [p.id, p]));
  const inputs = new Map<string, DoctorInputs>();
  for (const state of states) {
    inputs.set(state.gmcReferenceNumber, {
      gmcReferenceNumber: state.gmcReferenceNumber,
      tis: null,
      exceptionLog: null,
      revalidation: null,
      gmc: {
        designatedBody: state.designatedBody,
        existsInGmc: state.existsInGmc,
        lastUpdated: state.requestTime.toISOString(),
        firstName: state.doctorFirstName,
        lastName: state.doctorLastName,
        submissionDate: state.submissionDate,
        underNotice: state.underNotice,
        admin: null,
      },
    });
  }
  for (const person of population.persons) {
    const existing = inputs.get(person.gmcReferenceNumber);
    inputs.set(person.gmcReferenceNumber, {
      gmcReferenceNumber: person.gmcReferenceNumber,
      gmc: existing?.gmc ?? null,
      exceptionLog: null,
      revalidation: null,
      tis: {
        personId: person.personId,
        role: person.role,
        firstName: person.forenames,
        lastName: person.surname,
        programmeMemberships: person.memberships.map((m) => ({
          uuid: m.uuid,
          type: m.type as 'SUBSTANTIVE',
          startDate: m.startDate,
          endDate: m.endDate,
          programmeName: programmes.get(m.programmeId)?.programmeName ?? null,
          owner: programmes.get(m.programmeId)?.owner ?? null,
          curriculumMemberships: m.curricula.map((c) => ({
            id: c.id,
            curriculumStartDate: c.startDate,
            curriculumEndDate: c.endDate,
          })),
        })),
        placements: person.placements.map((p) => ({
          gradeId: p.gradeId,
          dateFrom: p.dateFrom,
          dateTo: p.dateTo,
        })),
      },
    });
  }
  return inputs;
}
