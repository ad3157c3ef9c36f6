// The two file backends of the task storage, side by side on the same data: commit, random
// get and prefix-range throughput, reopen time, file size, and the process's memory after
// writing and after reading everything once. Each backend runs in a child process of its own
// so that their resident sets do not mix; LMDB maps its file, so its reads show up in RssFile
// (page cache mapped into the process), SQLite's in the kernel's page cache outside it.
//
//   npx tsc -p tsconfig.build.json && node dist/test/bench/store-backends.js [entries]
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lmdbBackend } from '../../processors/streams/lmdb-storage';
import { sqliteBackend } from '../../processors/streams/sqlite-storage';
import type { StorageBackend, TaskStorage } from '../../processors/streams/storage';

const BACKENDS: Record<string, StorageBackend> = { sqlite: sqliteBackend, lmdb: lmdbBackend };
const STORES = ['byDate', 'byId'];
const BATCH = 1000;
const TIMED_COMMITS = 100_000;
const DAYS = 30;

interface Memory {
  rssMb: number;
  anonMb: number;
  fileMb: number;
  peakMb: number;
}

interface Figures {
  entries: number;
  commitPerSec: number;
  commitAllPerSec: number;
  overwritePerSec: number;
  getPerSec: number;
  prefixMs: number;
  prefixEntries: number;
  scanPerSec: number;
  entriesCountMs: number;
  reopenMs: number;
  quickCheckMs: number | null;
  fileMb: number;
  afterWrite: Memory;
  afterRead: Memory;
}

function memory(): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  const mb = (field: string) => Math.round(kb(field) / 1024);
  return { rssMb: mb('VmRSS'), anonMb: mb('RssAnon'), fileMb: mb('RssFile'), peakMb: mb('VmHWM') };
}

// Keys as the stores write them (a date, a NUL, a GMC number); values are 500..700-byte
// slices of a random pool, so they neither compress nor cost a buffer each.
function keyOf(i: number): string {
  const day = String((i % DAYS) + 1).padStart(2, '0');
  return `2026-11-${day}\u0000${7_000_000 + i}`;
}

const pool = randomBytes(1 << 20);
function valueOf(i: number): Buffer {
  const length = 500 + ((i * 7919) % 201);
  const start = (i * 104_729) % (pool.length - length);
  return pool.subarray(start, start + length);
}

/** Commits keys from..to in batches; `version` > 0 gives existing keys new values. */
function commitRange(storage: TaskStorage, from: number, to: number, version = 0): number {
  const started = performance.now();
  for (let first = from; first < to; first += BATCH) {
    const entries = new Map<string, Buffer | null>();
    for (let i = first; i < Math.min(first + BATCH, to); i += 1) {
      entries.set(keyOf(i), valueOf(i + version));
    }
    storage.commit(new Map([['byDate', entries]]), new Map([['changelog:0', BigInt(first)]]));
  }
  return ((to - from) / (performance.now() - started)) * 1000;
}

