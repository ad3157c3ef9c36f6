import { GmcClient } from './client';
import { isoDateFromGmc, MalformedResponseError, readDoctorsForDbResult } from './parse';
import { cannedServer, capturingLogger, envelope, type CannedServer } from './test-support';

const NS = 'https://webcache.gmc-uk.org/GMCWebServices/';

function result(inner: string): string {
  return envelope(
    `<GetDoctorsForDBResponse xmlns="${NS}"><GetDoctorsForDBResult>${inner}</GetDoctorsForDBResult></GetDoctorsForDBResponse>`,
  );
}

describe('readDoctorsForDbResult', () => {
  it('converts dd/MM/yyyy dates and UnderNotice words, and maps empty values to null', () => {
    const answer = readDoctorsForDbResult({
      GetDoctorsForDBResult: {
        Doctors: {
          GetDoctorsForDBResponse_Doctor: [
            {
              GMCReferenceNumber: ' 1234567 ',
              SubmissionDate: '29/02/2024',
              DateAdded: '01/12/2019',
              UnderNotice: 'On Hold',
              DoctorFirstName: '',
            },
            { GMCReferenceNumber: '7654321', UnderNotice: 'yes' },
            { GMCReferenceNumber: '1111111', UnderNotice: 'No' },
          ],
        },
        ReturnCode: '0',
        GMCRequestID: '55',
      },
    });
    expect(answer.returnCode).toBe('0');
    expect(answer.gmcRequestId).toBe('55');
    expect(answer.doctors).toEqual([
      {
        gmcReferenceNumber: '1234567',
        doctorFirstName: null,
        doctorLastName: null,
        submissionDate: '2024-02-29',
        dateAdded: '2019-12-01',
        underNotice: 'ON_HOLD',
        doctorStatus: null,
        breach: null,
        investigation: null,
        preliminaryInvestigation: null,
        sanction: null,
      },
      expect.objectContaining({ gmcReferenceNumber: '7654321', underNotice: 'YES' }),
      expect.objectContaining({ gmcReferenceNumber: '1111111', underNotice: 'NO' }),
    ]);
    expect(answer.warnings).toEqual([]);
  });

  it('keeps a doctor whose date or UnderNotice is invalid, with null and a warning', () => {
    const answer = readDoctorsForDbResult({
      GetDoctorsForDBResult: {
        Doctors: {
          GetDoctorsForDBResponse_Doctor: {
            GMCReferenceNumber: '1234567',
            SubmissionDate: '31/02/2024',
            DateAdded: '2019-12-01',
            UnderNotice: 'Maybe',
          },
        },
        ReturnCode: '0',
      },
    });
    expect(answer.doctors).toHaveLength(1);
    expect(answer.doctors[0]).toMatchObject({
      submissionDate: null,
      dateAdded: null,
      underNotice: null,
    });
    expect(answer.warnings).toEqual([
      'doctor 1234567: SubmissionDate "31/02/2024" is not a valid dd/MM/yyyy date; kept as null',
      'doctor 1234567: DateAdded "2019-12-01" is not a valid dd/MM/yyyy date; kept as null',
      'doctor 1234567: UnderNotice "Maybe" is not Yes, No or On Hold; kept as null',
    ]);
  });

  it('skips a doctor without a GMC number and keeps one entry per number', () => {
    const answer = readDoctorsForDbResult({
      GetDoctorsForDBResult: {
        Doctors: {
          GetDoctorsForDBResponse_Doctor: [
            { DoctorFirstName: 'Nobody' },
            { GMCReferenceNumber: '1', DoctorLastName: 'Old' },
            { GMCReferenceNumber: '1', DoctorLastName: 'New' },
            null,
          ],
        },
        ReturnCode: '0',
      },
    });
    expect(answer.doctors).toEqual([
      expect.objectContaining({ gmcReferenceNumber: '1', doctorLastName: 'New' }),
    ]);
    expect(answer.warnings).toEqual([
      'a doctor without GMCReferenceNumber was skipped',
      'doctor 1 is listed twice; the last entry is kept',
    ]);
  });

  it.each([
    ['no result', {}],
    ['no ReturnCode', { GetDoctorsForDBResult: { Doctors: null } }],
    ['a Doctors text node', { GetDoctorsForDBResult: { Doctors: 'junk', ReturnCode: '0' } }],
  ])('rejects an answer with %s', (_name, output) => {
    expect(() => readDoctorsForDbResult(output)).toThrow(MalformedResponseError);
  });

  it.each([
    ['01/01/2024', '2024-01-01'],
    ['31/12/1999', '1999-12-31'],
    [null, null],
    ['1/1/2024', undefined],
    ['29/02/2023', undefined],
    ['2024-01-01', undefined],
    ['01/13/2024', undefined],
    ['29/02/2024', '2024-02-29'],
    ['29/02/2000', '2000-02-29'],
    ['29/02/1900', undefined],
    ['31/04/2024', undefined],
    ['00/01/2024', undefined],
    ['01/00/2024', undefined],
  ])('isoDateFromGmc(%p) = %p', (input, expected) => {
    expect(isoDateFromGmc(input)).toBe(expected);
  });
});

