// Loads the programme owner → designated body table (docs/rules.md §2.3). The table is
// configuration: the built-in processors/rules/designated-bodies.json, or the file named by
// REVAL_DESIGNATED_BODIES_FILE when NHS England renames or merges a local office. It is
// read here, outside the pure rules, which receive it as data.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import builtInTable from '../rules/designated-bodies.json';
import {
  buildDesignatedBodyMap,
  DesignatedBodyTableError,
  type DesignatedBodyMap,
  type DesignatedBodyTable,
} from '../rules/designated-body';
import { ConfigError, type Env } from './config';

export const DESIGNATED_BODIES_FILE_VARIABLE = 'REVAL_DESIGNATED_BODIES_FILE';

const DESIGNATED_BODY_CODE = /^[0-9A-Za-z-]+$/;

const tableSchema = z
  .record(
    z.string(),
    z
      .array(z.string().trim().min(1, { error: 'expected a programme owner name' }))
      .min(1, { error: 'expected a list of at least one programme owner' }),
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'expected a JSON object: {"<designated body code>": ["<programme owner>", ...]}'
          : undefined,
    },
  )
  .superRefine((table, ctx) => {
    for (const code of Object.keys(table)) {
      if (!DESIGNATED_BODY_CODE.test(code)) {
        ctx.addIssue({
          code: 'custom',
          path: [code],
          message: 'expected a designated body code such as 1-1RSG4X0',
        });
      }
    }
  });

function prepare(value: unknown, source: string): DesignatedBodyMap {
  const result = tableSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`${source} is invalid: ${problems.join('; ')}`);
  }
  try {
    return buildDesignatedBodyMap(result.data satisfies DesignatedBodyTable);
  } catch (error) {
    if (error instanceof DesignatedBodyTableError) {
      throw new ConfigError(`${source} is invalid: ${error.message}`);
    }
    throw error;
  }
}

/** The table in force: the file named by REVAL_DESIGNATED_BODIES_FILE, or the built-in one. */
export function loadDesignatedBodies(env: Env = process.env): DesignatedBodyMap {
  const path = env[DESIGNATED_BODIES_FILE_VARIABLE]?.trim();
  if (path === undefined || path === '') {
    return prepare(builtInTable, 'the built-in designated body table');
  }
  const source = `${DESIGNATED_BODIES_FILE_VARIABLE}=${JSON.stringify(path)}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`${source}: cannot read the file (${code})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  return prepare(value, source);
}
