// Which schema each topic this project writes carries. Subjects follow Confluent's
// TopicNameStrategy (`<topic>-value`), the default every Kafka tool understands.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Schema } from 'avsc';

// processors/platform/ reads this catalogue (registry.ts, topics.ts), so it imports nothing
// from processors/ (eslint.boundaries.mjs): the arrow runs one way. Which topic carries each
// schema is the topic catalogue's to say (processors/platform/topics.ts).

export const SCHEMA_FILES = {
  gmcDoctor: 'gmc-doctor.avsc',
  gmcSyncRun: 'gmc-sync-run.avsc',
  connection: 'connection.avsc',
  connectionChange: 'connection-change.avsc',
  deadLetter: 'dlq-record.avsc',
} as const;

export type SchemaName = keyof typeof SCHEMA_FILES;

/**
 * The folder of the .avsc files: this one in the source tree; from dist/schemas/ (the build
 * compiles this file but copies no data files), the source tree's schemas/ two levels up.
 */
const SCHEMAS_DIR = existsSync(join(__dirname, SCHEMA_FILES.connection))
  ? __dirname
  : join(__dirname, '..', '..', 'schemas');

export function schemaPath(name: SchemaName): string {
  return join(SCHEMAS_DIR, SCHEMA_FILES[name]);
}

export function readSchema(name: SchemaName): Schema {
  return JSON.parse(readFileSync(schemaPath(name), 'utf8')) as Schema;
}

export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