function measure(name: string, entries: number): Figures {
  const backend = BACKENDS[name];
  const dir = mkdtempSync(join(tmpdir(), `store-bench-${name}-`));
  try {
    let storage = backend.open(dir, STORES, 1);
    const timed = Math.min(TIMED_COMMITS, entries);
    const commitPerSec = commitRange(storage, 0, timed);
    const rest = timed < entries ? commitRange(storage, timed, entries) : commitPerSec;
    const commitAllPerSec = entries / (timed / commitPerSec + (entries - timed) / rest);
    const overwritePerSec = commitRange(storage, 0, timed, 1);
    if (storage.entries('byDate') !== entries) throw new Error('overwrites changed the count');
    const afterWrite = memory();

    const gets = 200_000;
    let started = performance.now();
    for (let n = 0; n < gets; n += 1) {
      const i = Math.floor(Math.random() * entries);
      if (!storage.get('byDate', keyOf(i))) throw new Error(`lost ${keyOf(i)}`);
    }
    const getPerSec = (gets / (performance.now() - started)) * 1000;

    started = performance.now();
    let prefixEntries = 0;
    for (let day = 1; day <= DAYS; day += 1) {
      const prefix = `2026-11-${String(day).padStart(2, '0')}\u0000`;
      for (const _ of storage.range('byDate', {
        gte: prefix,
        lt: `${prefix.slice(0, -1)}\u0001`,
      })) {
        prefixEntries += 1;
      }
    }
    const prefixMs = (performance.now() - started) / DAYS;

    started = performance.now();
    let scanned = 0;
    for (const _ of storage.range('byDate', {})) scanned += 1;
    const scanPerSec = (scanned / (performance.now() - started)) * 1000;
    if (scanned !== entries) throw new Error(`scanned ${scanned} of ${entries}`);
    const afterRead = memory();

    started = performance.now();
    storage.entries('byDate');
    const entriesCountMs = performance.now() - started;
    storage.close();

    started = performance.now();
    storage = backend.open(dir, STORES, 1);
    storage.checkpoint();
    storage.get('byDate', keyOf(0));
    const reopenMs = performance.now() - started;
    const fileMb = storage.sizeBytes() / 2 ** 20;
    storage.close();

    return {
      entries,
      commitPerSec,
      commitAllPerSec,
      overwritePerSec,
      getPerSec,
      prefixMs,
      prefixEntries: prefixEntries / DAYS,
      scanPerSec,
      entriesCountMs,
      reopenMs,
      quickCheckMs: name === 'sqlite' ? quickCheckMs(join(dir, 'state.db')) : null,
      fileMb,
      afterWrite,
      afterRead,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What checking the whole file at open would add (SQLite finds damage on reads anyway). */
function quickCheckMs(file: string): number {
  const started = performance.now();
  const db = new Database(file, { readonly: true });
  const result = db.pragma('quick_check', { simple: true });
  db.close();
  if (result !== 'ok') throw new Error(`quick_check: ${String(result)}`);
  return performance.now() - started;
}

function table(results: Record<string, Figures>): string {
  const names = Object.keys(results);
  const int = (value: number) => Math.round(value).toLocaleString('en-GB');
  const one = (value: number) => value.toFixed(1);
  const rows: [string, (f: Figures) => string][] = [
    ['entries in the store', (f) => int(f.entries)],
    [`commit, first ${int(TIMED_COMMITS)} (entries/s)`, (f) => int(f.commitPerSec)],
    ['commit, all (entries/s)', (f) => int(f.commitAllPerSec)],
    [`overwrite ${int(TIMED_COMMITS)} existing keys (entries/s)`, (f) => int(f.overwritePerSec)],
    ['random get (gets/s)', (f) => int(f.getPerSec)],
    ['prefix range, one day (ms)', (f) => `${one(f.prefixMs)} (${int(f.prefixEntries)})`],
    ['full scan (entries/s)', (f) => int(f.scanPerSec)],
    ['entries() (ms)', (f) => one(f.entriesCountMs)],
    ['reopen + checkpoint + get (ms)', (f) => one(f.reopenMs)],
    ['quick_check of the file (ms)', (f) => (f.quickCheckMs === null ? '-' : int(f.quickCheckMs))],
    ['file size (MiB)', (f) => one(f.fileMb)],
    ['after writing: RSS / anon / file (MiB)', (f) => memoryCell(f.afterWrite)],
    ['after reading all: RSS / anon / file', (f) => memoryCell(f.afterRead)],
    ['peak RSS, VmHWM (MiB)', (f) => int(f.afterRead.peakMb)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const cell = 22;
  const lines = [
    `${''.padEnd(width)}  ${names.map((name) => name.padStart(cell)).join('')}`,
    ...rows.map(
      ([label, format]) =>
        `${label.padEnd(width)}  ${names.map((name) => format(results[name]).padStart(cell)).join('')}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function memoryCell(memory: Memory): string {
  return `${memory.rssMb} / ${memory.anonMb} / ${memory.fileMb}`;
}

function main(): void {
  const [backend, count] = process.argv.slice(2);
  if (backend && backend in BACKENDS) {
    process.stdout.write(`${JSON.stringify(measure(backend, Number(count)))}\n`);
    return;
  }
  const entries = Number(backend ?? 200_000);
  if (!Number.isInteger(entries) || entries < BATCH) {
    throw new Error('usage: store-backends.js [entries (at least 1000)]');
  }
  const results: Record<string, Figures> = {};
  for (const name of Object.keys(BACKENDS)) {
    const child = spawnSync(process.execPath, ['--expose-gc', __filename, name, String(entries)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (child.status !== 0)
      throw new Error(`${name} bench failed (${child.signal ?? child.status})`);
    results[name] = JSON.parse(child.stdout) as Figures;
  }
  process.stdout.write(
    `Task storage backends, node ${process.version}, batches of ${BATCH}, ` +
      `values 500..700 bytes, ${DAYS} key prefixes (days)\n\n${table(results)}`,
  );
}

main();
