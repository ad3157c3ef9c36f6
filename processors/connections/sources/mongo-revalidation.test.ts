// Golden tests: Debezium MongoDB events of the connection service's connectionLogs and
// hiddenDiscrepancy and the recommendation service's recommendation in, changes out. The
// documents are shaped as those services' Spring Data entities store them (at
// tis-revalidation-connection 5e37423 and tis-revalidation-recommendation 6dc4e9e): `_id` a
// UUID string or an ObjectId, LocalDateTime and LocalDate as BSON dates, enums by name, and
// Spring's `_class`.
import { ObjectId } from 'bson';
import {
  DebeziumEvents,
  type Format,
  type MongoCollection,
  type MongoUpdate,
  type Op,
} from '../../../dev/debezium';
import type { Change, ConnectionLogRow, HiddenDiscrepancyRow, RecommendationRow } from './changes';
import { normaliseEnvelope } from './normalise';
import { ok } from '../../platform/result';
import { gmc } from '../../rules/test-builders';
import { changeOf, refusalOf } from './test-lens';

const events = new DebeziumEvents({ clock: () => new Date('2026-11-25T09:30:00Z') });
const FORMATS: Format[] = ['json', 'json-schemaless'];

/** ConnectionService.changeDoctorConnection: a request from the screens, with GMC's answer. */
const connectionRequest = {
  _id: '0d6c5f8e-3a51-4c1e-9f0b-6f1d2a7c9b11',
  gmcId: '1234567',
  newDesignatedBodyCode: '1-1RSG4X0',
  previousDesignatedBodyCode: null,
  updatedBy: 'reval.admin@hee.nhs.uk',
  requestTime: new Date('2026-11-24T10:15:00.123Z'),
  gmcClientId: 'GMC-REQ-1',
  reason: '1',
  requestType: 'ADD',
  responseCode: '0',
  _class: 'uk.nhs.hee.tis.revalidation.connection.entity.ConnectionRequestLog',
};

const connectionRow: ConnectionLogRow = {
  id: '0d6c5f8e-3a51-4c1e-9f0b-6f1d2a7c9b11',
  gmcId: gmc('1234567'),
  updatedBy: 'reval.admin@hee.nhs.uk',
  requestTime: new Date('2026-11-24T10:15:00.123Z'),
  responseCode: '0',
};

/** HideDiscrepancyMapper.toEntity: Mongo gives the ObjectId. */
const hidden = {
  _id: new ObjectId('6560f1c0b84f7a4f3e9d550c'),
  gmcId: '1234567',
  currentDesignatedBodyCode: '1-1RSG4X0',
  programmeOwnerDesignatedBodyCode: '1-1RUZV1D',
  hiddenForDesignatedBodyCode: '1-1RSG4X0',
  hiddenBy: 'reval.admin@hee.nhs.uk',
  reason: 'Moving to Kent, Surrey and Sussex',
  hiddenDateTime: new Date('2026-11-20T09:00:00Z'),
  // A LocalDate saved from a JVM in London: midnight GMT.
  hiddenUntilDate: new Date('2027-02-28T00:00:00Z'),
  _class: 'uk.nhs.hee.tis.revalidation.connection.entity.HiddenDiscrepancy',
};

const hiddenRow: HiddenDiscrepancyRow = {
  id: '6560f1c0b84f7a4f3e9d550c',
  gmcId: gmc('1234567'),
  hiddenForDesignatedBodyCode: '1-1RSG4X0',
  hiddenBy: 'reval.admin@hee.nhs.uk',
  reason: 'Moving to Kent, Surrey and Sussex',
  hiddenDateTime: new Date('2026-11-20T09:00:00Z'),
  hiddenUntilDate: '2027-02-28',
};

/** RecommendationServiceImpl.submitRecommendation: outcome UNDER_REVIEW once submitted. */
const recommendation = {
  _id: new ObjectId('6561a2b3c4d5e6f708192a3b'),
  gmcNumber: '1234567',
  outcome: 'UNDER_REVIEW',
  recommendationType: 'REVALIDATE',
  recommendationStatus: 'SUBMITTED_TO_GMC',
  // LocalDates saved from a JVM in London summer time: 23:00 UTC the day before.
  gmcSubmissionDate: new Date('2027-03-30T23:00:00Z'),
  actualSubmissionDate: new Date('2026-08-31T23:00:00Z'),
  gmcRevalidationId: '1234',
  comments: ['Ready'],
  admin: 'reval.admin@hee.nhs.uk',
  _class: 'uk.nhs.hee.tis.revalidation.entity.Recommendation',
};

