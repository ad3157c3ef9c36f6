// Who holds which task when several instances share an app id: what each instance's logs say
// it holds (restored less revoked) against what the group coordinator assigned to its member.
// A task held but not assigned is one the instance keeps processing nobody asked it to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { repartitionTopic, ROUTED_SOURCES, STAGES } from '../../processors/connections/topology';
import type { Topics } from '../../processors/platform/topics';
import type { Instance, LiveApp } from './live';

export interface Holding {
  /** Tasks its logs say it holds at the end. */
  held: string[];
  /** Tasks its member is assigned by the coordinator (null: member id unknown). */
  assigned: string[] | null;
  /** Held but not assigned. */
  extra: string[];
  /** Log lines of tasks restored again after this instance revoked them. */
  reRestored: string[];
}

/** `topic:partition` of the app's inputs → the task name the runtime gives it. */
function taskNames(topics: Topics, app: LiveApp): Map<string, string> {
  const names = new Map<string, string>();
  for (const source of ROUTED_SOURCES) names.set(topics[source], `source-${source}`);
  for (const stage of Object.values(STAGES)) names.set(repartitionTopic(app.appId, stage), stage);
  return names;
}

export async function holdings(
  brokers: string[],
  topics: Topics,
  app: LiveApp,
  instances: Instance[],
): Promise<Holding[]> {
  const kafka = new Kafka({ clientId: 'bench-ownership', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const assignedTo = new Map<string, string[]>();
  try {
    const names = taskNames(topics, app);
    const [group] = (await admin.describeGroups([app.appId])).groups;
    for (const member of group?.members ?? []) {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      const tasks = Object.entries(decoded?.assignment ?? {}).flatMap(([topic, partitions]) =>
        partitions.map((p) => `${names.get(topic) ?? topic}-${p}`),
      );
      assignedTo.set(member.memberId, tasks);
    }
  } finally {
    await admin.disconnect();
  }
  return instances.map(({ child, stateDir }) => {
    const held = new Set<string>();
    const revoked = new Set<string>();
    const reRestored: string[] = [];
    for (const line of child.logs) {
      const at = ((line.at - child.spawnedAt) / 1000).toFixed(2);
      if (line.msg === 'tasks restored') {
        for (const task of (line.fields.tasks as string[] | undefined) ?? []) {
          if (revoked.has(task)) reRestored.push(`${task} restored at ${at} s after its revoke`);
          held.add(task);
        }
      } else if (line.msg === 'task revoked: store closed') {
        held.delete(String(line.fields.task));
        revoked.add(String(line.fields.task));
      }
    }
    let memberId: string | null = null;
    try {
      memberId = readFileSync(join(stateDir, app.appId, 'member-id'), 'utf8').trim();
    } catch {
      // never joined
    }
    const assigned = memberId ? (assignedTo.get(memberId) ?? []) : null;
    return {
      held: [...held].sort(),
      assigned: assigned ? [...assigned].sort() : null,
      extra: assigned ? [...held].filter((t) => !assigned.includes(t)).sort() : [],
      reRestored,
    };
  });
}
