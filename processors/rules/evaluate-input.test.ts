import { parseDoctorLine } from './evaluate-input';

const minimal = { gmcReferenceNumber: '7000001' };
const line = (value: unknown) => JSON.stringify(value);
const withTis = (tis: Record<string, unknown>) =>
  line({ ...minimal, tis: { personId: 1, ...tis } });

describe('evaluate input lines', () => {
  test('only the GMC number is required; nullable keys default to null and lists to empty', () => {
    expect(parseDoctorLine(line(minimal))).toEqual({
      ok: true,
      value: {
        gmcReferenceNumber: '7000001',
        gmc: null,
        tis: null,
        exceptionLog: null,
        revalidation: null,
      },
    });
    const parsed = parseDoctorLine(
      line({
        ...minimal,
        gmc: { designatedBody: '1-1RSG4X0', lastUpdated: '2026-06-30T02:00:00Z' },
        tis: { personId: 1, programmeMemberships: [{ uuid: 'pm-1' }] },
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        gmcReferenceNumber: '7000001',
        gmc: {
          designatedBody: '1-1RSG4X0',
          existsInGmc: true,
          lastUpdated: '2026-06-30T02:00:00Z',
          firstName: null,
          lastName: null,
          submissionDate: null,
          underNotice: null,
          admin: null,
        },
        tis: {
          personId: 1,
          role: null,
          firstName: null,
          lastName: null,
          programmeMemberships: [
            {
              uuid: 'pm-1',
              type: null,
              startDate: null,
              endDate: null,
              programmeName: null,
              owner: null,
              curriculumMemberships: [],
            },
          ],
          placements: [],
        },
        exceptionLog: null,
        revalidation: null,
      },
    });
  });

  test("the revalidation services' records: lists default to empty, entries' nullable keys to null", () => {
    expect(
      parseDoctorLine(
        line({
          ...minimal,
          revalidation: {
            tisStatus: 'SUBMITTED_TO_GMC',
            connectionLogs: [{ id: 'c-1', responseCode: '0' }],
            recommendations: [{ id: 'r-1', outcome: 'Under Review' }],
            hiddenDiscrepancies: [{ id: 'h-1', gmcId: '7000001' }],
          },
        }),
      ),
    ).toMatchObject({
      ok: true,
      value: {
        revalidation: {
          tisStatus: 'SUBMITTED_TO_GMC',
          lastUpdatedDate: null,
          connectionLogs: [{ id: 'c-1', updatedBy: null, requestTime: null, responseCode: '0' }],
          recommendations: [
            {
              id: 'r-1',
              outcome: 'Under Review',
              actualSubmissionDate: null,
              gmcSubmissionDate: null,
            },
          ],
          hiddenDiscrepancies: [
            {
              id: 'h-1',
              gmcId: '7000001',
              hiddenForDesignatedBodyCode: null,
              hiddenBy: null,
              reason: null,
              hiddenDateTime: null,
              hiddenUntilDate: null,
            },
          ],
        },
      },
    });
  });

  test('existsInGmc defaults to whether a designated body is present, and can be given', () => {
    const gmc = (extra: Record<string, unknown>) =>
      parseDoctorLine(line({ ...minimal, gmc: { lastUpdated: '2026-06-30T02:00:00Z', ...extra } }));
    expect(gmc({ designatedBody: null })).toMatchObject({
      ok: true,
      value: { gmc: { existsInGmc: false } },
    });
    expect(gmc({ designatedBody: '' })).toMatchObject({
      ok: true,
      value: { gmc: { existsInGmc: false } },
    });
    expect(gmc({ designatedBody: null, existsInGmc: true })).toMatchObject({
      ok: true,
      value: { gmc: { existsInGmc: true } },
    });
  });

  test.each([
    ['{"gmcReferenceNumber": ', /^invalid JSON: /],
    ['[1, 2]', /^expected a JSON object \(one doctor per line\)$/],
    ['null', /^expected a JSON object/],
    [line({}), /^gmcReferenceNumber: is required$/],
    [line({ gmcReferenceNumber: 7000001 }), /^gmcReferenceNumber: .*expected string/],
    [
      line({ gmcReferenceNumber: 'N/A' }),
      /^gmcReferenceNumber: "N\/A" is not a valid GMC number \(placeholder\)$/,
    ],
    [line({ gmcReferenceNumber: 'unknown' }), /not a valid GMC number \(placeholder\)/],
    [
      line({ gmcReferenceNumber: '7000001\u00a0' }),
      /not a valid GMC number \(non-breaking space\)/,
    ],
    [line({ gmcReferenceNumber: '' }), /not a valid GMC number \(missing\)/],
    [line({ ...minimal, gmcNumber: '1' }), /^Unrecognized key: "gmcNumber"$/],
    [
      withTis({ programmeMemberships: [{ uuid: 'a', startDate: '2026-02-30' }] }),
      /^tis\.programmeMemberships\[0\]\.startDate: "2026-02-30" is not a real calendar date \(YYYY-MM-DD\)$/,
    ],
    [
      withTis({ programmeMemberships: [{ uuid: 'a', endDate: '2027-02-29' }] }),
      /endDate: "2027-02-29" is not a real calendar date/,
    ],
    [
      withTis({ programmeMemberships: [{ uuid: 'a', endDate: '01/07/2026' }] }),
      /endDate: "01\/07\/2026" is not a real calendar date/,
    ],
    [
      withTis({ programmeMemberships: [{ uuid: 'a', startdate: '2026-01-01' }] }),
      /^tis\.programmeMemberships\[0\]: Unrecognized key: "startdate"$/,
    ],
    [
      withTis({ programmeMemberships: [{ uuid: 'a', type: 'visitor' }] }),
      /^tis\.programmeMemberships\[0\]\.type: .*"VISITOR"/,
    ],
    [
      withTis({ programmeMemberships: [{ uuid: 'a' }, { uuid: 'a' }] }),
      /^tis\.programmeMemberships\[1\]\.uuid: duplicate programme membership uuid "a"$/,
    ],
    [withTis({ programmeMemberships: [{ uuid: '' }] }), /uuid: must not be empty/],
    [
      withTis({
        programmeMemberships: [
          { uuid: 'a', curriculumMemberships: [{ curriculumEndDate: '2026-13-01' }] },
        ],
      }),
      /^tis\.programmeMemberships\[0\]\.curriculumMemberships\[0\]\.curriculumEndDate: /,
    ],
    [
      withTis({ placements: [{ gradeId: 279, dateFrom: '2026-04-31' }] }),
      /^tis\.placements\[0\]\.dateFrom: /,
    ],
    [line({ ...minimal, tis: {} }), /^tis\.personId: is required$/],
    [line({ ...minimal, gmc: { designatedBody: null } }), /^gmc\.lastUpdated: is required$/],
    [
      line({ ...minimal, gmc: { lastUpdated: '2026-06-30' } }),
      /^gmc\.lastUpdated: "2026-06-30" is not an ISO-8601 instant/,
    ],
    [
      line({ ...minimal, gmc: { lastUpdated: '2026-06-30T02:00:00Z', underNotice: 'Yes' } }),
      /^gmc\.underNotice: /,
    ],
    [
      line({ ...minimal, exceptionLog: { timestamp: '2026-02-30T00:00:00Z' } }),
      /^exceptionLog\.timestamp: .*not an ISO-8601 instant/,
    ],
    [
      line({ ...minimal, revalidation: { recommendations: [{ id: 'r', outcome: 'APPROVED' }] } }),
      /^revalidation\.recommendations\[0\]\.outcome: .*"Approved"/,
    ],
    [
      line({
        ...minimal,
        revalidation: { connectionLogs: [{ id: 'c', requestTime: '2026-06-30' }] },
      }),
      /^revalidation\.connectionLogs\[0\]\.requestTime: .*not an ISO-8601 instant/,
    ],
  ])('%s is refused: %s', (text, reason) => {
    const parsed = parseDoctorLine(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(reason);
  });

  test('every problem of a line is reported, separated by semicolons', () => {
    const parsed = parseDoctorLine(line({ gmcReferenceNumber: 'n/a', tis: { personId: 'x' } }));
    expect(parsed).toEqual({
      ok: false,
      error: expect.stringMatching(/^gmcReferenceNumber: .*; tis\.personId: /),
    });
  });
});
