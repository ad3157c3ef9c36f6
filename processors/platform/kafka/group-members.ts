// Which member of a consumer group holds which partitions, and where each member answers
// queries: what Kafka Streams' `application.server` carries. Each member puts its advertised
// URL in the user data of its group protocol metadata; the broker keeps that metadata with the
// member's assignment, so any client can learn both from one DescribeGroups, even one that is
// no member (the CLI). The assignment itself stays kafkajs's round robin, under its own name,
// so members with and without a URL can share a group during an upgrade.
import { AssignerProtocol, PartitionAssigners, type Admin, type PartitionAssigner } from 'kafkajs';
import type { Assignment } from './types';

/** One member of a group, as DescribeGroups shows it. */
export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** The URL the member advertised; null for a member that advertised none. */
  url: string | null;
  assignment: Assignment;
}

export interface GroupMembers {
  /** Stable when the assignments shown are the ones in force. */
  state: string;
  members: GroupMember[];
}

/** kafkajs's round robin, advertising `url` in the protocol metadata's user data. */
export function advertisingAssigner(url: string): PartitionAssigner {
  return (config) => {
    const roundRobin = PartitionAssigners.roundRobin(config);
    return {
      name: roundRobin.name,
      version: roundRobin.version,
      assign: (group) => roundRobin.assign(group),
      protocol: ({ topics }) => ({
        name: roundRobin.name,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: roundRobin.version,
          topics,
          userData: encodeAdvert(url),
        }),
      }),
    };
  };
}

export function encodeAdvert(url: string): Buffer {
  return Buffer.from(JSON.stringify({ url }), 'utf8');
}

/** The URL in a member's user data, or null when it has none or another client's format. */
export function decodeAdvert(userData: Buffer | undefined): string | null {
  if (!userData || userData.length === 0) return null;
  try {
    const parsed: unknown = JSON.parse(userData.toString('utf8'));
    const url = (parsed as { url?: unknown } | null)?.url;
    return typeof url === 'string' ? url : null;
  } catch {
    return null;
  }
}

export async function describeGroupMembers(admin: Admin, groupId: string): Promise<GroupMembers> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups.find((candidate) => candidate.groupId === groupId);
  if (!group) return { state: 'Dead', members: [] };
  return {
    state: group.state,
    members: group.members.map((member) => {
      const metadata =
        member.memberMetadata.length > 0
          ? AssignerProtocol.MemberMetadata.decode(member.memberMetadata)
          : null;
      const assignment =
        member.memberAssignment.length > 0
          ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment)
          : null;
      return {
        memberId: member.memberId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        url: decodeAdvert(metadata?.userData),
        assignment: { ...(assignment?.assignment ?? {}) },
      };
    }),
  };
}

/** The member holding `topic`'s `partition`, if any holds it now. */
export function ownerOf(
  group: GroupMembers,
  topic: string,
  partition: number,
): GroupMember | undefined {
  return group.members.find((member) => member.assignment[topic]?.includes(partition));
}
