import { GmcClient } from '../../processors/platform/gmc-soap/client';
import { capturingLogger } from '../../processors/platform/gmc-soap/test-support';
import { GMC_WSDL } from '../../processors/platform/gmc-soap/wsdl';
import { CONTROL_PATH, FakeGmc, STATE_PATH } from './server';
import { syntheticList } from './synthetic';

const A = '1-1RSG4X0';
const B = '1-1RUZV1D';

describe('the fake GMC', () => {
  let fake: FakeGmc;
  let client: GmcClient;
  const fetchNumbers = async (body: string) =>
    (await client.fetchDoctorsForDesignatedBody(body)).doctors
      .map((d) => d.gmcReferenceNumber)
      .sort();
  const control = async (command: unknown) => {
    const response = await fetch(new URL(CONTROL_PATH, fake.url), {
      method: 'POST',
      body: JSON.stringify(command),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    fake = await FakeGmc.start({ designatedBodies: [A, B], doctorsPerBody: 20, seed: 3 });
    client = new GmcClient({
      url: fake.url,
      username: 'any',
      password: 'any',
      timeoutMs: 2_000,
      retries: 0,
      logger: capturingLogger().logger,
    });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.lists.reset();
    fake.clearFaults();
  });

  it('serves seeded, deterministic lists that differ by seed and never share a doctor', () => {
    expect(syntheticList(3, 0, 20)).toEqual(syntheticList(3, 0, 20));
    expect(syntheticList(3, 0, 20)).not.toEqual(syntheticList(4, 0, 20));
    const a = new Set(fake.lists.list(A).map((d) => d.GMCReferenceNumber));
    expect(a.size).toBe(20);
    expect(fake.lists.list(B).some((d) => a.has(d.GMCReferenceNumber))).toBe(false);
    expect([...a].every((n) => /^\d{7}$/.test(n))).toBe(true);
  });

  it('answers with the lists as they are changed between runs', async () => {
    const [moving, leaving] = await fetchNumbers(A);
    fake.lists.move(moving, B);
    fake.lists.disconnect(leaving);
    const newcomer = fake.lists.newDoctor();
    fake.lists.connect(A, newcomer);
    const listA = await fetchNumbers(A);
    const listB = await fetchNumbers(B);
    expect(listA).toHaveLength(19);
    expect(listA).toContain(newcomer.GMCReferenceNumber);
    expect(listA).not.toContain(moving);
    expect(listA).not.toContain(leaving);
    expect(listB).toContain(moving);
    expect(listB).toHaveLength(21);
  });

  it('can list one doctor in two bodies, as GMC data errors do', async () => {
    const [doctor] = fake.lists.list(A);
    fake.lists.connect(B, doctor, { keepOtherLists: true });
    expect(fake.lists.find(doctor.GMCReferenceNumber).map((f) => f.designatedBody)).toEqual([A, B]);
    expect(await fetchNumbers(B)).toContain(doctor.GMCReferenceNumber);
  });

  it('uses a fault with `times` that many times only, and keeps other faults until cleared', async () => {
    fake.setFault(A, { kind: 'returnCode', returnCode: '98', times: 2 });
    fake.setFault(B, { kind: 'returnCode', returnCode: '81' });
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push((await client.fetchDoctorsForDesignatedBody(A)).returnCode);
    expect(codes).toEqual(['98', '98', '0']);
    for (let i = 0; i < 2; i++)
      expect((await client.fetchDoctorsForDesignatedBody(B)).returnCode).toBe('81');
    fake.clearFaults(B);
    expect((await client.fetchDoctorsForDesignatedBody(B)).returnCode).toBe('0');
  });

  it('is driven over HTTP by its control API', async () => {
    const [doctor] = await fetchNumbers(A);
    expect(
      (await control({ action: 'move', gmcReferenceNumber: doctor, designatedBody: B })).status,
    ).toBe(200);
    expect(await fetchNumbers(B)).toContain(doctor);
    const added = await control({ action: 'connect', designatedBody: A });
    expect(await fetchNumbers(A)).toContain(added.body.gmcReferenceNumber);
    await control({ action: 'fault', designatedBody: A, fault: { kind: 'emptyList', times: 1 } });
    expect(await fetchNumbers(A)).toEqual([]);
    const bad = await control({ action: 'fault', designatedBody: A, fault: { kind: 'explode' } });
    expect(bad.status).toBe(400);
    const state = (await (await fetch(new URL(STATE_PATH, fake.url))).json()) as {
      designatedBodies: Record<string, number>;
    };
    expect(state.designatedBodies).toEqual({ [A]: 20, [B]: 21 });
  });

  it('serves its WSDL at ?wsdl', async () => {
    const response = await fetch(`${fake.url}?wsdl`);
    expect(await response.text()).toBe(GMC_WSDL);
  });
});