describe('what an ASP.NET service really sends, through the client', () => {
  let server: CannedServer;
  let body = '';
  let status = 200;
  let client: GmcClient;

  beforeAll(async () => {
    server = await cannedServer(() => ({ status, body }));
    client = new GmcClient({
      url: server.url,
      username: 'user',
      password: 'password',
      timeoutMs: 2_000,
      retries: 0,
      logger: capturingLogger().logger,
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    status = 200;
  });

  const fetch = () => client.fetchDoctorsForDesignatedBody('1-1RSG4X0');

  it('reads a default namespace, a single doctor, entities and non-ASCII names', async () => {
    body = result(
      `<Doctors><GetDoctorsForDBResponse_Doctor><GMCReferenceNumber>7000001</GMCReferenceNumber>` +
        `<DoctorFirstName>Zo&#235; &amp; Si&#xE2;n</DoctorFirstName><DoctorLastName>O&apos;Brien &lt;Ødegaard&gt;</DoctorLastName>` +
        `<SubmissionDate>05/06/2026</SubmissionDate><UnderNotice>On Hold</UnderNotice></GetDoctorsForDBResponse_Doctor></Doctors>` +
        `<ClientRequestID>x</ClientRequestID><GMCRequestID>1</GMCRequestID><ReturnCode>0</ReturnCode>`,
    );
    const fetched = await fetch();
    expect(fetched.status).toBe('OK');
    expect(fetched.doctors).toEqual([
      expect.objectContaining({
        gmcReferenceNumber: '7000001',
        doctorFirstName: 'Zoë & Siân',
        doctorLastName: "O'Brien <Ødegaard>",
        submissionDate: '2026-06-05',
        underNotice: 'ON_HOLD',
        dateAdded: null,
        sanction: null,
      }),
    ]);
  });

  it('reads prefixed elements under a differently prefixed envelope', async () => {
    body = envelope(
      `<g:GetDoctorsForDBResponse xmlns:g="${NS}"><g:GetDoctorsForDBResult><g:Doctors>` +
        `<g:GetDoctorsForDBResponse_Doctor><g:GMCReferenceNumber>1</g:GMCReferenceNumber></g:GetDoctorsForDBResponse_Doctor>` +
        `<g:GetDoctorsForDBResponse_Doctor><g:GMCReferenceNumber>2</g:GMCReferenceNumber></g:GetDoctorsForDBResponse_Doctor>` +
        `<g:GetDoctorsForDBResponse_Doctor xsi:nil="true"/>` +
        `</g:Doctors><g:ReturnCode>0</g:ReturnCode></g:GetDoctorsForDBResult></g:GetDoctorsForDBResponse>`,
      's',
    );
    const fetched = await fetch();
    expect(fetched.status).toBe('OK');
    expect(fetched.doctors.map((d) => d.gmcReferenceNumber)).toEqual(['1', '2']);
  });

  it.each([
    ['an empty Doctors element', '<Doctors /><ReturnCode>0</ReturnCode>'],
    ['no Doctors element', '<ReturnCode>0</ReturnCode>'],
  ])('reads %s as an empty list', async (_name, inner) => {
    body = result(inner);
    expect(await fetch()).toMatchObject({ status: 'OK', doctors: [] });
  });

  it('reports the GMC meaning of a failure code, with no Doctors element', async () => {
    body = result('<ClientRequestID>x</ClientRequestID><ReturnCode>81</ReturnCode>');
    const fetched = await fetch();
    expect(fetched).toMatchObject({ status: 'FAILED', returnCode: '81' });
    expect(fetched.error).toBe('GMC return code 81: no access to this designated body');
  });

  it.each([
    [
      'a truncated answer',
      () =>
        result('<Doctors><GetDoctorsForDBResponse_Doctor><GMCReferenceNumber>1</GMC').slice(0, 300),
    ],
    [
      'mismatched tags',
      () => result('<Doctors><GetDoctorsForDBResponse_Doctor></Doctors><ReturnCode>0</ReturnCode>'),
    ],
    ['an HTML page', () => '<html><body>Service Unavailable</body></html>'],
    ['plain text', () => 'Internal Server Error'],
    ['an empty body', () => ''],
    ['an answer without a result', () => envelope(`<GetDoctorsForDBResponse xmlns="${NS}"/>`)],
    ['an answer without a return code', () => result('<Doctors/>')],
  ])('fails the body, never crashing, on %s', async (_name, makeBody) => {
    body = makeBody();
    const fetched = await fetch();
    expect(fetched).toMatchObject({ status: 'FAILED', doctors: [] });
    expect(fetched.error).toMatch(/^malformed answer/);
  });
});
