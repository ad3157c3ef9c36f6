// Golden tests of the fields the old services' readers need (docs/rules.md §4.9): given these
// Debezium MongoDB events of the revalidation collections, expect these connection records.
// The events are the bytes the connector writes (JSON), decoded by the real edge, and run
// through the real topology on the in-memory test driver.
import { DebeziumEvents, type MongoCollection, type Op } from '../../test/support/debezium';
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
): Promise<Change[]> {
  const messages = await events.mongoDocument(collection, op, document);
  return messages.map((message) => {
    const change = normaliseEnvelope(
      collection,
      message.key && JSON.parse(message.key.toString()),
      message.value && JSON.parse(message.value.toString()),
    );
    if ('error' in change) throw new Error(change.error);
    return change;
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

describe("the revalidation services' records in the connection record", () => {
  let feed: (changes: (Change | GmcChange)[]) => GoldenRecord[];
  beforeEach(() => {
    feed = connectionsDriver({ now: '2026-11-25T10:00:00Z' }).feed;
  });
  const one = (records: GoldenRecord[]) => {
    expect(records).toHaveLength(1);
    return records[0].value;
  };

  it('doctorsForDB gives tisStatus (its doctorStatus) and lastUpdatedDate (as a London date)', async () => {
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
