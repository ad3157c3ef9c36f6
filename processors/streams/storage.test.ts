// One contract for every storage backend: the test driver's memory storage and the two file
// backends must agree on what a task sees. Damaged files are opened in a child process, so
// that a backend that crashes (LMDB can) fails its test instead of killing the runner.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lmdbBackend } from './lmdb-storage';
import { memoryBackend } from './memory-storage';
import { sqliteBackend } from './sqlite-storage';
import { UnusableStorageError, type StorageBackend, type StoreWrites } from './storage';

const STORES = ['byDate', 'byId'] as const;

let dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reval-storage-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function writes(store: string, entries: [string, string | null][]): StoreWrites {
  return new Map([
    [
      store,
      new Map(entries.map(([key, value]) => [key, value === null ? null : Buffer.from(value)])),
    ],
  ]);
}

function keysOf(entries: Iterable<[string, Buffer]>): string[] {
  return [...entries].map(([key]) => key);
}

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

// Every shape of key the stores use, plus the orders that plain JS comparison gets wrong:
// U+FFFD sorts before U+1F600 in UTF-8, after its surrogates in UTF-16.
const KEYS = [
  '',
  '\u0000',
  '2026-11-30',
  '2026-11-30\u00007000001',
  '2026-11-30\u00007000002',
  '2026-11-30\u0000\u00e9',
  '2026-12-01\u00007000001',
  'GMC\u00007000001',
  'a',
  '\u00e9t\u00e9',
  '\ufffd',
  '\u{1f600}',
];

