// A failure of one local-stack service that the user can act on: it names the service and
// the log file that tells why, and carries the last lines of that log.
import { logTail } from './log-tail';

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
  // 64 KiB holds far more than 15 lines of any service's log, and a whole log can be huge.
  const text = logTail(logFile, 64 * 1024).trimEnd();
  if (!text) return '';
  const last = text.split('\n').slice(-lines);
  return `\n  last lines:\n${last.map((line) => `    ${line.slice(0, 300)}`).join('\n')}`;
}
