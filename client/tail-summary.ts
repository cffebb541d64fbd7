/**
 * Reads what `kumo-policy tail` prints on stderr at the end (and `segments list` on stdout) into the tail
 * result the webview charts: per tailer and consumer, records, batches and commits; checkpoints by name.
 * The tail command has no JSON output yet, so this parses its documented summary lines. Pure and tested.
 */
import type { TailConsumer, TailResult } from './results';

/** `  new_multi_tailer(DIR): 300 lines read (847/s), 2 segments finished | a: 25 records in 3 batches, 3 commits; b: ...` */
const TAILER_LINE = /^\s*(new_(?:multi_)?tailer)\(([^)]*)\):\s*(\d+) lines read[^,]*,\s*(\d+) segments? finished(?:\s*\|\s*(.*))?$/;
const CONSUMER = /^\s*(.+?):\s*(\d+) records? in (\d+) batch(?:es)?,\s*(\d+) commits?\s*$/;

export function parseTailSummary(stderr: string): TailResult {
  const result: TailResult = { kind: 'tail', consumers: [], segments: 0, lines: 0, tailers: [] };
  for (const line of stderr.split('\n')) {
    const m = TAILER_LINE.exec(line);
    if (!m) continue;
    result.tailers!.push({ kind: m[1], directory: m[2] });
    result.lines! += Number(m[3]);
    result.segments! += Number(m[4]);
    const consumers: TailConsumer[] = [];
    for (const part of (m[5] ?? '').split(';')) {
      const c = CONSUMER.exec(part);
      if (c) consumers.push({ name: c[1].trim(), records: Number(c[2]), batches: Number(c[3]), commits: Number(c[4]) });
    }
    // A plain new_tailer reports its totals without consumers: show it as one consumer named after the tailer.
    if (!consumers.length && !m[5]) consumers.push({ name: m[1], records: Number(m[3]) });
    // The summary may be printed more than once (progress, then final): keep the last figures per consumer.
    for (const c of consumers) {
      const i = result.consumers.findIndex((x) => x.name === c.name);
      if (i >= 0) result.consumers[i] = c;
      else result.consumers.push(c);
    }
  }
  return result;
}

/** `checkpoint NAME   {"file":"…","line":150}` lines of `kumo-policy segments list DIR`. */
export function parseCheckpoints(segmentsList: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of segmentsList.split('\n')) {
    const m = /^checkpoint\s+(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    try {
      out[m[1]] = JSON.parse(m[2]);
    } catch {
      out[m[1]] = m[2];
    }
  }
  return out;
}