describe.each([memoryBackend, sqliteBackend, lmdbBackend])('$name storage', (backend) => {
  const open = (dir = tempDir()) => backend.open(dir, STORES, 1);

  it('starts empty', () => {
    const storage = open();
    expect(storage.get('byId', 'x')).toBeUndefined();
    expect(storage.checkpoint()).toEqual(new Map());
    expect(storage.entries('byId')).toBe(0);
    expect(keysOf(storage.range('byId', {}))).toEqual([]);
    storage.close();
  });

  it('applies puts and deletes, each store on its own', () => {
    const storage = open();
    storage.commit(
      writes('byId', [
        ['7000001', 'one'],
        ['7000002', 'two'],
      ]),
      new Map(),
    );
    storage.commit(writes('byDate', [['7000001', 'elsewhere']]), new Map());
    storage.commit(
      writes('byId', [
        ['7000001', null],
        ['7000003', 'three'],
      ]),
      new Map(),
    );
    // An overwrite and the delete of an absent key leave the count as it is.
    storage.commit(
      writes('byId', [
        ['7000002', 'two again'],
        ['absent', null],
      ]),
      new Map(),
    );
    expect(storage.get('byId', '7000001')).toBeUndefined();
    expect(storage.get('byId', '7000002')).toEqual(Buffer.from('two again'));
    expect(storage.get('byId', '7000003')).toEqual(Buffer.from('three'));
    expect(storage.get('byDate', '7000001')).toEqual(Buffer.from('elsewhere'));
    expect(storage.entries('byId')).toBe(2);
    storage.close();
  });

  it('keeps its own copy of a value', () => {
    const storage = open();
    const value = Buffer.from('before');
    storage.commit(new Map([['byId', new Map([['k', value]])]]), new Map());
    value.write('after!');
    expect(storage.get('byId', 'k')).toEqual(Buffer.from('before'));
    storage.close();
  });

  it('records the checkpoint with the writes, and keeps partitions a commit leaves out', () => {
    const storage = open();
    const big = 2n ** 60n + 1n;
    storage.commit(
      writes('byId', [['k', 'v']]),
      new Map([
        ['app-byId-changelog:0', 10n],
        ['app-byDate-changelog:0', big],
      ]),
    );
    storage.commit(writes('byId', [['k2', 'v']]), new Map([['app-byId-changelog:0', 12n]]));
    expect(storage.checkpoint()).toEqual(
      new Map([
        ['app-byId-changelog:0', 12n],
        ['app-byDate-changelog:0', big],
      ]),
    );
    storage.close();
  });

  it('changes nothing when a commit fails', () => {
    const storage = open();
    storage.commit(writes('byId', [['k', 'old']]), new Map([['c:0', 1n]]));
    const failing: StoreWrites = new Map([
      ['byId', new Map([['k', Buffer.from('new')]])],
      ['noSuchStore', new Map([['k', Buffer.from('x')]])],
    ]);
    expect(() => storage.commit(failing, new Map([['c:0', 2n]]))).toThrow(/noSuchStore/);
    expect(storage.get('byId', 'k')).toEqual(Buffer.from('old'));
    expect(storage.entries('byId')).toBe(1);
    expect(storage.checkpoint()).toEqual(new Map([['c:0', 1n]]));
    storage.close();
  });

  it('ranges in UTF-8 byte order, from gte inclusive to lt exclusive', () => {
    const storage = open();
    const shuffled = [...KEYS].reverse();
    storage.commit(
      writes(
        'byDate',
        shuffled.map((key) => [key, `v:${key}`]),
      ),
      new Map(),
    );
    const sorted = [...KEYS].sort(byUtf8);
    const all = [...storage.range('byDate', {})];
    expect(all.map(([key]) => key)).toEqual(sorted);
    expect(all.map(([, value]) => value.toString())).toEqual(sorted.map((key) => `v:${key}`));

    const day = { gte: '2026-11-30\u0000', lt: '2026-11-30\u0001' };
    expect(keysOf(storage.range('byDate', day))).toEqual([
      '2026-11-30\u00007000001',
      '2026-11-30\u00007000002',
      '2026-11-30\u0000\u00e9',
    ]);
    expect(keysOf(storage.range('byDate', { gte: '\u00e9t\u00e9' }))).toEqual([
      '\u00e9t\u00e9',
      '\ufffd',
      '\u{1f600}',
    ]);
    expect(keysOf(storage.range('byDate', { lt: '2026-11-30\u00007000001' }))).toEqual([
      '',
      '\u0000',
      '2026-11-30',
    ]);
    expect(keysOf(storage.range('byDate', { gte: 'b', lt: 'a' }))).toEqual([]);
    expect(keysOf(storage.range('byDate', { gte: 'a', lt: 'a' }))).toEqual([]);
    expect(keysOf(storage.range('byId', {}))).toEqual([]);
    storage.close();
  });

  it('ranges over thousands of entries, and lets a commit happen while a range is open', () => {
    const storage = open();
    const keys = Array.from({ length: 2500 }, (_, i) => `k\u0000${String(i).padStart(5, '0')}`);
    storage.commit(
      writes(
        'byId',
        keys.map((key) => [key, key]),
      ),
      new Map(),
    );
    expect(keysOf(storage.range('byId', {}))).toEqual(keys);
    expect(keysOf(storage.range('byId', { gte: keys[999], lt: keys[2001] }))).toEqual(
      keys.slice(999, 2001),
    );
    let seen = 0;
    for (const [key] of storage.range('byId', { gte: keys[10] })) {
      if (seen === 0) storage.commit(writes('byDate', [[key, 'x']]), new Map([['c:0', 1n]]));
      seen += 1;
    }
    expect(seen).toBe(2490);
    expect(storage.entries('byDate')).toBe(1);
    storage.close();
  });

  it('counts entries and reports its size', () => {
    const storage = open();
    const before = storage.sizeBytes();
    const value = Buffer.alloc(600, 7);
    const entries = new Map(Array.from({ length: 1000 }, (_, i) => [`key-${i}`, value]));
    storage.commit(new Map([['byId', entries]]), new Map());
    expect(storage.entries('byId')).toBe(1000);
    expect(storage.entries('byDate')).toBe(0);
    expect(storage.sizeBytes()).toBeGreaterThanOrEqual(before + 600 * 1000);
    storage.close();
  });
});

