// Golden tests of the fields the old services' readers need (docs/rules.md §4.9): given these
// Debezium MongoDB events of the revalidation collections, expect these connection records.
// The events are the bytes the connector writes (JSON), decoded by the real edge, and run
// through the real topology on the in-memory test driver.
import { ObjectId } from 'bson';
import {
  DebeziumEvents,
  type MongoCollection,
  type MongoUpdate,
  type Op,
} from '../../dev/debezium';
import { normaliseEnvelope, type Change } from './sources';
import type { GmcChange } from './state/gmc-doctor-state';
import { connectionsDriver, type GoldenRecord } from './test-topology';

const GMC = '7000001';
const YORKSHIRE = '1-1RSG4X0';

const events = new DebeziumEvents({ clock: () => new Date('2026-11-25T09:30:00Z') });

/** What the edge makes of one document change (the event, and its tombstone after a delete). */
async function cdc(
  collection: MongoCollection,
  op: Op,
  document: Record<string, unknown>,
  update?: MongoUpdate,
): Promise<Change[]> {
  const messages = await events.mongoDocument(collection, op, document, 'json', update);
  return messages.map((message) => {
    const change = normaliseEnvelope(
      collection,
      message.key && JSON.parse(message.key.toString()),
      message.value && JSON.parse(message.value.toString()),
    );
    if (!change.ok) throw new Error(change.error.reason);
    return change.value;
  });
}

/** The recommendation service's copy of the doctor, as it stores it. */
const doctorsForDB = {
  _id: GMC,
  doctorFirstName: 'Ada',
  doctorLastName: 'Lovelace',
  submissionDate: new Date('2027-03-31T00:00:00Z'),
  underNotice: 'NO',
  doctorStatus: 'NOT_STARTED',
  designatedBodyCode: YORKSHIRE,
  existsInGmc: true,
  gmcLastUpdatedDateTime: new Date('2026-11-25T02:00:00Z'),
  admin: 'reval.admin@nhs.net',
  // A LocalDate saved by Spring Data from a JVM in London summer time: 23:00 UTC the day before.
  lastUpdatedDate: new Date('2026-07-31T23:00:00Z'),
  _class: 'uk.nhs.hee.tis.revalidation.entity.DoctorsForDB',
};

/** A doctor in TIS and GMC, for the records below to attach to. */
const aDoctor = (gmc = GMC): GmcChange => ({
  source: 'gmcDoctors',
  key: gmc,
  op: 'upsert',
  row: {
    gmcReferenceNumber: gmc,
    doctorFirstName: 'Ada',
    doctorLastName: 'Lovelace',
    submissionDate: '2027-03-31',
    underNotice: 'NO',
    designatedBody: YORKSHIRE,
    existsInGmc: true,
    requestTime: new Date('2026-11-25T02:00:00Z'),
  },
});

/** The connection service's connectionLogs, as ConnectionService writes them. */
const connectionLog = (
  id: string,
  fields: { updatedBy: string; requestTime: string; responseCode?: string; gmcId?: string },
) => ({
  _id: id,
  gmcId: fields.gmcId ?? GMC,
  newDesignatedBodyCode: YORKSHIRE,
  previousDesignatedBodyCode: null,
  updatedBy: fields.updatedBy,
  requestTime: new Date(fields.requestTime),
  ...(fields.responseCode === undefined
    ? {}
    : { requestType: 'ADD', reason: '1', responseCode: fields.responseCode }),
  _class: 'uk.nhs.hee.tis.revalidation.connection.entity.ConnectionRequestLog',
});

/** The connection service's hiddenDiscrepancy, one per doctor and designated body. */
const hidden = (id: string, hiddenFor: string) => ({
  _id: new ObjectId(id),
  gmcId: GMC,
  currentDesignatedBodyCode: YORKSHIRE,
  programmeOwnerDesignatedBodyCode: '1-1RUZV1D',
  hiddenForDesignatedBodyCode: hiddenFor,
  hiddenBy: 'reval.admin@nhs.net',
  reason: 'Moving to Kent, Surrey and Sussex',
  hiddenDateTime: new Date('2026-11-20T09:00:00Z'),
  hiddenUntilDate: new Date('2027-02-28T00:00:00Z'),
  _class: 'uk.nhs.hee.tis.revalidation.connection.entity.HiddenDiscrepancy',
});

/** The recommendation service's recommendation; outcome set once submitted to GMC. */
const recommendation = (id: string, outcome: string | null, submitted: string | null) => ({
  _id: new ObjectId(id),
  gmcNumber: GMC,
  outcome,
  recommendationType: 'REVALIDATE',
  recommendationStatus: outcome === null ? 'READY_TO_REVIEW' : 'SUBMITTED_TO_GMC',
  gmcSubmissionDate: new Date('2027-03-31T00:00:00Z'),
  actualSubmissionDate: submitted === null ? null : new Date(submitted),
  admin: 'reval.admin@nhs.net',
  _class: 'uk.nhs.hee.tis.revalidation.entity.Recommendation',
});

