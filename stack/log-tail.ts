// The end of a service's log, read without loading the whole file: a Kafka log that has
// recovered thousands of partitions is hundreds of MB.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** The last `bytes` of a file as text ('' when it is missing or unreadable). */
export function logTail(file: string, bytes = 8192): string {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(bytes, size));
      readSync(fd, buffer, 0, buffer.length, size - buffer.length);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
