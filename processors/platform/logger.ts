// Structured JSON logs (pino). Secrets are redacted by key wherever they appear in a log
// object, as a second line of defence behind never passing them to the logger at all.
import pino, { type Logger } from 'pino';

export type { Logger };

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
    pino.destination(2),
  );
}
