// A failure of one local-stack service that the user can act on: it names the service and
// the log file that tells why, and carries the last lines of that log.
import { existsSync, readFileSync } from 'node:fs';

export class StackError extends Error {
  constructor(
    readonly service: string,
    message: string,
    readonly logFile?: string,
  ) {
    super(`${service}: ${message}${logFile ? `\n  log: ${logFile}${tail(logFile)}` : ''}`);
    this.name = 'StackError';
  }
}

function tail(logFile: string, lines = 15): string {
  if (!existsSync(logFile)) return '';
  const text = readFileSync(logFile, 'utf8').trimEnd();
  if (!text) return '';
  const last = text.split('\n').slice(-lines);
  return `\n  last lines:\n${last.map((line) => `    ${line.slice(0, 300)}`).join('\n')}`;
}
