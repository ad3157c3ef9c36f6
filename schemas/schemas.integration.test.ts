// Every schema round-trips through the real schema registry (logical types included) and
// can read data written with its previous committed version.
import { randomUUID } from 'node:crypto';
import type { Schema } from 'avsc';
import { registryConfig } from '../processors/platform/config';
import { topicsOf as topics, type Topics } from '../processors/platform/topics';
import { SchemaRegistryCodecs } from '../processors/platform/registry';
import { SCHEMA_FILES, readSchema, type SchemaName } from './catalog';
import { backwardIncompatibility, previousCommittedSchema } from './compatibility';

const requestTime = new Date('2026-11-24T02:00:00.123Z');

const samples: Record<SchemaName, Record<string, unknown>> = {
  gmcDoctor: {
    gmcReferenceNumber: '7000001',
    doctorFirstName: 'Zoë',
    doctorLastName: "O'Brien",
    submissionDate: '2028-02-29',
    dateAdded: '1970-01-01',
    underNotice: 'ON_HOLD',
    doctorStatus: 'Under Review',
    breach: null,
    investigation: 'No',
    preliminaryInvestigation: null,
    sanction: 'No',
    designatedBody: '1-1RSG4X0',
    existsInGmc: true,
    requestTime,
    runId: 'run-1',
  },
  gmcSyncRun: {
    runId: 'run-1',
    requestTime,
    finishedTime: new Date('2026-11-24T02:03:10.000Z'),
    status: 'PARTIAL',
    forced: false,
    designatedBodies: [
      {
        designatedBody: '1-1RSG4X0',
        status: 'OK',
        returnCode: '0',
        doctorCount: 7999,
        durationMs: 5321,
        error: null,
        connected: 3,
        disconnected: 2,
        moved: 1,
        updated: 12,
      },
      {
        designatedBody: '1-1RUZV1D',
        status: 'FAILED',
        returnCode: '98',
        doctorCount: 0,
        durationMs: 120000,
        error: 'GMC internal error',
        connected: 0,
        disconnected: 0,
        moved: 0,
        updated: 0,
      },
    ],
    doctorsInSeveralLists: [
      { gmcReferenceNumber: '7000002', designatedBodies: ['1-1RSG4X0', '1-1RSSQ05'] },
    ],
  },
  connection: {
    gmcReferenceNumber: '7000001',
    tcsPersonId: 4_294_967_297,
    doctorFirstName: 'Zoë',
    doctorLastName: "O'Brien",
    submissionDate: '2027-03-31',
    programmeName: 'General Practice',
    membershipType: 'SUBSTANTIVE',
    programmeOwner: 'Yorkshire and the Humber',
    designatedBody: '1-1RSG4X0',
    tcsDesignatedBody: '1-1RSG4X0',
    membershipStartDate: '2024-08-07',
    membershipEndDate: '2027-08-06',
    curriculumEndDate: '2027-08-06',
    placementGrades: ['279'],
    existsInGmc: true,
    underNotice: 'NO',
    admin: 'admin@example.nhs.uk',
    connectionStatus: 'CONNECTED',
    connectionReason: null,
    exceptionReasons: ['VISITOR', 'GMC_UPDATE_FAILED'],
    discrepancy: null,
    nextReevaluationDate: '2027-08-07',
    selectedProgrammeMembershipUuid: '0b6f7f0e-2c47-4b0e-9d41-2a1f3c0c0d11',
    version: 1_732_000_000_000_001,
    updatedTime: requestTime,
    sources: [
      'tis',
      'gmc',
      'doctorsForDB',
      'connectionLogs',
      'hiddenDiscrepancy',
      'recommendation',
    ],
    tisStatus: 'SUBMITTED_TO_GMC',
    lastUpdatedDate: '2026-11-23',
    gmcStatus: 'Under Review',
    updatedBy: 'admin@example.nhs.uk',
    lastConnectionDateTime: '2026-11-23T10:15:00.000Z',
    hiddenDiscrepancies: [
      {
        id: '6560f1c0b84f7a4f3e9d550c',
        gmcId: '7000001',
        hiddenForDesignatedBodyCode: '1-1RSG4X0',
        hiddenBy: 'admin@example.nhs.uk',
        reason: null,
        hiddenDateTime: '2026-11-20T09:00:00.000Z',
        hiddenUntilDate: '2027-02-28',
      },
    ],
    explanation:
      'connectionStatus CONNECTED: the selected membership is current (2024-08-07 <= today <= 2027-08-06).',
    statusSince: requestTime,
  },
  connectionChange: {
    gmcReferenceNumber: '7000001',
    version: 1_732_000_000_000_001,
    time: requestTime,
    before: null,
    after: {
      connectionStatus: 'CONNECTED',
      connectionReason: null,
      exceptionReasons: ['GMC_UPDATE_FAILED'],
      discrepancy: 'DESIGNATED_BODY_MISMATCH',
      designatedBody: '1-1RSSQ05',
      tcsDesignatedBody: '1-1RSG4X0',
    },
    cause: {
      kind: 'INPUT',
      source: 'placement',
      key: '31',
      topic: 'tcs.tcs.Placement',
      partition: 0,
      offset: '9007199254740993',
      sourcePosition: 'mysql-bin.000003:929',
      sourceTime: requestTime,
    },
  },
  deadLetter: {
    sourceTopic: 'tcs.tcs.Programme',
    sourcePartition: 2,
    sourceOffset: 123_456_789_012,
    processor: 'connections',
    reason: 'value is not valid JSON',
    failedAt: requestTime,
    key: Buffer.from([0, 1, 2]),
    value: Buffer.from('{not json'),
    headers: { traceparent: Buffer.from('00-abc') },
  },
};

