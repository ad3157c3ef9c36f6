import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackError } from './errors';
import { kafka } from './kafka';
import { waitUntilReady } from './processes';

describe('waiting for a service to start', () => {
  const log = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reval-ready-')), 'service.log');
    writeFileSync(file, 'starting\n');
    return file;
  };

  it('gives up when the service neither answers nor writes to its log for the quiet limit', async () => {
    const logFile = log();
    const began = Date.now();
    const waiting = waitUntilReady({
      service: 'kafka',
      probe: async () => false,
      exited: () => undefined,
      quietMs: 1200,
      logFile,
    });
    await expect(waiting).rejects.toThrow(StackError);
    await expect(waiting).rejects.toThrow(/its log has been silent for 1 s/);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1200);
  });

  it('keeps waiting past the quiet limit while the log grows, as a long log recovery does', async () => {
    const logFile = log();
    const began = Date.now();
    const writer = setInterval(() => appendFileSync(logFile, 'loading a partition log\n'), 200);
    try {
      await waitUntilReady({
        service: 'kafka',
        probe: async () => Date.now() - began > 3000,
        exited: () => undefined,
        quietMs: 1000,
        logFile,
      });
    } finally {
      clearInterval(writer);
    }
    expect(Date.now() - began).toBeGreaterThan(3000);
  });

  it('fails at once, naming how, when the process ends before it answers', async () => {
    await expect(
      waitUntilReady({
        service: 'kafka',
        probe: async () => false,
        exited: () => 'exited with code 1',
        quietMs: 60_000,
        logFile: log(),
      }),
    ).rejects.toThrow(/exited with code 1 before it was ready/);
  });
});

describe("Kafka's start-up progress", () => {
  it('reads the count of loaded partition logs from the end of its log', () => {
    const tail =
      '… with 1 segments … in 41ms (1274/8857 completed in /data)\n' +
      '… with 1 segments … in 40ms (1275/8857 completed in /data)\n';
    expect(kafka.describeStart?.(tail)).toBe('loading partition logs: 1275 of 8857');
    expect(kafka.describeStart?.('Starting controller\n')).toBeUndefined();
  });
});
