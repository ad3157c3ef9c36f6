// doctors-sync against the real MongoDB-wire server (FerretDB here) and real Kafka: guarded
// upserts that never go back in time, fields GMC does not own kept, replays idempotent,
// bad records dead-lettered.
import type { Collection } from 'mongodb';
import { applyGmcStates } from '../../processors/doctors-sync/apply';
import { mongoConfig } from '../../processors/platform/config';
import { connectMongo } from '../../processors/platform/mongodb';
import type { DoctorsForDbDocument } from '../../processors/doctors-sync/doctors-for-db-document';
import { startFromEnv as startDoctorsSync } from '../../processors/doctors-sync/runtime';
import type { GmcDoctorState } from '../../processors/gmc-fetch/gmc-doctors';
import { metrics } from '../../processors/platform/metrics';
import { describeWithServices } from '../harness/endpoints';
import { gmcWorld, waitFor, type GmcWorld } from './gmc-harness';

const A = '1-1RSG4X0';
const B = '1-1RUZV1D';
const T1 = new Date('2026-11-20T02:00:00Z');
const T2 = new Date('2026-11-21T02:00:00Z');

function state(
  gmcReferenceNumber: string,
  requestTime: Date,
  changes: Partial<GmcDoctorState> = {},
): GmcDoctorState {
  return {
    gmcReferenceNumber,
    doctorFirstName: 'Siân',
    doctorLastName: "O'Brien",
    submissionDate: '2027-03-01',
    dateAdded: '2020-01-31',
    underNotice: 'NO',
    doctorStatus: 'Under Review',
    breach: null,
    investigation: null,
    preliminaryInvestigation: null,
    sanction: 'No',
    designatedBody: A,
    existsInGmc: true,
    requestTime,
    runId: 'run',
    ...changes,
  };
}

describeWithServices('doctorsForDB guarded upserts on the MongoDB-wire server', () => {
  let world: GmcWorld;
  let collection: Collection<DoctorsForDbDocument>;

  beforeAll(async () => {
    world = await gmcWorld({ designatedBodies: [A, B], doctorsPerBody: 5 });
    collection = await world.doctorsForDb();
  });
  afterAll(() => world.close());
  beforeEach(() => collection.deleteMany({}));

  it('creates a new doctor NOT_STARTED, with GMC fields, dates and existsInGmc', async () => {
    expect(await applyGmcStates(collection, [state('1', T1)])).toEqual({ applied: 1, stale: 0 });
    expect(await collection.findOne({ _id: '1' })).toMatchObject({
      _id: '1',
      gmcReferenceNumber: '1',
      doctorFirstName: 'Siân',
      doctorLastName: "O'Brien",
      submissionDate: new Date('2027-03-01T00:00:00Z'),
      dateAdded: new Date('2020-01-31T00:00:00Z'),
      underNotice: 'NO',
      sanction: 'No',
      designatedBodyCode: A,
      existsInGmc: true,
      gmcLastUpdatedDateTime: T1,
      lastUpdatedDate: new Date('2026-11-20T00:00:00Z'),
      doctorStatus: 'NOT_STARTED',
    });
  });

  it('never goes back in time, and keeps admin and doctorStatus', async () => {
    await applyGmcStates(collection, [state('1', T1)]);
    await collection.updateOne(
      { _id: '1' },
      { $set: { admin: 'admin@nhs.net', doctorStatus: 'UNDER_REVIEW' } },
    );
    expect(
      await applyGmcStates(collection, [
        state('1', T2, { designatedBody: null, existsInGmc: false }),
      ]),
    ).toEqual({
      applied: 1,
      stale: 0,
    });
    // An older state (a late or replayed record), and the same state again, are stale.
    expect(
      await applyGmcStates(collection, [state('1', T1, { designatedBody: B }), state('1', T2)]),
    ).toEqual({
      applied: 0,
      stale: 2,
    });
    expect(await collection.findOne({ _id: '1' })).toMatchObject({
      designatedBodyCode: null,
      existsInGmc: false,
      gmcLastUpdatedDateTime: T2,
      admin: 'admin@nhs.net',
      doctorStatus: 'UNDER_REVIEW',
    });
  });

  it('updates a document another service wrote without gmcLastUpdatedDateTime', async () => {
    await collection.insertOne({
      _id: '2',
      admin: 'a@b',
      doctorStatus: 'SUBMITTED',
    } as unknown as DoctorsForDbDocument);
    expect(await applyGmcStates(collection, [state('2', T1)])).toEqual({ applied: 1, stale: 0 });
    expect(await collection.findOne({ _id: '2' })).toMatchObject({
      designatedBodyCode: A,
      admin: 'a@b',
      doctorStatus: 'SUBMITTED',
    });
  });

  it('applies the fresh states of a batch when another writer got in first (E11000 is stale)', async () => {
    await applyGmcStates(collection, [state('3', T2)]);
    // Hide the documents from the pre-check, as if they were written after it: the bulk
    // write then meets the guard, and FerretDB stops it at the first duplicate key.
    const racing = new Proxy(collection, {
      get: (target, property, receiver) =>
        property === 'find'
          ? () => (async function* () {})()
          : Reflect.get(target, property, receiver),
    });
    const result = await applyGmcStates(racing, [
      state('3', T1, { designatedBody: B }),
      state('4', T1),
      state('5', T1),
    ]);
    expect(result).toEqual({ applied: 2, stale: 1 });
    expect(await collection.findOne({ _id: '3' })).toMatchObject({
      designatedBodyCode: A,
      gmcLastUpdatedDateTime: T2,
    });
    expect(await collection.countDocuments({ _id: { $in: ['4', '5'] } })).toBe(2);
  });
});

