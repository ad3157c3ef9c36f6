// Which schema each topic this project writes carries. Subjects follow Confluent's
// TopicNameStrategy (`<topic>-value`), the default every Kafka tool understands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Schema } from 'avsc';
import { projectRoot } from '../processors/platform/paths';
import {
  TOPIC_CATALOGUE,
  TOPIC_NAMES,
  type AvroValueSchema,
  type TopicName,
} from '../processors/platform/topics';

export const SCHEMA_FILES = {
  gmcDoctor: 'gmc-doctor.avsc',
  gmcSyncRun: 'gmc-sync-run.avsc',
  connection: 'connection.avsc',
  deadLetter: 'dlq-record.avsc',
} as const satisfies Record<AvroValueSchema, string>;

export type SchemaName = AvroValueSchema;

/** The topic (by catalogue name) whose values use each schema: from the topic catalogue. */
export const SCHEMA_TOPICS = Object.fromEntries(
  TOPIC_NAMES.flatMap((topic) => {
    const value: string = TOPIC_CATALOGUE[topic].value;
    return value in SCHEMA_FILES ? [[value, topic]] : [];
  }),
) as Record<SchemaName, TopicName>;

export function schemaPath(name: SchemaName): string {
  return join(projectRoot(), 'schemas', SCHEMA_FILES[name]);
}

export function readSchema(name: SchemaName): Schema {
  return JSON.parse(readFileSync(schemaPath(name), 'utf8')) as Schema;
}

export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
