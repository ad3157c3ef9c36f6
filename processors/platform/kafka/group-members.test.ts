import { AssignerProtocol, type Admin, type Cluster, type Logger } from 'kafkajs';
import {
  advertisingAssigner,
  decodeAdvert,
  describeGroupMembers,
  encodeAdvert,
  ownerOf,
} from './group-members';

const member = (memberId: string, url: string | null, assignment: Record<string, number[]>) => ({
  memberId,
  clientId: 'reval-stream',
  clientHost: '/10.0.0.1',
  memberMetadata: AssignerProtocol.MemberMetadata.encode({
    version: 0,
    topics: Object.keys(assignment),
    userData: url === null ? Buffer.alloc(0) : encodeAdvert(url),
  }),
  memberAssignment: AssignerProtocol.MemberAssignment.encode({
    version: 0,
    assignment,
    userData: Buffer.alloc(0),
  }),
});

const adminDescribing = (groups: unknown[]) =>
  ({ describeGroups: () => Promise.resolve({ groups }) }) as unknown as Admin;

describe('group members and their advertised URLs', () => {
  it('round-trips a URL and reads no URL from empty or foreign user data', () => {
    expect(decodeAdvert(encodeAdvert('http://a:9464'))).toBe('http://a:9464');
    expect(decodeAdvert(Buffer.alloc(0))).toBeNull();
    expect(decodeAdvert(undefined)).toBeNull();
    expect(decodeAdvert(Buffer.from([0, 1, 2]))).toBeNull();
    expect(decodeAdvert(Buffer.from('{"url": 3}'))).toBeNull();
  });

  it("decodes each member's partitions and URL from a group description", async () => {
    const group = await describeGroupMembers(
      adminDescribing([
        {
          groupId: 'app',
          state: 'Stable',
          members: [
            member('m-1', 'http://a:9464', { 'app-doctors-repartition': [0, 2] }),
            member('m-2', null, { 'app-doctors-repartition': [1] }),
          ],
        },
      ]),
      'app',
    );
    expect(group.state).toBe('Stable');
    expect(ownerOf(group, 'app-doctors-repartition', 2)).toMatchObject({
      memberId: 'm-1',
      url: 'http://a:9464',
    });
    expect(ownerOf(group, 'app-doctors-repartition', 1)).toMatchObject({
      memberId: 'm-2',
      url: null,
    });
    expect(ownerOf(group, 'app-doctors-repartition', 3)).toBeUndefined();
    expect(ownerOf(group, 'another-topic', 0)).toBeUndefined();
  });

  it('a group that does not exist has no members', async () => {
    expect(await describeGroupMembers(adminDescribing([]), 'app')).toEqual({
      state: 'Dead',
      members: [],
    });
  });

  it("advertises the URL in its protocol metadata and assigns as kafkajs's round robin", async () => {
    const cluster = {
      findTopicPartitionMetadata: () => [
        { partitionId: 0 },
        { partitionId: 1 },
        { partitionId: 2 },
      ],
    } as unknown as Cluster;
    const assigner = advertisingAssigner('http://b:9464')({
      cluster,
      groupId: 'app',
      logger: {} as Logger,
    });
    expect(assigner.name).toBe('RoundRobinAssigner');
    const protocol = assigner.protocol({ topics: ['t'] });
    expect(protocol.name).toBe('RoundRobinAssigner');
    const metadata = AssignerProtocol.MemberMetadata.decode(protocol.metadata);
    expect(metadata?.topics).toEqual(['t']);
    expect(decodeAdvert(metadata?.userData)).toBe('http://b:9464');
    const assignments = await assigner.assign({
      members: [
        { memberId: 'm-1', memberMetadata: protocol.metadata },
        { memberId: 'm-2', memberMetadata: protocol.metadata },
      ],
      topics: ['t'],
    });
    const decoded = Object.fromEntries(
      assignments.map(({ memberId, memberAssignment }) => [
        memberId,
        AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment,
      ]),
    );
    expect(decoded).toEqual({ 'm-1': { t: [0, 2] }, 'm-2': { t: [1] } });
  });
});