describeWithServices('reval run doctors-sync', () => {
  let world: GmcWorld;
  afterEach(() => world.close());

  /** The offsets a consumer has caught up to once it processed every data record. */
  async function caughtUp(groupId: string): Promise<boolean> {
    const last = new Map<number, bigint>();
    for (const p of await world.published()) {
      const next = BigInt(p.offset) + 1n;
      if (next > (last.get(p.partition) ?? 0n)) last.set(p.partition, next);
    }
    const committed = await world.kafka.groupOffsets(groupId, [world.topics.gmcDoctors]);
    return [...last].every(
      ([partition, offset]) =>
        BigInt(committed.get(`${world.topics.gmcDoctors}:${partition}`) ?? '-1') >= offset,
    );
  }

  async function snapshot(collection: Collection<DoctorsForDbDocument>) {
    return collection.find({}).sort({ _id: 1 }).toArray();
  }

  it('replays gmc.doctors twice into MongoDB with the same documents', async () => {
    world = await gmcWorld({ designatedBodies: [A, B], doctorsPerBody: 100, seed: 5 });
    await world.sync();
    const [gone] = world.fake.lists.list(B);
    world.fake.lists.disconnect(gone.GMCReferenceNumber);
    world.fake.lists.move(world.fake.lists.list(A)[0].GMCReferenceNumber, B);
    await world.sync();
    const collection = await world.doctorsForDb();

    const first = await startDoctorsSync({ env: world.env, groupId: `it-${world.id}-g1` });
    try {
      await waitFor('the first replay', () => caughtUp(`it-${world.id}-g1`));
    } finally {
      await first.stop();
    }
    const once = await snapshot(collection);
    expect(once).toHaveLength(200);
    expect(once.find((d) => d._id === gone.GMCReferenceNumber)).toMatchObject({
      existsInGmc: false,
      designatedBodyCode: null,
    });

    const second = await startDoctorsSync({ env: world.env, groupId: `it-${world.id}-g2` });
    try {
      await waitFor('the second replay', () => caughtUp(`it-${world.id}-g2`));
    } finally {
      await second.stop();
    }
    expect(await snapshot(collection)).toEqual(once);

    // And into an empty database: the same documents again.
    const elsewhere = { ...world.env, MONGODB_DATABASE: `${world.env.MONGODB_DATABASE}_replay` };
    const third = await startDoctorsSync({ env: elsewhere, groupId: `it-${world.id}-g3` });
    const other = await connectMongo(mongoConfig(elsewhere));
    try {
      await waitFor('the replay into an empty database', () => caughtUp(`it-${world.id}-g3`));
      expect(await snapshot(other.db.collection<DoctorsForDbDocument>('doctorsForDB'))).toEqual(
        once,
      );
    } finally {
      await third.stop();
      await other.db.dropDatabase();
      await other.close();
    }
  });

  it('a caught-up consumer of the transactional gmc.doctors reads lag 0 and commits to the end', async () => {
    world = await gmcWorld({ designatedBodies: [A, B], doctorsPerBody: 20, seed: 9 });
    await world.sync();
    world.fake.lists.move(world.fake.lists.list(A)[0].GMCReferenceNumber, B);
    await world.sync();
    const groupId = `it-${world.id}-lag`;
    const ends = await world.kafka.endOffsets(world.topics.gmcDoctors);
    // Each run's commit marker takes an offset after its records: the end is past the last one.
    const lastRecord = new Map<number, bigint>();
    for (const p of await world.published()) {
      const offset = BigInt(p.offset);
      if (offset > (lastRecord.get(p.partition) ?? -1n)) lastRecord.set(p.partition, offset);
    }
    for (const [partition, last] of lastRecord) {
      expect(BigInt(ends.get(partition)?.high ?? '0')).toBeGreaterThan(last + 1n);
    }
    const lagOf = async () => {
      const gauge = await metrics.consumerLag.get();
      return gauge.values
        .filter(
          (v) =>
            v.labels.processor === 'doctors-sync' && v.labels.topic === world.topics.gmcDoctors,
        )
        .map((v) => [Number(v.labels.partition), v.value] as const);
    };
    const sync = await startDoctorsSync({ env: world.env, groupId });
    try {
      await waitFor('every partition with records at lag 0', async () => {
        const lags = new Map(await lagOf());
        return [...lastRecord.keys()].every((partition) => lags.get(partition) === 0);
      });
      await waitFor('the committed positions at the end of each partition', async () => {
        const committed = await world.kafka.groupOffsets(groupId, [world.topics.gmcDoctors]);
        return [...lastRecord.keys()].every(
          (partition) =>
            committed.get(`${world.topics.gmcDoctors}:${partition}`) === ends.get(partition)?.high,
        );
      });
    } finally {
      await sync.stop();
    }
  });

  it('sends an undecodable record to the dead-letter topic and carries on', async () => {
    world = await gmcWorld({ designatedBodies: [A], doctorsPerBody: 3 });
    await world.kafka.ensureTopics([{ topic: world.topics.gmcDoctors, compacted: true }]);
    const producer = await world.kafka.createProducer();
    await producer.send(world.topics.gmcDoctors, [
      { key: '9000001', value: Buffer.from('not avro at all') },
      { key: '9000002', value: await world.codecs.encode('gmcDoctor', state('9000002', T1)) },
    ]);
    await producer.disconnect();
    const running = await startDoctorsSync({ env: world.env, groupId: `it-${world.id}-dlq` });
    const collection = await world.doctorsForDb();
    try {
      await waitFor(
        'the good record',
        async () => (await collection.countDocuments({ _id: '9000002' })) === 1,
      );
      const letters: unknown[] = [];
      await waitFor('the dead letter', async () => {
        letters.length = 0;
        await world.kafka.readToEnd([world.topics.dlq], async (records) => {
          for (const r of records) letters.push(await world.codecs.decode(r.value!));
        });
        return letters.length === 1;
      });
      expect(letters[0]).toMatchObject({
        sourceTopic: world.topics.gmcDoctors,
        processor: 'doctors-sync',
        reason: 'gmc.doctors value is not registry-framed Avro',
        value: Buffer.from('not avro at all'),
      });
      expect(await collection.countDocuments({ _id: '9000001' })).toBe(0);
    } finally {
      await running.stop();
    }

    // A replay from the start (a new group, as after lost offsets or a rebuild) meets the
    // poison record again: it is already dead-lettered for that reason, so not again.
    const replay = await startDoctorsSync({ env: world.env, groupId: `it-${world.id}-dlq2` });
    try {
      await waitFor('the replay to pass the poison record', async () => {
        const committed = await world.kafka.groupOffsets(`it-${world.id}-dlq2`, [
          world.topics.gmcDoctors,
        ]);
        return [...committed.values()].some((offset) => BigInt(offset) >= 2n);
      });
      const letters: unknown[] = [];
      await world.kafka.readToEnd([world.topics.dlq], (records) => void letters.push(...records));
      expect(letters).toHaveLength(1);
    } finally {
      await replay.stop();
    }
  });
});
