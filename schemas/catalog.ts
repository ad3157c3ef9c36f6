// Which schema each topic this project writes carries. Subjects follow Confluent's
// TopicNameStrategy (`<topic>-value`), the default every Kafka tool understands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Schema } from 'avsc';
import { projectRoot } from '../processors/platform/paths';
import type { TopicName } from '../processors/platform/config';

export const SCHEMA_FILES = {
  gmcDoctor: 'gmc-doctor.avsc',
  gmcSyncRun: 'gmc-sync-run.avsc',
  connection: 'connection.avsc',
  deadLetter: 'dlq-record.avsc',
} as const;

export type SchemaName = keyof typeof SCHEMA_FILES;

/** The topic (by configuration name) whose values use each schema. */
export const SCHEMA_TOPICS: Record<SchemaName, TopicName> = {
  gmcDoctor: 'gmcDoctors',
  gmcSyncRun: 'gmcSyncRuns',
  connection: 'connections',
  deadLetter: 'dlq',
};

export function schemaPath(name: SchemaName): string {
  return join(projectRoot(), 'schemas', SCHEMA_FILES[name]);
}

export function readSchema(name: SchemaName): Schema {
  return JSON.parse(readFileSync(schemaPath(name), 'utf8')) as Schema;
}

export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
