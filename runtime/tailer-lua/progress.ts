/** Progress lines for `kumo-policy tail` (stderr): per tailer, segments and lines; per consumer, batches, records, commits. */
import type { TailSession } from './session';

function rate(n: number, ms: number): string {
  return ms > 0 ? `${Math.round((n / ms) * 1000)}/s` : '-';
}

function describe(session: TailSession, elapsedMs: number, final: boolean): string[] {
  const lines: string[] = [];
  for (const { label, stats } of session.stats()) {
    const consumers = stats.consumers.map((c) => `${c.name}: ${c.records} records in ${c.batches} batches, ${c.commits} commits`).join('; ');
    // The final line's layout is parsed by the editor (client/tail-summary.ts): keep it stable.
    const extra = !final && stats.currentFile ? `, reading ${stats.currentFile}` : '';
    lines.push(`${label}: ${stats.linesRead} lines read (${rate(stats.linesRead, elapsedMs)}), ${stats.segmentsFinished} segments finished${extra} | ${consumers}`);
    if (stats.badFiles) lines.push(`  ${stats.badFiles} bad files skipped (see the warnings above)`);
  }
  return lines;
}

export function formatProgress(session: TailSession, elapsedMs: number): string {
  return describe(session, elapsedMs, false).map((l) => `tail: ${l}`).join('\n');
}

export function formatSummary(session: TailSession, elapsedMs: number): string {
  const lines = describe(session, elapsedMs, true).map((l) => `  ${l}`);
  const events = [...session.eventCounts].map(([k, n]) => `${n} ${k}`).join(', ');
  return [`tail: finished after ${(elapsedMs / 1000).toFixed(1)} s${events ? ` (${events})` : ''}`, ...lines].join('\n');
}