const recommendationRow: RecommendationRow = {
  id: '6561a2b3c4d5e6f708192a3b',
  gmcNumber: gmc('1234567'),
  outcome: 'Under Review',
  actualSubmissionDate: '2026-09-01',
  gmcSubmissionDate: '2027-03-31',
};

async function results(
  source: MongoCollection,
  op: Op,
  document: Record<string, unknown>,
  format: Format = 'json',
  update?: MongoUpdate,
) {
  const messages = await events.mongoDocument(source, op, document, format, update);
  return messages.map((m) =>
    normaliseEnvelope(
      source,
      m.key && JSON.parse(m.key.toString()),
      m.value && JSON.parse(m.value.toString()),
    ),
  );
}

/** The changes the events become (a refusal fails the test). */
async function normalise(...args: Parameters<typeof results>): Promise<Change[]> {
  return (await results(...args)).map(changeOf);
}

/** The refusals the events become (a change fails the test). */
async function refusals(...args: Parameters<typeof results>) {
  return (await results(...args)).map(refusalOf);
}

describe.each(FORMATS)('the revalidation collections as %s', (format) => {
  test('a connection log entry becomes an upsert keyed by its own id', async () => {
    expect(await normalise('connectionLogs', 'c', connectionRequest, format)).toEqual([
      { source: 'connectionLogs', key: connectionRow.id, op: 'upsert', row: connectionRow },
    ]);
  });

  test('a change GMC made: no return code, updatedBy "Updated by GMC"', async () => {
    const byGmc = {
      _id: new ObjectId('6561a2b3c4d5e6f708192a40'),
      gmcId: '1234567',
      newDesignatedBodyCode: '1-1RSG4X0',
      updatedBy: 'Updated by GMC',
      requestTime: new Date('2026-11-25T02:00:00Z'),
      _class: 'uk.nhs.hee.tis.revalidation.connection.entity.ConnectionLog',
    };
    expect(await normalise('connectionLogs', 'r', byGmc, format)).toEqual([
      {
        source: 'connectionLogs',
        key: '6561a2b3c4d5e6f708192a40',
        op: 'upsert',
        row: {
          id: '6561a2b3c4d5e6f708192a40',
          gmcId: '1234567',
          updatedBy: 'Updated by GMC',
          requestTime: new Date('2026-11-25T02:00:00Z'),
          responseCode: null,
        },
      },
    ]);
  });

  test('a hidden discrepancy: ObjectId key in hex, hiddenUntilDate as a London date', async () => {
    expect(await normalise('hiddenDiscrepancy', 'c', hidden, format)).toEqual([
      { source: 'hiddenDiscrepancy', key: hiddenRow.id, op: 'upsert', row: hiddenRow },
    ]);
  });

  test('a recommendation: the outcome enum name becomes its label', async () => {
    expect(await normalise('recommendation', 'c', recommendation, format)).toEqual([
      { source: 'recommendation', key: recommendationRow.id, op: 'upsert', row: recommendationRow },
    ]);
    const approved = { ...recommendation, outcome: 'APPROVED' };
    const [update] = await normalise('recommendation', 'u', approved, format);
    expect(update).toMatchObject({ op: 'upsert', row: { outcome: 'Approved' } });
    const draft = { ...recommendation, outcome: null, actualSubmissionDate: null };
    const [created] = await normalise('recommendation', 'c', draft, format);
    expect(created).toMatchObject({ row: { outcome: null, actualSubmissionDate: null } });
  });

  test('a delete and its tombstone are deletes', async () => {
    for (const [source, document, key] of [
      ['connectionLogs', connectionRequest, connectionRow.id],
      ['hiddenDiscrepancy', hidden, hiddenRow.id],
      ['recommendation', recommendation, recommendationRow.id],
    ] as const) {
      expect(await normalise(source, 'd', document, format)).toEqual([
        { source, key, op: 'delete' },
        { source, key, op: 'delete' },
      ]);
    }
  });

  test('an update without the full document is a patch of the fields read', async () => {
    const [change] = await normalise('recommendation', 'u', recommendation, format, {
      fullDocument: false,
      updatedFields: { outcome: 'REJECTED', comments: ['Rejected by GMC'] },
    });
    expect(change).toEqual({
      source: 'recommendation',
      key: recommendationRow.id,
      op: 'patch',
      set: { outcome: 'Rejected' },
      unset: [],
    });
  });

  test('the GMC number is trimmed as the identity function gives it', async () => {
    const [change] = await normalise('hiddenDiscrepancy', 'c', { ...hidden, gmcId: ' 1234567\n' });
    expect(change).toMatchObject({ row: { gmcId: '1234567' } });
  });
});

