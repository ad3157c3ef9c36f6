// Interactive queries, after Kafka Streams': a key's state lives in one task, on the instance
// the consumer group gave that task's partition. An instance answers from its own restored
// stores, says "not yet" while a task of its own is restoring, and otherwise names the member
// that owns the partition and the URL it advertised (group-members.ts), so that a caller can
// go there. Reads see committed state only: what the changelog holds, the same as a reader
// of the changelog with no instance running sees.
import { ownerOf, type GroupMembers } from '../platform/kafka';

/** The instance holding a partition: its group member id and advertised URL (if any). */
export interface StoreOwner {
  instance: string;
  url: string | null;
}

export type StoreQuery<V> =
  /** This instance owns the key's partition, restored: `value` is undefined for no entry. */
  | { kind: 'local'; partition: number; owner: StoreOwner; value: V | undefined }
  /** Another instance owns it. */
  | { kind: 'remote'; partition: number; owner: StoreOwner }
  /**
   * Nobody can answer now: this instance's task is restoring, the group is between
   * assignments (no member holds the partition yet), or Kafka cannot say who holds it.
   */
  | {
      kind: 'unavailable';
      partition: number;
      reason: 'restoring' | 'rebalancing' | 'owner unknown';
      owner: StoreOwner | null;
    };

/** Where a key's partition is, for an instance that does not hold its task restored. */
export function locateElsewhere(
  group: GroupMembers,
  topic: string,
  partition: number,
  self: StoreOwner,
): StoreQuery<never> {
  const owner = ownerOf(group, topic, partition);
  if (!owner) return { kind: 'unavailable', partition, reason: 'rebalancing', owner: null };
  // Assigned here by the group, but the assignment has not reached the runtime yet.
  if (owner.memberId === self.instance) {
    return { kind: 'unavailable', partition, reason: 'restoring', owner: self };
  }
  return { kind: 'remote', partition, owner: { instance: owner.memberId, url: owner.url } };
}
