// Full GMC sync runs against the fake GMC and real Kafka and schema registry: what a
// read-committed consumer of gmc.doctors and gmc.sync-runs sees after each run.
import { buildProgram } from '../../processors/cli/main';
import { SyncFencedError } from '../../processors/gmc-fetch/sync';
import { describeWithServices } from '../harness/endpoints';
import { gmcWorld, type GmcWorld } from './gmc-harness';

const [A, B, C, D, E] = ['1-1RSG4X0', '1-1RUZV1D', '1-1RSSQ5L', '1-1RSSPZ7', '1-1RSSQ05'];

describeWithServices('GMC sync runs on real Kafka', () => {
  let world: GmcWorld;
  afterEach(() => world.close());

  it('publishes nothing but its report when GMC says the same again', async () => {
    world = await gmcWorld({ designatedBodies: [A, B], doctorsPerBody: 100 });
    const first = await world.sync();
    expect(first.changes).toHaveLength(200);
    expect(first.report).toMatchObject({ status: 'SUCCEEDED', forced: false });
    expect(
      first.report.designatedBodies.map((b) => [
        b.designatedBody,
        b.status,
        b.doctorCount,
        b.connected,
      ]),
    ).toEqual([
      [A, 'OK', 100, 100],
      [B, 'OK', 100, 100],
    ]);

    const second = await world.sync();
    expect(second.changes).toEqual([]);
    const published = await world.published();
    expect(published).toHaveLength(200);
    expect(new Set(published.map((p) => p.state.runId))).toEqual(new Set([first.report.runId]));
    const runs = await world.runs();
    expect(runs.map((r) => r.runId)).toEqual([first.report.runId, second.report.runId]);
    expect(
      runs[1].designatedBodies.every(
        (b) => b.connected + b.disconnected + b.moved + b.updated === 0,
      ),
    ).toBe(true);
    // Every state carries its run's request time.
    expect(
      published.every((p) => p.state.requestTime.getTime() === first.report.requestTime.getTime()),
    ).toBe(true);
  });

  it('retries transient faults, fails 99 and broken answers at once, holds an empty list back', async () => {
    world = await gmcWorld({ designatedBodies: [A, B, C, D, E], doctorsPerBody: 40 });
    await world.sync();
    world.fake.setFault(A, { kind: 'http500', times: 2 });
    world.fake.setFault(B, { kind: 'returnCode', returnCode: '99' });
    world.fake.setFault(C, { kind: 'emptyList' });
    world.fake.setFault(D, { kind: 'truncated' });
    world.fake.setFault(E, { kind: 'malformed' });
    const calls = () => [A, B, C, D, E].map((body) => world.fake.callCount(body));
    const before = calls();
    const run = await world.sync();
    expect(calls().map((n, i) => n - before[i])).toEqual([3, 1, 1, 1, 1]);
    const byBody = Object.fromEntries(
      run.report.designatedBodies.map((b) => [b.designatedBody, b]),
    );
    expect(byBody[A]).toMatchObject({ status: 'OK', doctorCount: 40, error: null });
    expect(byBody[B]).toMatchObject({
      status: 'FAILED',
      returnCode: '99',
      error: 'GMC return code 99: invalid credentials or IP address',
    });
    expect(byBody[C]).toMatchObject({
      status: 'HELD_BY_SAFETY_VALVE',
      doctorCount: 0,
      disconnected: 0,
    });
    expect(byBody[C].error).toContain('would disconnect 40 of 40 doctors');
    expect(byBody[D]).toMatchObject({
      status: 'FAILED',
      error: 'malformed answer: the XML is incomplete or invalid',
    });
    expect(byBody[E].status).toBe('FAILED');
    expect(byBody[E].error).toMatch(/^malformed answer/);
    expect(run.report.status).toBe('PARTIAL');
    // Nobody was disconnected or otherwise changed by the failures.
    expect(run.changes).toEqual([]);
    expect((await world.runs())[1]).toMatchObject({ runId: run.report.runId, status: 'PARTIAL' });

    // --force applies the empty answer the valve held back.
    world.fake.clearFaults();
    world.fake.setFault(C, { kind: 'emptyList' });
    const forced = await world.sync({ force: true });
    expect(forced.report).toMatchObject({ status: 'SUCCEEDED', forced: true });
    expect(forced.changes.map((c) => c.kind)).toEqual(Array(40).fill('disconnected'));
    expect(new Set(forced.changes.map((c) => c.previousDesignatedBody))).toEqual(new Set([C]));
  });

  it('fences one of two concurrent runs; a read-committed consumer sees one whole run', async () => {
    world = await gmcWorld({ designatedBodies: [A, B], doctorsPerBody: 200 });
    // Both runs spend a while fetching, so their transactions overlap.
    world.fake.setFault(A, { kind: 'delay', ms: 1_500, times: 2 });
    world.fake.setFault(B, { kind: 'delay', ms: 1_500, times: 2 });
    const first = world.sync();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = world.sync();
    const outcomes = await Promise.allSettled([first, second]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(SyncFencedError);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<typeof first>>).value;

    const runs = await world.runs();
    expect(runs.map((r) => r.runId)).toEqual([winner.report.runId]);
    const published = await world.published();
    expect(published).toHaveLength(400);
    expect(new Set(published.map((p) => p.state.gmcReferenceNumber)).size).toBe(400);
    expect(new Set(published.map((p) => p.state.runId))).toEqual(new Set([winner.report.runId]));
  });

  it('prints the changes of a dry run and publishes nothing', async () => {
    world = await gmcWorld({ designatedBodies: [A, B], doctorsPerBody: 20 });
    await world.sync();
    const [moving, leaving] = world.fake.lists.list(A).map((d) => d.GMCReferenceNumber);
    world.fake.lists.move(moving, B);
    world.fake.lists.disconnect(leaving);

    const saved = { ...process.env };
    const output: string[] = [];
    const write = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => output.push(String(chunk)) > 0);
    try {
      Object.assign(process.env, world.env, { LOG_LEVEL: 'silent' });
      await buildProgram().parseAsync(['node', 'reval', 'gmc-sync', '--dry-run']);
    } finally {
      write.mockRestore();
      process.env = saved;
    }
    const text = output.join('');
    expect(text).toMatch(new RegExp(`^moved\\s+${moving}  ${A} -> ${B}$`, 'm'));
    expect(text).toMatch(new RegExp(`^disconnected\\s+${leaving}  ${A} -> -$`, 'm'));
    expect(text).toContain('dry run: 2 changes, nothing published');
    expect(await world.published()).toHaveLength(40);
    expect(await world.runs()).toHaveLength(1);
  });
});
