import type { GroupMembers } from '../platform/kafka';
import { locateElsewhere } from './interactive-queries';

const TOPIC = 'app-doctors-repartition';
const group = (state: string, members: GroupMembers['members']): GroupMembers => ({
  state,
  members,
});
const member = (memberId: string, url: string | null, partitions: number[]) => ({
  memberId,
  clientId: 'reval-stream',
  clientHost: '/10.0.0.1',
  url,
  assignment: { [TOPIC]: partitions },
});
const self = { instance: 'm-self', url: 'http://self:9464' };

describe('locating a key held by no task of this instance', () => {
  it('names the owner and its URL', () => {
    expect(
      locateElsewhere(group('Stable', [member('m-2', 'http://two:9464', [1])]), TOPIC, 1, self),
    ).toEqual({
      kind: 'remote',
      partition: 1,
      owner: { instance: 'm-2', url: 'http://two:9464' },
    });
  });

  it('names an owner that advertised no URL, with a null URL', () => {
    expect(locateElsewhere(group('Stable', [member('m-2', null, [1])]), TOPIC, 1, self)).toEqual({
      kind: 'remote',
      partition: 1,
      owner: { instance: 'm-2', url: null },
    });
  });

  it('is restoring here when the group gave this instance the partition already', () => {
    expect(
      locateElsewhere(group('Stable', [member('m-self', self.url, [0, 1])]), TOPIC, 1, self),
    ).toEqual({ kind: 'unavailable', partition: 1, reason: 'restoring', owner: self });
  });

  it('is rebalancing when no member holds the partition', () => {
    expect(
      locateElsewhere(group('PreparingRebalance', [member('m-2', null, [])]), TOPIC, 1, self),
    ).toEqual({ kind: 'unavailable', partition: 1, reason: 'rebalancing', owner: null });
    expect(locateElsewhere(group('Dead', []), TOPIC, 0, self)).toMatchObject({
      kind: 'unavailable',
      reason: 'rebalancing',
    });
  });
});
