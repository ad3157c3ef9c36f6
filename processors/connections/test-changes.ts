// Row changes for the connections golden tests, as the edge would hand them to the topology.
import { gmc } from '../rules/test-builders';
import type { Change } from './sources';
import type { GmcChange } from './state/gmc-doctor-state';

export const tis = {
  person: (id: number, role: string | null = 'Trainee'): Change => ({
    source: 'person',
    key: String(id),
    op: 'upsert',
    row: { id, role },
  }),
  contact: (id: number, forenames: string, surname: string): Change => ({
    source: 'contactDetails',
    key: String(id),
    op: 'upsert',
    row: { id, forenames, surname },
  }),
  gmcNumber: (id: number, gmcNumber: string | null): Change => ({
    source: 'gmcDetails',
    key: String(id),
    op: 'upsert',
    row: { id, gmcNumber, gmcStatus: 'Registered with Licence' },
  }),
  programme: (id: number, owner: string): Change => ({
    source: 'programme',
    key: String(id),
    op: 'upsert',
    row: { id, programmeName: `Programme ${id}`, programmeNumber: `P${id}`, owner },
  }),
  membership: (
    uuid: string,
    personId: number,
    programmeId: number,
    start: string,
    end: string,
    type = 'SUBSTANTIVE',
  ): Change => ({
    source: 'programmeMembership',
    key: uuid,
    op: 'upsert',
    row: {
      uuid,
      personId,
      programmeId,
      programmeMembershipType: type as 'SUBSTANTIVE',
      programmeStartDate: start,
      programmeEndDate: end,
    },
  }),
  deleteMembership: (uuid: string): Change => ({
    source: 'programmeMembership',
    key: uuid,
    op: 'delete',
  }),
  curriculum: (id: number, uuid: string, end: string): Change => ({
    source: 'curriculumMembership',
    key: String(id),
    op: 'upsert',
    row: {
      id,
      programmeMembershipUuid: uuid,
      curriculumId: 1,
      curriculumStartDate: '2024-08-07',
      curriculumEndDate: end,
    },
  }),
};

export const gmcState = (
  gmcReferenceNumber: string,
  designatedBody: string | null,
  requestTime: string,
): GmcChange => ({
  source: 'gmcDoctors',
  key: gmcReferenceNumber,
  op: 'upsert',
  row: {
    gmcReferenceNumber,
    doctorFirstName: 'Ada',
    doctorLastName: 'Lovelace',
    submissionDate: '2027-03-31',
    underNotice: 'NO',
    designatedBody,
    existsInGmc: designatedBody !== null,
    requestTime: new Date(requestTime),
  },
});

export const exceptionLog = (id: string, gmcId: string, timestamp: string): Change => ({
  source: 'exceptionLogs',
  key: id,
  op: 'upsert',
  row: {
    id,
    gmcId: gmc(gmcId),
    errorMessage: 'Doctor already connected',
    timestamp: new Date(timestamp),
    admin: 'admin@nhs.net',
  },
});

/** A doctor in a current Yorkshire programme, known to TIS only. */
export const aDoctorInTis = (personId = 1, gmc = '7000001'): (Change | GmcChange)[] => [
  tis.person(personId),
  tis.contact(personId, 'Ada', 'Lovelace'),
  tis.gmcNumber(personId, gmc),
  tis.programme(10, 'Health Education England Yorkshire and the Humber'),
  tis.membership(`pm-${personId}`, personId, 10, '2024-08-07', '2027-08-06'),
  tis.curriculum(personId * 100, `pm-${personId}`, '2027-08-06'),
];
