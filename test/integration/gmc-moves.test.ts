// The old system's concurrency scenario, done right: doctors moving between two designated
// bodies each way, leaving both lists, arriving new, all in one run, through gmc.doctors
// and doctors-sync into doctorsForDB. And a run where one body fails, by the CLI.
import { buildProgram } from '../../processors/cli/main';
import { UserError } from '../../processors/cli/errors';
import { startFromEnv as startDoctorsSync } from '../../processors/doctors-sync/runtime';
import { describeWithServices } from '../harness/endpoints';
import { gmcWorld, waitFor, type GmcWorld } from './gmc-harness';

const A = '1-1RSG4X0';
const B = '1-1RUZV1D';

const numbers = (world: GmcWorld, body: string) =>
  world.fake.lists.list(body).map((d) => d.GMCReferenceNumber);

describeWithServices('doctors moving between designated bodies', () => {
  let world: GmcWorld;
  afterEach(() => world.close());

  it('publishes exactly the moves, departures, arrivals and updates, and never shows a mover disconnected', async () => {
    world = await gmcWorld({ designatedBodies: [A, B], doctorsPerBody: 450, seed: 42 });
    const first = await world.sync();
    expect(first.changes).toHaveLength(900);
    const doctorsSync = await startDoctorsSync({
      env: world.env,
      groupId: `it-${world.id}-doctors-sync`,
    });
    const collection = await world.doctorsForDb();
    try {
      await waitFor(
        '900 doctors in doctorsForDB',
        async () => (await collection.countDocuments({})) === 900,
      );
      const inA = numbers(world, A);
      const inB = numbers(world, B);
      // Administrators' work that GMC must not overwrite.
      const administered = [...inA.slice(0, 5), ...inB.slice(0, 5)];
      await collection.updateMany(
        { _id: { $in: administered } },
        { $set: { admin: 'admin@nhs.net', doctorStatus: 'UNDER_REVIEW' } },
      );

      const moversToB = inA.slice(0, 60);
      const moversToA = inB.slice(0, 40);
      const leavers = [...inA.slice(60, 90), ...inB.slice(40, 60)];
      const updated = inA.slice(90, 100);
      for (const n of moversToB) world.fake.lists.move(n, B);
      for (const n of moversToA) world.fake.lists.move(n, A);
      for (const n of leavers) world.fake.lists.disconnect(n);
      for (const n of updated)
        world.fake.lists.update(n, { UnderNotice: 'On Hold', DoctorLastName: 'Renamed' });
      const arrivals = Array.from({ length: 50 }, (_, i) => {
        const doctor = world.fake.lists.newDoctor();
        world.fake.lists.connect(i < 25 ? A : B, doctor);
        return doctor.GMCReferenceNumber;
      });
      const movers = [...moversToB, ...moversToA];

      // Watch doctorsForDB while the second run lands: a mover must never look disconnected.
      let watching = true;
      let looks = 0;
      const seenDisconnected = new Set<string>();
      const watcher = (async () => {
        while (watching) {
          for (const doc of await collection.find({ _id: { $in: movers } }).toArray()) {
            if (!doc.existsInGmc || doc.designatedBodyCode === null) seenDisconnected.add(doc._id);
          }
          looks++;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();

      const second = await world.sync();
      const expected = [
        ...moversToB.map((n) => `moved ${n} ${A}>${B}`),
        ...moversToA.map((n) => `moved ${n} ${B}>${A}`),
        ...leavers.map((n) => `disconnected ${n} ${inA.includes(n) ? A : B}>-`),
        ...updated.map((n) => `updated ${n} ${A}>${A}`),
        ...arrivals.map((n, i) => `connected ${n} ->${i < 25 ? A : B}`),
      ].sort();
      const describe = (kind: string, n: string, from: string | null, to: string | null) =>
        `${kind} ${n} ${from ?? '-'}>${to ?? '-'}`;
      expect(
        second.changes
          .map((c) =>
            describe(
              c.kind,
              c.state.gmcReferenceNumber,
              c.previousDesignatedBody,
              c.state.designatedBody,
            ),
          )
          .sort(),
      ).toEqual(expected);
      expect(
        second.report.designatedBodies.map((b) => [
          b.designatedBody,
          b.connected,
          b.disconnected,
          b.moved,
          b.updated,
        ]),
      ).toEqual([
        [A, 25, 30, 40, 10],
        [B, 25, 20, 60, 0],
      ]);

      // What a read-committed consumer sees of the second run: each change once, nothing else.
      const published = (await world.published()).filter(
        (p) => p.state.runId === second.report.runId,
      );
      expect(published).toHaveLength(expected.length);
      const publishedMovers = published.filter((p) => movers.includes(p.state.gmcReferenceNumber));
      expect(publishedMovers).toHaveLength(100);
      expect(
        publishedMovers.every((p) => p.state.designatedBody !== null && p.state.existsInGmc),
      ).toBe(true);

      const total = 950;
      await waitFor(
        'the second run in doctorsForDB',
        async () =>
          (await collection.countDocuments({})) === total &&
          (await collection.countDocuments({
            gmcLastUpdatedDateTime: second.report.requestTime,
          })) === expected.length,
      );
      watching = false;
      await watcher;
      expect(looks).toBeGreaterThan(1);
      expect([...seenDisconnected]).toEqual([]);

      // The final documents say what GMC's lists say, for every doctor.
      for (const doc of await collection.find({}).toArray()) {
        const where = world.fake.lists.find(doc._id);
        expect({ n: doc._id, body: doc.designatedBodyCode, exists: doc.existsInGmc }).toEqual({
          n: doc._id,
          body: where[0]?.designatedBody ?? null,
          exists: where.length > 0,
        });
      }
      for (const doc of await collection.find({ _id: { $in: administered } }).toArray()) {
        expect(doc).toMatchObject({ admin: 'admin@nhs.net', doctorStatus: 'UNDER_REVIEW' });
      }
      expect(
        await collection.countDocuments({ _id: { $in: arrivals }, doctorStatus: 'NOT_STARTED' }),
      ).toBe(50);
      expect(
        await collection.countDocuments({
          _id: { $in: updated },
          underNotice: 'ON_HOLD',
          doctorLastName: 'Renamed',
        }),
      ).toBe(10);
      // Unchanged doctors keep the first run's time: no traffic, no write.
      const unchanged = numbers(world, B).filter(
        (n) => !moversToB.includes(n) && !arrivals.includes(n),
      );
      expect(
        await collection.countDocuments({
          _id: { $in: unchanged },
          gmcLastUpdatedDateTime: first.report.requestTime,
        }),
      ).toBe(unchanged.length);
    } finally {
      await doctorsSync.stop();
    }
  });

  it('leaves a failing body untouched, applies the other, and says so in the report and exit code', async () => {
    world = await gmcWorld({ designatedBodies: [A, B], doctorsPerBody: 30 });
    const first = await world.sync();
    const inA = numbers(world, A);
    const inB = numbers(world, B);
    world.fake.lists.disconnect(inA[0]); // unknown this run: A fails
    world.fake.lists.move(inA[1], B); // found elsewhere: moves
    world.fake.lists.disconnect(inB[0]); // B answered: disconnected
    world.fake.setFault(A, { kind: 'returnCode', returnCode: '98' });

    const saved = { ...process.env };
    const output: string[] = [];
    const write = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => output.push(String(chunk)) > 0);
    let failure: unknown;
    try {
      Object.assign(process.env, world.env, { LOG_LEVEL: 'silent' });
      await buildProgram().parseAsync(['node', 'reval', 'gmc-sync']);
    } catch (error) {
      failure = error;
    } finally {
      write.mockRestore();
      process.env = saved;
    }
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).exitCode).toBe(2);
    expect(output.join('')).toMatch(new RegExp(`${A}\\s+FAILED\\s+98`));

    await world.settle();
    const runs = await world.runs();
    expect(runs).toHaveLength(2);
    const report = runs[1];
    expect(report.status).toBe('PARTIAL');
    expect(report.designatedBodies).toEqual([
      expect.objectContaining({
        designatedBody: A,
        status: 'FAILED',
        returnCode: '98',
        error: 'GMC return code 98: GMC internal error (after 3 attempts)',
      }),
      expect.objectContaining({
        designatedBody: B,
        status: 'OK',
        moved: 1,
        disconnected: 1,
        connected: 0,
      }),
    ]);
    const changes = (await world.published()).filter((p) => p.state.runId === report.runId);
    expect(changes.map((p) => [p.state.gmcReferenceNumber, p.state.designatedBody]).sort()).toEqual(
      [
        [inA[1], B],
        [inB[0], null],
      ].sort(),
    );
    expect(first.report.status).toBe('SUCCEEDED');
  });
});
