import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { designatedBodyForOwner } from '../rules/designated-body';
import { ConfigError } from './config';
import { loadDesignatedBodies } from './designated-bodies';

describe('loadDesignatedBodies', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'reval-designated-bodies-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const load = (path: string) => loadDesignatedBodies({ REVAL_DESIGNATED_BODIES_FILE: path });

  test('without REVAL_DESIGNATED_BODIES_FILE, the built-in table of docs/rules.md §2.3', () => {
    for (const env of [{}, { REVAL_DESIGNATED_BODIES_FILE: '  ' }]) {
      const map = loadDesignatedBodies(env);
      expect(map.codeByOwner.size).toBe(14);
      expect(designatedBodyForOwner('Health Education England Wessex', map)).toBe('1-1RUZUSF');
    }
  });

  test('a file replaces the built-in table', () => {
    const map = load(file('merged.json', '{"1-NEW": ["Wessex", "Thames Valley"]}'));
    expect(designatedBodyForOwner('Thames Valley', map)).toBe('1-NEW');
    expect(designatedBodyForOwner('North West', map)).toBeNull();
  });

  test.each([
    [
      'missing.json',
      null,
      /^REVAL_DESIGNATED_BODIES_FILE=".*missing\.json": cannot read the file \(ENOENT\)$/,
    ],
    ['bad.json', '{"1-A": [', /^REVAL_DESIGNATED_BODIES_FILE=".*bad\.json" is not valid JSON: /],
    ['list.json', '["Wessex"]', /is invalid: expected a JSON object/],
    ['code.json', '{"not a code": ["Wessex"]}', /is invalid: .*expected a designated body code/],
    [
      'empty.json',
      '{"1-A": []}',
      /is invalid: 1-A: expected a list of at least one programme owner/,
    ],
    ['blank.json', '{"1-A": [" "]}', /is invalid: 1-A\.0: expected a programme owner name/],
    [
      'twice.json',
      '{"1-A": ["Wessex"], "1-B": ["wessex"]}',
      /is invalid: programme owner "wessex" is listed under both 1-A and 1-B/,
    ],
  ])('%s is refused with a ConfigError naming the variable', (name, content, message) => {
    const path = content === null ? join(dir, name) : file(name, content);
    expect(() => load(path)).toThrow(ConfigError);
    expect(() => load(path)).toThrow(message);
  });
});
