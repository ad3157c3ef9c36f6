// The text `reval explain` prints: where the answer came from, the record, the rules'
// explanation, the input rows with their positions, the dead letters and the history.
import type {
  DoctorDeadLetter,
  DoctorExplanation,
  ExplainedRow,
  HistoryAnswer,
  HistoryEntry,
  StatusSnapshot,
} from '../connections/explain';

export type ExplainSource =
  | { path: 'interactive query'; url: string }
  | { path: 'changelog'; why: string; topic: string; partition: number; offset: string | null };

export interface ExplainReport {
  /** The local date the rules took as today (REVAL_TIMEZONE). */
  today: string;
  source: ExplainSource;
  explanation: DoctorExplanation;
  deadLetters: DoctorDeadLetter[] | { notChecked: string };
  history?: HistoryAnswer;
}

const show = (value: unknown): string => {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(show).join(', ');
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

function describeSource(source: ExplainSource, explanation: DoctorExplanation): string {
  const owner = explanation.owner
    ? `instance ${explanation.owner.instance}${explanation.owner.url ? ` at ${explanation.owner.url}` : ''}`
    : 'no instance holds it now';
  if (source.path === 'interactive query') {
    return `Answered by ${source.url} (interactive query; partition ${explanation.partition}, ${owner})`;
  }
  const offset = source.offset === null ? '' : ` offset ${source.offset}`;
  return (
    `Read from the changelog ${source.topic} partition ${source.partition}${offset} ` +
    `(${owner}): ${source.why}`
  );
}

export function describeRow(row: ExplainedRow): string {
  const origin = row.origin;
  const where = origin
    ? `${origin.topic} partition ${origin.partition} offset ${origin.offset}; source ${origin.sourcePosition ?? '-'} at ${origin.sourceTime ?? '-'}`
    : // The Programme global table keeps none; other rows lack one if stored before it was kept.
      'origin not recorded';
  return `  ${row.source} ${row.key}: ${where}\n      ${JSON.stringify(row.row)}`;
}

function snapshot(state: StatusSnapshot | null): string {
  if (state === null) return '(no record)';
  const reason = state.connectionReason ? ` ${state.connectionReason}` : '';
  const exceptions =
    state.exceptionReasons.length > 0 ? ` exceptions ${state.exceptionReasons.join('+')}` : '';
  const discrepancy = state.discrepancy ? ` discrepancy ${state.discrepancy}` : '';
  return (
    `${state.connectionStatus}${reason}${exceptions}${discrepancy} ` +
    `(GMC ${state.designatedBody ?? '-'}, TIS ${state.tcsDesignatedBody ?? '-'})`
  );
}

export function describeChange(entry: HistoryEntry): string {
  const { cause } = entry;
  const input =
    cause.kind === 'INPUT' || cause.source !== null
      ? ` ${cause.source ?? '?'} ${cause.key ?? ''}`.trimEnd()
      : '';
  const at =
    cause.topic === null
      ? ''
      : ` at ${cause.topic} partition ${cause.partition} offset ${cause.offset}` +
        (cause.sourcePosition || cause.sourceTime
          ? ` (source ${cause.sourcePosition ?? '-'} at ${cause.sourceTime ?? '-'})`
          : '');
  return (
    `  ${entry.time}  ${snapshot(entry.before)} -> ${snapshot(entry.after)}\n` +
    `      cause ${cause.kind}${input}${at}; version ${entry.version}`
  );
}

export function formatExplainReport(report: ExplainReport): string {
  const { explanation, deadLetters, history } = report;
  const lines = [
    `Doctor ${explanation.gmcReferenceNumber}, derived as of ${report.today} (at ${explanation.at})`,
    describeSource(report.source, explanation),
    '',
  ];
  if (explanation.record === null) {
    lines.push('Record: none (the inputs make no doctor: a tombstone on reval.connections)');
  } else {
    lines.push('Record:');
    // The explanation is printed below, a sentence a line.
    const entries = Object.entries(explanation.record).filter(([key]) => key !== 'explanation');
    const width = Math.max(...entries.map(([key]) => key.length));
    for (const [key, value] of entries) lines.push(`  ${key.padEnd(width)}  ${show(value)}`);
  }
  lines.push('', 'Explanation:', ...explanation.explanation.map((sentence) => `  ${sentence}`));
  lines.push('', `Input rows that decided it (${explanation.rows.length}):`);
  lines.push(...explanation.rows.map(describeRow));
  lines.push('');
  if ('notChecked' in deadLetters) {
    lines.push(`Dead letters: not checked (${deadLetters.notChecked})`);
  } else if (deadLetters.length === 0) {
    lines.push('Dead letters: none name this doctor.');
  } else {
    lines.push(
      `Dead letters (${deadLetters.length}): inputs refused as unreadable that name this doctor. ` +
        'The state above is the last good one; nothing was lost: each letter keeps its ' +
        'record whole in the dead-letter topic until `reval dlq replay` sends it back.',
    );
    for (const letter of deadLetters) {
      lines.push(
        `  ${letter.sourceTopic} partition ${letter.sourcePartition} offset ${letter.sourceOffset}, ` +
          `refused ${letter.failedAt}: ${letter.reason}`,
      );
    }
  }
  if (history) {
    lines.push(
      '',
      `History (${history.entries.length} change${history.entries.length === 1 ? '' : 's'}, oldest first, from ${history.where}):`,
      ...history.entries.map(describeChange),
    );
  }
  return `${lines.join('\n')}\n`;
}
