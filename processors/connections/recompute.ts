// `reval rebuild --from-sources`, first half: recompute reval.connections from the CDC and
// GMC topics with fresh state. It reads every input and the current output to their ends,
// re-derives every doctor, and writes only what differs (tombstones included), so afterwards
// the topic's newest record for each doctor is what the rules say today.
import {
  connectionsConfig,
  kafkaConfig,
  registryConfig,
  timeZone,
  topics as topicNames,
  type Env,
} from '../platform/config';
import { loadDesignatedBodies } from '../platform/designated-bodies';
import { KafkaClient } from '../platform/kafka';
import { createLogger } from '../platform/logger';
import { SchemaRegistryCodecs } from '../platform/registry';
import { todayIn } from '../rules/dates';
import { ConnectionsEngine } from './engine';
import type { InputSource } from './inputs';
import {
  applyInputRecords,
  ensureConnectionsTopics,
  inputTopicsOf,
  rememberConnections,
  writeConnections,
} from './wiring';

export interface RecomputeReport {
  topic: string;
  inputRecords: number;
  undecodable: number;
  doctors: number;
  written: number;
}

export async function recomputeConnections(
  env: Env = process.env,
  now = new Date(),
): Promise<RecomputeReport> {
  const logger = createLogger('recompute');
  const topics = topicNames(env);
  const kafka = new KafkaClient(kafkaConfig(env), logger);
  const codecs = new SchemaRegistryCodecs(registryConfig(env), topics);
  const engine = new ConnectionsEngine(loadDesignatedBodies(env));
  const inputTopics = inputTopicsOf(topics);
  try {
    await ensureConnectionsTopics(kafka, topics, connectionsConfig(env).partitions);
    const partitions = await kafka.partitionCount(topics.connections);
    let inputRecords = 0;
    let undecodable = 0;
    await kafka.readToEnd([...inputTopics.keys()], async (records) => {
      // A batch holds one partition of one topic.
      const source = inputTopics.get(records[0].topic) as InputSource;
      const { failures } = await applyInputRecords(engine, codecs, source, records);
      inputRecords += records.length;
      // The live processor dead-letters these; a recompute only counts them.
      undecodable += failures.length;
    });
    await kafka.readToEnd([topics.connections], (records) =>
      rememberConnections(engine, codecs, records, (record, error) =>
        logger.error(
          { err: error, offset: record.offset },
          'cannot decode a reval.connections record',
        ),
      ),
    );
    const doctors = engine.allKeys();
    const output = engine.reconcile(doctors, todayIn(now, timeZone(env)), now);
    const producer = await kafka.createProducer();
    try {
      for (let i = 0; i < output.length; i += 1_000) {
        await writeConnections(
          producer,
          codecs,
          topics.connections,
          partitions,
          output.slice(i, i + 1_000),
        );
      }
    } finally {
      await producer.disconnect();
    }
    const report = {
      topic: topics.connections,
      inputRecords,
      undecodable,
      doctors: doctors.size,
      written: output.length,
    };
    logger.info(report, 'recomputed reval.connections from the sources');
    return report;
  } finally {
    await kafka.disconnect();
  }
}
