// `reval explain`'s checks of its arguments (before anything is asked), and its text report
// of a fixed answer. Answers from real instances and changelogs: test/integration/explain.
import { PassThrough } from 'node:stream';
import { formatExplainReport, type ExplainReport } from '../explain-output';
import { UserError } from '../errors';
import { EX_USAGE } from './evaluate';
import { runExplain } from './explain';

const io = { stdout: new PassThrough(), env: {}, clock: () => new Date('2026-11-25T10:00:00Z') };

describe('reval explain', () => {
  it.each([
    ['a placeholder number', 'N/A', {}, /is not a GMC reference number/],
    ['a number with a space', '7000001 ', {}, /is not a GMC reference number/],
    [
      'a date for --at',
      '7000001',
      { at: '2026-11-25' },
      /--at "2026-11-25" is not an ISO-8601 instant/,
    ],
  ])('refuses %s with exit code 64, asking nothing', async (_case, gmc, options, message) => {
    const failure = runExplain(gmc, options, io);
    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.toMatchObject({ exitCode: EX_USAGE });
    await expect(failure).rejects.toBeInstanceOf(UserError);
  });

  it('prints the record, the sentences, the rows with their positions, the letters and the history', () => {
    const report: ExplainReport = {
      today: '2026-11-25',
      source: { path: 'interactive query', url: 'http://conn-1:9464/doctors/7000001' },
      explanation: {
        gmcReferenceNumber: '7000001',
        partition: 1,
        owner: { instance: 'member-1', url: 'http://conn-1:9464' },
        record: null,
        explanation: ['no record: there is no TIS person, GMC state or doctorsForDB document.'],
        rows: [
          {
            source: 'exceptionLogs',
            key: 'log-1',
            row: { id: 'log-1' },
            origin: {
              topic: 'tis.revalidation.exceptionLogs',
              partition: 0,
              offset: '12',
              sourcePosition: '1764064800:1',
              sourceTime: '2026-11-25T09:00:00.000Z',
            },
          },
        ],
        at: '2026-11-25T10:00:00.000Z',
      },
      deadLetters: [
        {
          sourceTopic: 'tcs.tcs.Placement',
          sourcePartition: 0,
          sourceOffset: 7,
          reason: 'placement row: field "dateFrom": not a calendar date',
          failedAt: '2026-11-25T09:30:00.000Z',
          partition: 0,
          offset: '3',
        },
      ],
      history: {
        from: 'topic',
        where: 'reval.connection-changes partition 1',
        entries: [
          {
            version: 5,
            time: '2026-11-25T00:00:05.000Z',
            before: {
              connectionStatus: 'CONNECTED',
              connectionReason: null,
              exceptionReasons: [],
              discrepancy: null,
              designatedBody: '1-1RSSQ1B',
              tcsDesignatedBody: '1-1RSSQ1B',
            },
            after: null,
            cause: {
              kind: 'MIDNIGHT',
              source: null,
              key: null,
              topic: null,
              partition: null,
              offset: null,
              sourcePosition: null,
              sourceTime: null,
            },
          },
        ],
      },
    };
    expect(formatExplainReport(report)).toBe(
      [
        'Doctor 7000001, derived as of 2026-11-25 (at 2026-11-25T10:00:00.000Z)',
        'Answered by http://conn-1:9464/doctors/7000001 (interactive query; partition 1, instance member-1 at http://conn-1:9464)',
        '',
        'Record: none (the inputs make no doctor: a tombstone on reval.connections)',
        '',
        'Explanation:',
        '  no record: there is no TIS person, GMC state or doctorsForDB document.',
        '',
        'Input rows that decided it (1):',
        '  exceptionLogs log-1: tis.revalidation.exceptionLogs partition 0 offset 12; source 1764064800:1 at 2026-11-25T09:00:00.000Z',
        '      {"id":"log-1"}',
        '',
        'Dead letters (1): inputs refused as unreadable that name this doctor. The state above is the last good one; nothing was lost: each letter keeps its record whole in the dead-letter topic until `reval dlq replay` sends it back.',
        '  tcs.tcs.Placement partition 0 offset 7, refused 2026-11-25T09:30:00.000Z: placement row: field "dateFrom": not a calendar date',
        '',
        'History (1 change, oldest first, from reval.connection-changes partition 1):',
        '  2026-11-25T00:00:05.000Z  CONNECTED (GMC 1-1RSSQ1B, TIS 1-1RSSQ1B) -> (no record)',
        '      cause MIDNIGHT; version 5',
        '',
      ].join('\n'),
    );
  });
});