const H1 = '6560f1c0b84f7a4f3e9d5501';
const H2 = '6560f1c0b84f7a4f3e9d5502';
const R1 = '6561a2b3c4d5e6f708192a01';
const R2 = '6561a2b3c4d5e6f708192a02';

describe("the revalidation services' records in the connection record", () => {
  let golden: ReturnType<typeof connectionsDriver>;
  let feed: (changes: (Change | GmcChange)[]) => GoldenRecord[];
  beforeEach(() => {
    golden = connectionsDriver({ now: '2026-11-25T10:00:00Z' });
    feed = golden.feed;
  });
  const one = (records: GoldenRecord[]) => {
    expect(records).toHaveLength(1);
    return records[0].value;
  };

  describe('doctorsForDB', () => {
    it('gives tisStatus (its doctorStatus) and lastUpdatedDate (as a London date)', async () => {
      expect(one(feed(await cdc('doctorsForDB', 'c', doctorsForDB)))).toMatchObject({
        gmcReferenceNumber: GMC,
        tisStatus: 'NOT_STARTED',
        lastUpdatedDate: '2026-08-01',
        admin: 'reval.admin@nhs.net',
        gmcStatus: null,
        updatedBy: null,
        lastConnectionDateTime: null,
        hiddenDiscrepancies: [],
      });
    });

    it('a new doctorStatus alone is a change: a new record', async () => {
      feed(await cdc('doctorsForDB', 'c', doctorsForDB));
      const updated = { ...doctorsForDB, doctorStatus: 'SUBMITTED_TO_GMC' };
      expect(one(feed(await cdc('doctorsForDB', 'u', updated)))).toMatchObject({
        tisStatus: 'SUBMITTED_TO_GMC',
      });
    });
  });

  describe('connectionLogs', () => {
    it('a request GMC accepted gives updatedBy and lastConnectionDateTime (UTC)', async () => {
      feed([aDoctor()]);
      const accepted = connectionLog('c1', {
        updatedBy: 'reval.admin@nhs.net',
        requestTime: '2026-11-24T10:15:00Z',
        responseCode: '0',
      });
      expect(one(feed(await cdc('connectionLogs', 'c', accepted)))).toMatchObject({
        updatedBy: 'reval.admin@nhs.net',
        lastConnectionDateTime: '2026-11-24T10:15:00.000Z',
        sources: ['gmc', 'connectionLogs'],
      });
    });

    it('a later request GMC refused changes nothing; a later change GMC made does', async () => {
      feed([aDoctor()]);
      const entry = (id: string, updatedBy: string, requestTime: string, responseCode?: string) =>
        connectionLog(id, { updatedBy, requestTime, responseCode });
      feed(await cdc('connectionLogs', 'c', entry('c1', 'a@nhs.net', '2026-11-24T10:15:00Z', '0')));
      const refused = entry('c2', 'b@nhs.net', '2026-11-24T11:00:00Z', '100');
      expect(feed(await cdc('connectionLogs', 'c', refused))).toEqual([]);
      const byGmc = entry('c3', 'Updated by GMC', '2026-11-25T02:00:00Z');
      expect(one(feed(await cdc('connectionLogs', 'c', byGmc)))).toMatchObject({
        updatedBy: 'Updated by GMC',
        lastConnectionDateTime: '2026-11-25T02:00:00.000Z',
      });
    });

    it('the latest by request time wins, whatever the order of arrival', async () => {
      feed([aDoctor()]);
      const later = connectionLog('c2', {
        updatedBy: 'b@nhs.net',
        requestTime: '2026-11-24T12:00:00Z',
        responseCode: '0',
      });
      const earlier = connectionLog('c1', {
        updatedBy: 'a@nhs.net',
        requestTime: '2026-11-24T09:00:00Z',
        responseCode: '0',
      });
      feed(await cdc('connectionLogs', 'c', later));
      expect(feed(await cdc('connectionLogs', 'c', earlier))).toEqual([]);
    });

    it('on their own, connection log entries make no doctor; they show once the doctor comes', async () => {
      const accepted = connectionLog('c1', {
        updatedBy: 'reval.admin@nhs.net',
        requestTime: '2026-11-24T10:15:00Z',
        responseCode: '0',
      });
      expect(feed(await cdc('connectionLogs', 'c', accepted))).toEqual([]);
      expect(one(feed([aDoctor()]))).toMatchObject({ updatedBy: 'reval.admin@nhs.net' });
    });

    it('an entry whose gmcId is corrected leaves the first doctor for the second', async () => {
      feed([aDoctor(), aDoctor('7000002')]);
      const fields = {
        updatedBy: 'a@nhs.net',
        requestTime: '2026-11-24T10:15:00Z',
        responseCode: '0',
      };
      feed(await cdc('connectionLogs', 'c', connectionLog('c1', fields)));
      const moved = connectionLog('c1', { ...fields, gmcId: '7000002' });
      const records = feed(await cdc('connectionLogs', 'u', moved));
      expect(records.map((r) => [r.key, r.value?.updatedBy])).toEqual([
        [GMC, null],
        ['7000002', 'a@nhs.net'],
      ]);
    });
  });

  describe('hiddenDiscrepancy', () => {
    it('every hidden discrepancy of the doctor, by designated body; a delete shows it again', async () => {
      feed([aDoctor()]);
      feed(await cdc('hiddenDiscrepancy', 'c', hidden(H1, '1-1RUZV1D')));
      const both = one(feed(await cdc('hiddenDiscrepancy', 'c', hidden(H2, YORKSHIRE))));
      expect(both?.hiddenDiscrepancies).toEqual([
        {
          id: H2,
          gmcId: GMC,
          hiddenForDesignatedBodyCode: YORKSHIRE,
          hiddenBy: 'reval.admin@nhs.net',
          reason: 'Moving to Kent, Surrey and Sussex',
          hiddenDateTime: '2026-11-20T09:00:00.000Z',
          hiddenUntilDate: '2027-02-28',
        },
        expect.objectContaining({ id: H1, hiddenForDesignatedBodyCode: '1-1RUZV1D' }),
      ]);
      expect(both?.sources).toEqual(['gmc', 'hiddenDiscrepancy']);
      // The delete event and its tombstone: the second repeats the first and changes nothing.
      const shown = one(feed(await cdc('hiddenDiscrepancy', 'd', hidden(H2, YORKSHIRE))));
      expect(shown?.hiddenDiscrepancies?.map((h) => h.id)).toEqual([H1]);
      const none = one(feed(await cdc('hiddenDiscrepancy', 'd', hidden(H1, '1-1RUZV1D'))));
      expect(none).toMatchObject({ hiddenDiscrepancies: [], sources: ['gmc'] });
    });
  });

  describe('recommendation', () => {
    it('a draft shows nothing; submitted it is Under Review; GMC approves it', async () => {
      feed([aDoctor()]);
      const draft = recommendation(R1, null, null);
      // The record itself does not change: only `sources` would, which is bookkeeping.
      expect(feed(await cdc('recommendation', 'c', draft))).toEqual([]);
      const submitted = recommendation(R1, 'UNDER_REVIEW', '2026-11-24T00:00:00Z');
      expect(one(feed(await cdc('recommendation', 'u', submitted)))).toMatchObject({
        gmcStatus: 'Under Review',
        sources: ['gmc', 'recommendation'],
      });
      const approved = recommendation(R1, 'APPROVED', '2026-11-24T00:00:00Z');
      expect(one(feed(await cdc('recommendation', 'u', approved)))).toMatchObject({
        gmcStatus: 'Approved',
      });
    });

    it('the latest submitted recommendation speaks; deleting it lets the earlier one speak', async () => {
      feed([aDoctor()]);
      feed(
        await cdc('recommendation', 'c', recommendation(R1, 'APPROVED', '2021-06-01T00:00:00Z')),
      );
      const latest = recommendation(R2, 'REJECTED', '2026-11-01T00:00:00Z');
      expect(one(feed(await cdc('recommendation', 'c', latest)))).toMatchObject({
        gmcStatus: 'Rejected',
      });
      expect(one(feed(await cdc('recommendation', 'd', latest)))).toMatchObject({
        gmcStatus: 'Approved',
      });
    });

    it('an update without the full document is merged into the recommendation held', async () => {
      feed([aDoctor()]);
      feed(
        await cdc(
          'recommendation',
          'c',
          recommendation(R1, 'UNDER_REVIEW', '2026-11-24T00:00:00Z'),
        ),
      );
      const patch = await cdc('recommendation', 'u', recommendation(R1, null, null), {
        fullDocument: false,
        updatedFields: { outcome: 'REJECTED' },
      });
      expect(patch[0]).toMatchObject({ op: 'patch' });
      expect(one(feed(patch))).toMatchObject({ gmcStatus: 'Rejected' });
    });

    it('an update without the full document of one never seen goes to the dead-letter topic', async () => {
      feed([aDoctor()]);
      const patch = await cdc('recommendation', 'u', recommendation(R1, null, null), {
        fullDocument: false,
        updatedFields: { outcome: 'APPROVED' },
      });
      expect(feed(patch)).toEqual([]);
      expect(golden.driver.deadLetters).toEqual([
        {
          topic: 'tis.revalidation.recommendation',
          key: R1,
          reason: `recommendation ${R1}: update without the full document for a document not seen yet`,
        },
      ]);
      // And the processor goes on.
      const submitted = recommendation(R2, 'UNDER_REVIEW', '2026-11-24T00:00:00Z');
      expect(one(feed(await cdc('recommendation', 'c', submitted)))).toMatchObject({
        gmcStatus: 'Under Review',
      });
    });
  });
});
