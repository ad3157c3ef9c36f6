// Kafka, the one folder that knows the client library: processors import this index and see
// only our own types (records with Buffer keys and values, batches, producers), so replacing
// kafkajs, unmaintained upstream, means rewriting this folder and nothing else.
export { KafkaClient } from './client';
export { CatchUpTracker, hasRead, lag, rangesOf, recordsIn, type CatchUpRange } from './catch-up';
export { partitionForKey } from './partitioner';
export { ownerOf, type GroupMember, type GroupMembers } from './group-members';
export { clusterIsUp, deleteTopicsWhere, type QuietAdminOptions } from './quiet-admin';
export type * from './types';