describe('Avro schemas in the real schema registry', () => {
  let codecs: SchemaRegistryCodecs;
  let testTopics: Topics;

  beforeAll(() => {
    // A fresh subject per run, so that this test never meets a version left by another run.
    const suffix = randomUUID().slice(0, 8);
    const defaults = topics({});
    testTopics = Object.fromEntries(
      Object.entries(defaults).map(([name, topic]) => [name, `test-${suffix}.${topic}`]),
    ) as Topics;
    codecs = new SchemaRegistryCodecs(registryConfig(), testTopics);
  });

  it.each(Object.keys(SCHEMA_FILES) as SchemaName[])(
    '%s round-trips through the registry',
    async (name) => {
      const encoded = await codecs.encode(name, samples[name]);
      expect(encoded[0]).toBe(0); // Confluent wire format: magic byte, then the schema id
      expect(encoded.readUInt32BE(1)).toBe(await codecs.register(name));
      const decoded = await codecs.decode(encoded);
      expect(decoded).toEqual(samples[name]);
    },
  );

  it('rejects a record that breaks a logical type instead of writing garbage', async () => {
    await expect(
      codecs.encode('gmcDoctor', { ...samples.gmcDoctor, submissionDate: '31/02/2026' }),
    ).rejects.toThrow(/31\/02\/2026/);
  });

  it.each(Object.keys(SCHEMA_FILES) as SchemaName[])(
    '%s can read data written with its previous committed version',
    async (name) => {
      const current = readSchema(name);
      const previous = previousCommittedSchema(name, current);
      if (!previous) {
        process.stderr.write(
          `schemas: ${name} has no earlier committed version; nothing to compare\n`,
        );
        return;
      }
      expect(backwardIncompatibility(current, previous)).toBeNull();
      const subject = `compat-${randomUUID()}`;
      await codecs.registerRaw(subject, previous as object);
      await codecs.setCompatibility(subject, 'BACKWARD');
      expect(await codecs.isCompatible(subject, current as object)).toBe(true);
    },
  );

  it('the compatibility check fails for a change that breaks old data', async () => {
    // A control: a new required field without a default cannot read old records.
    const current = readSchema('gmcDoctor') as { fields: object[] };
    const broken = {
      ...current,
      fields: [...current.fields, { name: 'mandatoryNewField', type: 'string' }],
    };
    expect(backwardIncompatibility(broken as Schema, current as Schema)).not.toBeNull();
    const subject = `compat-${randomUUID()}`;
    await codecs.registerRaw(subject, current);
    await codecs.setCompatibility(subject, 'BACKWARD');
    expect(await codecs.isCompatible(subject, broken)).toBe(false);
  });
});
