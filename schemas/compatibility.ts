// Schema evolution guard: every schema must be able to read data written with its previous
// committed version (Avro BACKWARD compatibility), so consumers can be upgraded first.
import { execFileSync } from 'node:child_process';
import type { Schema } from 'avsc';
import { parseAvroSchema } from '../processors/platform/avro-types';
import { projectRoot } from '../processors/platform/paths';
import { SCHEMA_FILES, type SchemaName } from './catalog';

/**
 * The newest committed version of a schema file whose content differs from `current`, or
 * undefined when the file has no earlier different version (or git history is absent).
 */
export function previousCommittedSchema(name: SchemaName, current: Schema): Schema | undefined {
  const file = `schemas/${SCHEMA_FILES[name]}`;
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: projectRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  let commits: string[];
  try {
    commits = git('log', '--format=%H', '--', file).split('\n').filter(Boolean);
  } catch {
    return undefined;
  }
  const canonical = JSON.stringify(parseAvroSchema(current).schema());
  for (const commit of commits) {
    const text = git('show', `${commit}:${file}`);
    const schema = JSON.parse(text) as Schema;
    if (JSON.stringify(parseAvroSchema(schema).schema()) !== canonical) return schema;
  }
  return undefined;
}

/** Null when `reader` can read everything `writer` wrote; otherwise avsc's reason. */
export function backwardIncompatibility(reader: Schema, writer: Schema): string | null {
  try {
    parseAvroSchema(reader).createResolver(parseAvroSchema(writer));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