describe('ExtractNewDocumentState (flattened documents)', () => {
  test.each(FORMATS)('the three collections as %s', async (format) => {
    const cases = [
      ['connectionLogs', connectionRequest, connectionRow],
      ['hiddenDiscrepancy', hidden, hiddenRow],
      ['recommendation', recommendation, recommendationRow],
    ] as const;
    for (const [source, document, row] of cases) {
      const record = events.flattened(events.mongoRecord(source, 'c', document));
      const m = await events.encode(record, format);
      expect(
        normaliseEnvelope(
          source,
          m.key && JSON.parse(m.key.toString()),
          m.value && JSON.parse(m.value.toString()),
        ),
      ).toEqual(ok({ source, key: row.id, op: 'upsert', row }));
    }
  });
});

// Each of these goes to the dead-letter topic with the reason shown, and the processor goes on.
describe('a malformed document becomes a reason naming the problem', () => {
  interface Malformed {
    name: string;
    source: MongoCollection;
    document: Record<string, unknown>;
    reason: RegExp;
    /** Set when the reason is the GMC number: counted in reval_invalid_gmc_numbers_total. */
    gmcNumberProblem?: string;
  }

  test.each<Malformed>([
    {
      name: 'a connection log entry for a placeholder GMC number',
      source: 'connectionLogs',
      document: { ...connectionRequest, gmcId: 'N/A' },
      reason: /^invalid GMC number in connectionLogs gmcId \(placeholder\): "N\/A"$/,
      gmcNumberProblem: 'placeholder',
    },
    {
      name: 'a connection log entry without its doctor',
      source: 'connectionLogs',
      document: { ...connectionRequest, gmcId: null },
      reason: /^connectionLogs row: field "gmcId": expected text, got null$/,
    },
    {
      // Not counted as a GMC number problem: the record is refused for more than its number.
      name: 'a connection log entry with a placeholder GMC number and a requestTime that is text',
      source: 'connectionLogs',
      document: { ...connectionRequest, gmcId: 'N/A', requestTime: 'yesterday' },
      reason:
        /^connectionLogs row: field "gmcId": invalid GMC number \(placeholder\): "N\/A"; field "requestTime": expected an instant/,
    },
    {
      name: 'a connection log entry whose requestTime is text',
      source: 'connectionLogs',
      document: { ...connectionRequest, requestTime: 'yesterday' },
      reason: /field "requestTime": expected an instant/,
    },
    {
      name: 'a connection log entry whose responseCode is a number',
      source: 'connectionLogs',
      document: { ...connectionRequest, responseCode: 0 },
      reason: /field "responseCode": expected text/,
    },
    {
      name: 'a hidden discrepancy whose GMC number holds a non-breaking space',
      source: 'hiddenDiscrepancy',
      document: { ...hidden, gmcId: '1234567\u00a0' },
      reason: /^invalid GMC number in hiddenDiscrepancy gmcId \(non-breaking space\)/,
      gmcNumberProblem: 'non-breaking space',
    },
    {
      name: 'a hidden discrepancy whose hiddenUntilDate is no date',
      source: 'hiddenDiscrepancy',
      document: { ...hidden, hiddenUntilDate: 'soon' },
      reason: /field "hiddenUntilDate": not a calendar date/,
    },
    {
      name: 'a recommendation with an empty GMC number',
      source: 'recommendation',
      document: { ...recommendation, gmcNumber: '  ' },
      reason: /^invalid GMC number in recommendation gmcNumber \(missing\)/,
      gmcNumberProblem: 'missing',
    },
    {
      name: 'a recommendation with an outcome GMC never gives',
      source: 'recommendation',
      document: { ...recommendation, outcome: 'MAYBE' },
      reason: /field "outcome": expected one of Approved, Rejected, Under Review, got "MAYBE"/,
    },
  ])('$name', async ({ source, document, reason, gmcNumberProblem }) => {
    const [refusal] = await refusals(source, 'c', document);
    expect(refusal).toEqual(
      gmcNumberProblem === undefined
        ? { reason: expect.stringMatching(reason) }
        : { reason: expect.stringMatching(reason), gmcNumberProblem },
    );
  });

  test('a patch that names an invalid GMC number is refused too', async () => {
    const [refusal] = await refusals('connectionLogs', 'u', connectionRequest, 'json', {
      fullDocument: false,
      updatedFields: { gmcId: 'unknown' },
    });
    expect(refusal).toEqual({
      reason: expect.stringMatching(/connectionLogs gmcId \(placeholder\)/),
      gmcNumberProblem: 'placeholder',
    });
  });
});
