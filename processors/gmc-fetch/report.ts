// The run report (gmc.sync-runs, schemas/gmc-sync-run.avsc) and its console forms.
import type { BodyOutcome, Comparison, DoctorInSeveralLists } from './compare';

export type SyncRunStatus = 'SUCCEEDED' | 'PARTIAL' | 'FAILED';

export interface GmcSyncRunReport {
  runId: string;
  requestTime: Date;
  finishedTime: Date;
  status: SyncRunStatus;
  forced: boolean;
  designatedBodies: BodyOutcome[];
  doctorsInSeveralLists: DoctorInSeveralLists[];
}

export function runStatus(bodies: readonly BodyOutcome[]): SyncRunStatus {
  const applied = bodies.filter((b) => b.status === 'OK').length;
  if (applied === bodies.length) return 'SUCCEEDED';
  return applied === 0 ? 'FAILED' : 'PARTIAL';
}

export function buildRunReport(
  comparison: Comparison,
  run: { runId: string; requestTime: Date; finishedTime: Date; forced: boolean },
): GmcSyncRunReport {
  return {
    ...run,
    status: runStatus(comparison.bodies),
    designatedBodies: comparison.bodies,
    doctorsInSeveralLists: comparison.doctorsInSeveralLists,
  };
}

/** A plain text table, columns padded to their widest cell. */
export function formatTable(header: string[], rows: (string | number | null)[][]): string {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (cell === null ? '-' : String(cell)))),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatRunSummary(report: GmcSyncRunReport): string {
  const table = formatTable(
    [
      'designated body',
      'status',
      'code',
      'doctors',
      'ms',
      'connected',
      'disconnected',
      'moved',
      'updated',
      'error',
    ],
    report.designatedBodies.map((b) => [
      b.designatedBody,
      b.status,
      b.returnCode,
      b.doctorCount,
      b.durationMs,
      b.connected,
      b.disconnected,
      b.moved,
      b.updated,
      b.error,
    ]),
  );
  const lines = [
    `GMC sync run ${report.runId}: ${report.status}${report.forced ? ' (forced)' : ''}`,
    table,
  ];
  for (const d of report.doctorsInSeveralLists) {
    lines.push(
      `doctor ${d.gmcReferenceNumber} is listed by several bodies: ${d.designatedBodies.join(', ')}`,
    );
  }
  return lines.join('\n');
}