describe.each([sqliteBackend, lmdbBackend])('$name files', (backend) => {
  it('keeps data and checkpoint across a reopen, and adds a new store', () => {
    const dir = tempDir();
    const first = backend.open(dir, STORES, 1);
    expect(first.path?.startsWith(dir)).toBe(true);
    first.commit(
      writes(
        'byDate',
        KEYS.map((key) => [key, key]),
      ),
      new Map([['c:3', 42n]]),
    );
    first.close();
    const again = backend.open(dir, [...STORES, 'added'], 1);
    expect(keysOf(again.range('byDate', {}))).toEqual([...KEYS].sort(byUtf8));
    expect(again.get('byDate', '2026-11-30\u00007000001')).toEqual(
      Buffer.from('2026-11-30\u00007000001'),
    );
    expect(again.checkpoint()).toEqual(new Map([['c:3', 42n]]));
    expect(again.entries('byDate')).toBe(KEYS.length);
    expect(again.entries('added')).toBe(0);
    again.close();
  });

  it('refuses files of another format version, and leaves them as they were', () => {
    const dir = tempDir();
    const first = backend.open(dir, STORES, 1);
    first.commit(writes('byId', [['k', 'v']]), new Map());
    first.close();
    expect(() => backend.open(dir, STORES, 2)).toThrow(UnusableStorageError);
    expect(() => backend.open(dir, STORES, 2)).toThrow(/format version 1, expected 2/);
    const again = backend.open(dir, STORES, 1);
    expect(again.get('byId', 'k')).toEqual(Buffer.from('v'));
    again.close();
  });

  const damages: [string, (file: string) => void][] = [
    ['truncated to half', (file) => truncateSync(file, Math.floor(statSync(file).size / 2))],
    ['truncated to 100 bytes', (file) => truncateSync(file, 100)],
    ['emptied', (file) => truncateSync(file, 0)],
    ['garbage', (file) => writeFileSync(file, pseudoRandom(statSync(file).size))],
  ];
  it.each(damages)('throws UnusableStorageError when the file is %s', (_, damage) => {
    const dir = tempDir();
    fillAndClose(backend, dir);
    damage(dataFile(backend, dir));
    expect(openInChild(backend, dir)).toEqual({ error: 'UnusableStorageError' });
  });
});

it('sqlite: damage inside the pages surfaces as UnusableStorageError', () => {
  const dir = tempDir();
  fillAndClose(sqliteBackend, dir);
  const file = dataFile(sqliteBackend, dir);
  const bytes = readFileSync(file);
  // Keeps page 1 (header and schema), overwrites every other page.
  pseudoRandom(bytes.length - 4096).copy(bytes, 4096);
  writeFileSync(file, bytes);
  expect(openInChild(sqliteBackend, dir)).toEqual({ error: 'UnusableStorageError' });
});

it('lmdb: lmdb-js itself kills the process on a garbage file (why lmdb-storage checks first)', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'data.mdb'), pseudoRandom(64 * 1024));
  const child = spawnSync(
    process.execPath,
    ['-e', `require('lmdb').open({ path: ${JSON.stringify(dir)} })`],
    {
      cwd: join(__dirname, '../..'),
      encoding: 'utf8',
    },
  );
  expect(child.signal).toBe('SIGSEGV');
});

function fillAndClose(backend: StorageBackend, dir: string): void {
  const storage = backend.open(dir, STORES, 1);
  const value = Buffer.alloc(600, 1);
  for (let batch = 0; batch < 20; batch += 1) {
    const entries = new Map(Array.from({ length: 500 }, (_, i) => [`${batch}:${i}`, value]));
    storage.commit(new Map([['byId', entries]]), new Map([['c:0', BigInt(batch)]]));
  }
  storage.close();
}

function dataFile(backend: StorageBackend, dir: string): string {
  return join(dir, backend === sqliteBackend ? 'state.db' : 'data.mdb');
}

/** Repeatable garbage (a linear congruential sequence), so a failure can be replayed. */
function pseudoRandom(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 12345;
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = state >> 16;
  }
  return bytes;
}

// The child compiles the backend's TypeScript with swc (as Jest does), opens the directory
// and reads every store whole, then reports what was thrown.
const CHILD = `
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');
require.extensions['.ts'] = (module, file) => module._compile(transformSync(readFileSync(file, 'utf8'), {
  filename: file, module: { type: 'commonjs' }, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
}).code, file);
const [modulePath, name, dir, stores] = JSON.parse(process.argv[1]);
const backend = Object.values(require(modulePath)).find((value) => value && value.name === name);
try {
  const storage = backend.open(dir, stores, 1);
  for (const store of stores) for (const _ of storage.range(store, {}));
  storage.close();
  console.log(JSON.stringify({ opened: true }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name }));
}
`;

function openInChild(backend: StorageBackend, dir: string): unknown {
  const modulePath = join(__dirname, `${backend.name}-storage.ts`);
  const child = spawnSync(
    process.execPath,
    ['-e', CHILD, JSON.stringify([modulePath, backend.name, dir, STORES])],
    { cwd: join(__dirname, '../..'), encoding: 'utf8' },
  );
  if (child.signal || child.status !== 0) {
    return { crashed: child.signal ?? child.status, stderr: child.stderr.slice(-500) };
  }
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
}
