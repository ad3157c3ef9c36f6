// One GMC number, one verdict, whichever edge it arrives by (docs/rules.md §3): TCS GmcDetails,
// gmc.doctors, doctorsForDB, exceptionLogs, GMC's SOAP answer and `reval evaluate`. Each
// refused form is fed through every edge; a valid number with ASCII whitespace around it is
// accepted everywhere, under the same trimmed key.
import { DebeziumEvents } from '../../dev/debezium';
import { decodeGmcDoctorsRecord } from '../gmc-fetch/gmc-doctors';
import type { KafkaRecord } from '../platform/kafka';
import { readDoctorsForDbResult } from '../platform/gmc-soap/parse';
import type { SchemaRegistryCodecs } from '../platform/registry';
import { parseDoctorLine } from '../rules/evaluate-input';
import { normaliseEnvelope } from './sources';
import { connectionsDriver } from './test-topology';

const REFUSED: [string, string][] = [
  ['', 'missing'],
  ['   ', 'missing'],
  ['\t\r\n', 'missing'],
  ['unknown', 'placeholder'],
  ['UNKNOWN', 'placeholder'],
  ['Unknown', 'placeholder'],
  ['na', 'placeholder'],
  ['NA', 'placeholder'],
  ['n/a', 'placeholder'],
  ['N/A', 'placeholder'],
  [' n/A ', 'placeholder'],
  ['7000001\u00a0', 'non-breaking space'],
  ['\u00a07000001', 'non-breaking space'],
  ['700\u00a00001', 'non-breaking space'],
  ['7000001\u202f', 'non-breaking space'],
  ['7000001\u2007', 'non-breaking space'],
  ['\ufeff7000001', 'non-breaking space'],
  ['\u00a0', 'non-breaking space'],
];
const ACCEPTED: [string, string][] = [
  ['7000001', '7000001'],
  [' 7000001 ', '7000001'],
  ['\t7000001\r\n', '7000001'],
];

const events = new DebeziumEvents({ clock: () => new Date('2026-11-25T09:00:00Z') });

/** Each edge's verdict: the key the doctor would have, or null when refused. */
const edges: Record<string, (raw: string) => Promise<string | null> | string | null> = {
  'TCS GmcDetails (the persons stage)': (raw) => {
    const golden = connectionsDriver();
    const written = golden.feed([
      { source: 'person', key: '1', op: 'upsert', row: { id: 1, role: 'Trainee' } },
      {
        source: 'gmcDetails',
        key: '1',
        op: 'upsert',
        row: { id: 1, gmcNumber: raw, gmcStatus: 'Registered with Licence' },
      },
    ]);
    return written.length === 0 ? null : written[0].key;
  },
  'gmc.doctors': async (raw) => {
    const record: KafkaRecord = {
      topic: 'gmc.doctors',
      partition: 0,
      offset: '0',
      key: Buffer.from(raw, 'utf8'),
      value: null,
      headers: {},
      timestamp: '0',
    };
    // A tombstone: the key alone decides, and no registry is needed.
    const decoded = await decodeGmcDoctorsRecord(record, {} as SchemaRegistryCodecs);
    return decoded.ok ? decoded.value.gmcNumber : null;
  },
  'doctorsForDB _id': async (raw) => {
    const [message] = await events.mongoDocument(
      'doctorsForDB',
      'c',
      { _id: raw, gmcReferenceNumber: raw, doctorFirstName: 'Aoife' },
      'json',
    );
    const change = normaliseEnvelope(
      'doctorsForDB',
      JSON.parse(String(message.key)),
      JSON.parse(String(message.value)),
    );
    return change.ok ? change.value.key : null;
  },
  'exceptionLogs gmcId': async (raw) => {
    const [message] = await events.mongoDocument(
      'exceptionLogs',
      'c',
      { _id: 'log-1', gmcId: raw, errorMessage: 'refused', timestamp: new Date(0) },
      'json',
    );
    const change = normaliseEnvelope(
      'exceptionLogs',
      JSON.parse(String(message.key)),
      JSON.parse(String(message.value)),
    );
    if (!change.ok) return null;
    return change.value.source === 'exceptionLogs' && change.value.op === 'upsert'
      ? change.value.row.gmcId
      : 'not an exception log upsert';
  },
  "GMC's GetDoctorsForDB answer": (raw) => {
    const answer = readDoctorsForDbResult({
      GetDoctorsForDBResult: {
        Doctors: { GetDoctorsForDBResponse_Doctor: [{ GMCReferenceNumber: raw }] },
        ReturnCode: '0',
      },
    });
    return answer.doctors[0]?.gmcReferenceNumber ?? null;
  },
  'reval evaluate': (raw) => {
    const parsed = parseDoctorLine(JSON.stringify({ gmcReferenceNumber: raw }));
    return parsed.ok ? parsed.value.gmcReferenceNumber : null;
  },
};

describe.each(Object.entries(edges))('%s', (_edge, verdictOf) => {
  test.each(REFUSED)('refuses %j (%s)', async (raw) => {
    expect(await verdictOf(raw)).toBeNull();
  });

  test.each(ACCEPTED)('accepts %j as %j', async (raw, gmcNumber) => {
    expect(await verdictOf(raw)).toBe(gmcNumber);
  });
});
