// The topics a GMC sync writes. gmc.doctors is keyed state (compacted: the latest state of
// every doctor survives forever); gmc.sync-runs is a history of reports.
import type { Topics } from '../platform/config';
import type { TopicSpec } from '../platform/kafka';

/** Enough partitions for several doctors-sync instances to share the work. */
export const GMC_DOCTORS_PARTITIONS = 6;

export function gmcTopicSpecs(topics: Topics): TopicSpec[] {
  return [
    { topic: topics.gmcDoctors, compacted: true, partitions: GMC_DOCTORS_PARTITIONS },
    // One partition: runs are read in the order they happened.
    { topic: topics.gmcSyncRuns, compacted: false, partitions: 1 },
  ];
}
