// The doctorsForDB writer, playing the recommendation service's part:
//   gmc.doctors (read committed: whole sync runs only) ─► decode (the producer's codec)
//     ─► the latest state per doctor in the batch ─► guarded writes into MongoDB doctorsForDB
//   anything unreadable ─► reval.dlq
// A batch's offsets are committed only after MongoDB acknowledged every write of it. Its
// dependencies come from ./runtime.ts.
import type { DeadLetterQueue } from '../platform/dead-letters';
import type { KafkaClient, KafkaRecord, RecordBatch } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { countInvalidGmcNumber, metrics, setConsumerLag } from '../platform/metrics';
import type { Collection } from '../platform/mongodb';
import type { SchemaRegistryCodecs } from '../platform/registry';
import type { RunningProcessor } from '../platform/running';
import type { Topics } from '../platform/topics';
import { decodeGmcDoctorsRecord, type GmcDoctorState } from '../gmc-fetch/gmc-doctors';
import { applyGmcStates, DOCTORS_FOR_DB_COLLECTION } from './apply';
import type { DoctorsForDbDocument } from './doctors-for-db-document';

export const PROCESSOR = 'doctors-sync';

export interface DoctorsSyncDeps {
  kafka: KafkaClient;
  codecs: SchemaRegistryCodecs;
  deadLetters: DeadLetterQueue;
  doctorsForDB: Collection<DoctorsForDbDocument>;
  topics: Topics;
  logger: Logger;
  groupId: string;
}

export async function start(deps: DoctorsSyncDeps): Promise<RunningProcessor> {
  const { kafka, codecs, deadLetters, doctorsForDB, topics, logger } = deps;

  const applyBatch = async (batch: RecordBatch) => {
    // Within a partition a later record is a later state: keep the last per doctor.
    const latest = new Map<string, GmcDoctorState>();
    const failures: { record: KafkaRecord; reason: string }[] = [];
    for (const record of batch.records) {
      const decoded = await decodeGmcDoctorsRecord(record, codecs);
      if (!decoded.ok) {
        failures.push({ record, reason: decoded.error.reason });
        countInvalidGmcNumber(PROCESSOR, batch.topic, decoded.error.gmcNumberProblem);
      } else if (decoded.value.state !== null) {
        latest.set(decoded.value.gmcNumber, decoded.value.state);
      }
      // GMC states are never deleted; a tombstone (compaction tooling) leaves the document.
    }
    metrics.recordsIn.inc({ processor: PROCESSOR, topic: batch.topic }, batch.records.length);
    await deadLetters.send(failures);
    const result = await applyGmcStates(doctorsForDB, [...latest.values()]);
    metrics.recordsOut.inc(
      { processor: PROCESSOR, destination: DOCTORS_FOR_DB_COLLECTION },
      result.applied,
    );
    logger.debug({ partition: batch.partition, ...result }, 'batch applied to doctorsForDB');
  };

  const consumer = await kafka.consume(
    {
      groupId: deps.groupId,
      topics: [topics.gmcDoctors],
      readCommitted: true,
      fromBeginning: true,
      // gmc.doctors is transactional: the markers after a run are part of the lag.
      onProgress: (topic, partition, lastOffset, highWatermark) =>
        setConsumerLag(PROCESSOR, topic, partition, lastOffset, highWatermark),
    },
    applyBatch,
  );
  logger.info({ topic: topics.gmcDoctors }, 'doctors-sync started');
  return {
    stop: async () => {
      await consumer.stop();
      logger.info('doctors-sync stopped');
    },
  };
}
