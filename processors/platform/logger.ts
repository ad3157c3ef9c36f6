// Structured JSON logs (pino). Secrets are redacted by key wherever they appear in a log
// object, as a second line of defence behind never passing them to the logger at all.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Where logs go: stderr, or the file LOG_FILE names (one stream per process). */
let destination: { path: string | undefined; stream: DestinationStream } | undefined;

function logDestination(path = process.env.LOG_FILE || undefined): DestinationStream {
  if (destination?.path !== path || !destination) {
    if (path) mkdirSync(dirname(path), { recursive: true });
    destination = {
      path,
      stream: path
        ? pino.destination({ dest: path, append: true, sync: false })
        : pino.destination(2),
    };
  }
  return destination.stream;
}

const REDACTED_KEYS = [
  'password',
  'Password',
  'apiKey',
  'secret',
  'authorization',
  'sasl.password',
  '*.password',
  '*.Password',
  '*.apiKey',
  'headers.authorization',
];

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: REDACTED_KEYS, censor: '[hidden]' },
      base: { service: 'reval-stream', component: name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    logDestination(),
  );
}
