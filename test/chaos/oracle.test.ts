// The chaos suite's oracle must see each kind of damage it claims to count, and its fault
// schedule must replay from the seed. Pure: no services needed.
import { seededRandom } from '../../dev/fake-gmc/synthetic';
import type { DerivedConnection } from '../../processors/rules/types';
import { viewNames } from '../../processors/es-sink/views';
import { FAULTS, schedule } from './faults';
import {
  compareAliases,
  compareMongo,
  compareViews,
  countLetters,
  matchesFilter,
  type ViewDoc,
} from './oracle';

const derived = (gmc: string, over: Partial<DerivedConnection> = {}): DerivedConnection =>
  ({
    gmcReferenceNumber: gmc,
    connectionStatus: 'CONNECTED',
    connectionReason: null,
    designatedBody: '1-1RSG4X0',
    tcsDesignatedBody: '1-1RSG4X0',
    exceptionReasons: [],
    discrepancy: null,
    nextReevaluationDate: '2027-08-07',
    selectedProgrammeMembershipUuid: 'pm-1',
    tcsPersonId: 1,
    doctorFirstName: 'Ada',
    doctorLastName: 'Lovelace',
    placementGrades: [279],
    existsInGmc: true,
    ...over,
  }) as unknown as DerivedConnection;

const doc = (gmc: string, version: number, over: Record<string, unknown> = {}): ViewDoc => ({
  id: gmc,
  index: 'reval-doctors-v1',
  version,
  source: {
    ...(derived(gmc) as unknown as Record<string, unknown>),
    placementGrades: ['279'],
    ...over,
  },
});

describe('the chaos oracle', () => {
  const expected = new Map([
    ['1000001', derived('1000001')],
    ['1000002', derived('1000002')],
    ['1000003', derived('1000003', { connectionStatus: 'DISCONNECTED' } as never)],
  ]);
  const versions = new Map([
    ['1000001', { version: 10, tombstone: false }],
    ['1000002', { version: 20, tombstone: false }],
    ['1000003', { version: 30, tombstone: false }],
  ]);

  it('counts nothing when the view says what the rules derive, at the topic’s versions', () => {
    const docs = [
      doc('1000001', 10),
      doc('1000002', 20),
      doc('1000003', 30, { connectionStatus: 'DISCONNECTED' }),
    ];
    expect(compareViews(expected, docs, versions)).toMatchObject({
      missing: 0,
      stale: 0,
      duplicate: 0,
      wrong: 0,
    });
  });

  it('counts a missing doctor, a stale version, a duplicate, an unexpected doctor and a wrong field', () => {
    const docs = [
      doc('1000001', 9), // stale: the topic's last record is version 10
      doc('1000002', 20, { connectionStatus: 'DISCONNECTED' }), // wrong
      { ...doc('1000002', 20), index: 'reval-doctors-v2' }, // the same doctor twice
      doc('7777777', 1), // no such doctor
    ];
    const counts = compareViews(expected, docs, versions);
    expect(counts).toMatchObject({ missing: 1, stale: 1, duplicate: 2, wrong: 1 });
    expect(counts.examples.join('\n')).toMatch(/missing 1000003/);
  });

  it('counts a document whose doctor the topic has since deleted as stale', () => {
    const tombstoned = new Map([...versions, ['1000001', { version: 11, tombstone: true }]]);
    expect(compareViews(expected, [doc('1000001', 10)], tombstoned).stale).toBe(1);
  });

  it('reads alias filters as Elasticsearch does: an empty list or a null does not exist', () => {
    expect(matchesFilter({ exists: { field: 'exceptionReasons' } }, { exceptionReasons: [] })).toBe(
      false,
    );
    expect(matchesFilter({ exists: { field: 'discrepancy' } }, { discrepancy: null })).toBe(false);
    expect(
      matchesFilter({ term: { connectionStatus: 'CONNECTED' } }, { connectionStatus: 'CONNECTED' }),
    ).toBe(true);
    expect(matchesFilter(null, {})).toBe(true);
  });

  it('counts alias members that differ from what the filter selects', () => {
    const names = viewNames('x-');
    const master = [doc('1000001', 10), doc('1000003', 30, { connectionStatus: 'DISCONNECTED' })];
    const members = new Map<string, string[]>();
    for (const [alias, filter] of Object.entries(names.filters)) {
      members.set(
        alias,
        master.filter((d) => matchesFilter(filter, d.source)).map((d) => d.id),
      );
    }
    expect(compareAliases(names, master, members).aliasMismatches).toBe(0);
    members.set(names.filtered.connected, ['1000001', '1000003']); // a disconnected doctor listed
    expect(compareAliases(names, master, members).aliasMismatches).toBe(1);
  });

  it('compares doctorsForDB with the last gmc.doctors state of each doctor', () => {
    const at = new Date('2026-12-01T02:00:00Z');
    const state = (gmc: string, designatedBody: string | null) => ({
      gmcReferenceNumber: gmc,
      doctorFirstName: null,
      doctorLastName: null,
      submissionDate: null,
      underNotice: 'NO' as const,
      designatedBody,
      existsInGmc: designatedBody !== null,
      requestTime: at,
    });
    const states = new Map([
      ['1000001', state('1000001', '1-1RSG4X0')],
      ['1000002', state('1000002', null)],
      ['1000003', state('1000003', '1-1RSG4X0')],
    ]);
    const counts = compareMongo(states, [
      {
        _id: '1000001',
        designatedBodyCode: '1-1RSG4X0',
        existsInGmc: true,
        gmcLastUpdatedDateTime: at,
      },
      // an older state: still connected
      {
        _id: '1000002',
        designatedBodyCode: '1-1RSG4X0',
        existsInGmc: true,
        gmcLastUpdatedDateTime: new Date('2026-11-30T02:00:00Z'),
      },
      { _id: '9999999', designatedBodyCode: null, existsInGmc: false, gmcLastUpdatedDateTime: at },
    ]);
    expect(counts).toMatchObject({ missing: 1, stale: 1, duplicate: 1 });
  });

  it('wants each poison record in the dead-letter topic exactly once, and nothing else there', () => {
    const poison = [
      { topic: 't', key: 'a', partition: 0, offset: '5' },
      { topic: 't', key: 'b', partition: 1, offset: '7' },
      { topic: 't', key: 'c', partition: 2, offset: '9' },
    ];
    const letter = (partition: string, offset: string) => ({
      topic: 't',
      partition,
      offset,
      reason: 'x',
    });
    expect(
      countLetters(poison, [letter('0', '5'), letter('1', '7'), letter('2', '9')]),
    ).toMatchObject({ missing: 0, duplicate: 0, unexpected: 0 });
    expect(
      countLetters(poison, [
        letter('0', '5'),
        letter('0', '5'),
        letter('1', '7'),
        letter('1', '8'),
      ]),
    ).toMatchObject({ missing: 1, duplicate: 1, unexpected: 1 });
  });

  it('draws the same fault schedule from the same seed', () => {
    const kinds = (seed: number) =>
      schedule(FAULTS, seededRandom(seed), 2).map((s) => `${s.fault.kind}@${s.gapSeconds}`);
    expect(kinds(42)).toEqual(kinds(42));
    expect(kinds(42)).not.toEqual(kinds(43));
    expect(
      new Set(
        kinds(42)
          .slice(0, FAULTS.length)
          .map((k) => k.split('@')[0]),
      ).size,
    ).toBe(FAULTS.length);
  });
});
