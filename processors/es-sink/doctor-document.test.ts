// Golden test of the document mapping: these reval.connections records become exactly the
// actions in golden/doctor-documents.json. A change there is a change to what the UI reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toSinkAction, type ConnectionRecord, type KeyedValue } from './doctor-document';
import { DOCTOR_PROPERTIES } from './mappings';

const golden = JSON.parse(
  readFileSync(join(__dirname, 'golden', 'doctor-documents.json'), 'utf8'),
) as Record<string, unknown>;

const connected: ConnectionRecord = {
  gmcReferenceNumber: '1234567',
  tcsPersonId: 40321,
  doctorFirstName: 'Ada',
  doctorLastName: 'Lovelace',
  submissionDate: '2027-01-31',
  programmeName: 'General Practice',
  membershipType: 'SUBSTANTIVE',
  programmeOwner: 'Health Education England Yorkshire and the Humber',
  designatedBody: '1-1RUZV1D',
  tcsDesignatedBody: '1-1RSG4X0',
  membershipStartDate: '2024-08-07',
  membershipEndDate: '2027-08-06',
  curriculumEndDate: '2027-08-06',
  placementGrades: ['279', '280'],
  existsInGmc: true,
  underNotice: 'NO',
  admin: 'admin@hee.nhs.uk',
  tisStatus: 'READY_TO_REVIEW',
  lastUpdatedDate: '2025-11-20',
  gmcStatus: 'Under Review',
  updatedBy: 'admin@hee.nhs.uk',
  lastConnectionDateTime: '2025-11-24T09:30:00.000Z',
  hiddenDiscrepancies: [
    {
      id: '6560b0f2c9e77c0001a1b2c3',
      gmcId: '1234567',
      hiddenForDesignatedBodyCode: '1-1RUZV1D',
      hiddenBy: 'admin@hee.nhs.uk',
      reason: 'Awaiting the trainee',
      hiddenDateTime: '2025-11-24T09:31:00.000Z',
      hiddenUntilDate: null,
    },
  ],
  connectionStatus: 'CONNECTED',
  connectionReason: null,
  exceptionReasons: [],
  discrepancy: 'DESIGNATED_BODY_MISMATCH',
  nextReevaluationDate: '2027-08-07',
  selectedProgrammeMembershipUuid: '3f0f7c1e-8f9a-4e55-9c43-1d2f6a9b0c11',
  version: 1_764_086_400_000_000,
  updatedTime: new Date('2025-11-25T16:00:00Z'),
  sources: ['tis', 'gmc', 'doctorsForDB'],
  explanation:
    'connectionStatus CONNECTED: the selected membership is current (2024-08-07 <= today <= 2027-08-06). ' +
    'discrepancy DESIGNATED_BODY_MISMATCH: TIS says 1-1RSG4X0, GMC has 1-1RUZV1D.',
  statusSince: new Date('2025-11-24T09:30:00.123Z'),
};

// Written before the reader fields, the explanation and statusSince existed: they index as empty.
const visitor: ConnectionRecord = {
  gmcReferenceNumber: '7654321',
  tcsPersonId: null,
  doctorFirstName: null,
  doctorLastName: null,
  submissionDate: null,
  programmeName: null,
  membershipType: 'VISITOR',
  programmeOwner: null,
  designatedBody: '',
  tcsDesignatedBody: null,
  membershipStartDate: null,
  membershipEndDate: null,
  curriculumEndDate: null,
  placementGrades: [],
  existsInGmc: false,
  underNotice: null,
  admin: null,
  connectionStatus: 'DISCONNECTED',
  connectionReason: 'PROGRAMME_ENDED',
  exceptionReasons: ['VISITOR', 'GMC_UPDATE_FAILED'],
  discrepancy: null,
  nextReevaluationDate: null,
  selectedProgrammeMembershipUuid: null,
  version: 42,
  updatedTime: new Date('2025-01-01T00:00:00Z'),
  sources: ['tis', 'exceptionLogs'],
};

const inputs: Record<string, KeyedValue> = {
  'connected doctor, in TIS and GMC, one discrepancy': {
    key: '1234567',
    value: connected,
    versionHeader: String(connected.version),
  },
  'disconnected visitor, GMC list says empty body, nothing optional known': {
    key: '7654321',
    value: visitor,
    versionHeader: '42',
  },
  'doctor gone everywhere (tombstone)': {
    key: '1111111',
    value: null,
    versionHeader: '1764086400000001',
  },
};

describe('reval.connections record → Elasticsearch action (golden)', () => {
  it.each(Object.keys(golden))('%s', (name) => {
    const mapped = toSinkAction(inputs[name]);
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(JSON.parse(JSON.stringify(mapped.value))).toEqual(golden[name]);
  });

  it('maps every document field explicitly, so the strict mapping accepts the document', () => {
    const mapped = toSinkAction(inputs['connected doctor, in TIS and GMC, one discrepancy']);
    if (!mapped.ok || mapped.value.kind !== 'index') throw new Error('expected an index action');
    expect(Object.keys(mapped.value.document).sort()).toEqual(
      Object.keys(DOCTOR_PROPERTIES).sort(),
    );
  });

  it('drops fields the mapping does not know instead of letting the strict mapping reject them', () => {
    const mapped = toSinkAction({
      key: '1234567',
      value: { ...connected, fieldFromANewerSchema: 'x' },
      versionHeader: null,
    });
    expect(
      mapped.ok &&
        mapped.value.kind === 'index' &&
        'fieldFromANewerSchema' in mapped.value.document,
    ).toBe(false);
  });
});

describe('records the sink cannot apply (they go to the DLQ with this reason)', () => {
  it.each<[string, KeyedValue, RegExp]>([
    ['no key', { key: null, value: connected, versionHeader: '1' }, /no key/],
    ['tombstone without version', { key: '1', value: null, versionHeader: null }, /reval\.version/],
    [
      'tombstone with a bad version',
      { key: '1', value: null, versionHeader: '-3' },
      /reval\.version/,
    ],
    ['key is another doctor', { key: '999', value: connected, versionHeader: null }, /differs/],
    [
      'not a connection record',
      { key: '1', value: { foo: 1 }, versionHeader: null },
      /gmcReferenceNumber/,
    ],
    [
      'version beyond what Elasticsearch holds exactly',
      { key: '1234567', value: { ...connected, version: 2 ** 60 }, versionHeader: null },
      /version/,
    ],
    [
      'negative version',
      { key: '1234567', value: { ...connected, version: -1 }, versionHeader: null },
      /version/,
    ],
  ])('%s', (_name, input, reason) => {
    const mapped = toSinkAction(input);
    expect(mapped.ok).toBe(false);
    if (!mapped.ok) expect(mapped.error).toMatch(reason);
  });
});
