/**
 * Turns a feature's JSON result into what the result webview draws: key/value blocks, tables, charts
 * (chart.js configurations without colours; the webview applies theme colours) and trace links.
 * Pure, shared by the extension (tests) and the webview script.
 */
import {
  featureOf, FeatureKind, PoolResult, SimulateResult, TailResult, TrafficResult, TrafficSeries, DlqResult, ExportLuaLsResult,
} from '../results';

export interface ChartSpec {
  type: 'bar' | 'line' | 'doughnut';
  labels: (string | number)[];
  datasets: { label: string; data: number[]; stepped?: boolean }[];
  stacked?: boolean;
  xTitle?: string;
  yTitle?: string;
}

export type Section =
  | { type: 'kv'; title: string; rows: [string, string][] }
  | { type: 'table'; title: string; columns: string[]; rows: string[][] }
  | { type: 'chart'; id: string; title: string; chart: ChartSpec }
  | { type: 'trace'; title: string; items: { label: string; detail: string; file?: string; line?: number; error?: boolean }[] }
  | { type: 'json'; title: string; value: unknown };

export interface ViewModel {
  feature: FeatureKind;
  title: string;
  sections: Section[];
}

function show(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function kvRows(obj: Record<string, unknown> | undefined): [string, string][] {
  return Object.entries(obj ?? {}).map(([k, v]) => [k, show(v)]);
}

function simulateModel(r: SimulateResult): Section[] {
  const sections: Section[] = [{
    type: 'kv', title: 'Routing',
    rows: ([
      ['queue', r.queue], ['egress pool', r.egress_pool], ['egress source', r.egress_source], ['site name', r.site_name],
    ] as [string, string | undefined][]).filter((row): row is [string, string] => row[1] !== undefined),
  }];
  if (r.queue_config) sections.push({ type: 'kv', title: 'Queue config', rows: kvRows(r.queue_config) });
  if (r.path_config) sections.push({ type: 'kv', title: 'Egress path config', rows: kvRows(r.path_config) });
  if (r.throttle) sections.push({ type: 'kv', title: 'Throttle timings', rows: kvRows(r.throttle) });
  if (r.trace?.length) {
    sections.push({
      type: 'trace', title: 'Event trace',
      items: r.trace.map((t) => ({
        label: t.event,
        detail: [t.args ? `(${t.args.map(show).join(', ')})` : '', t.result !== undefined ? `→ ${show(t.result)}` : '', t.error ? `error: ${t.error}` : '', t.duration_ms !== undefined ? `${t.duration_ms.toFixed(2)} ms` : ''].filter(Boolean).join('  '),
        file: t.file, line: t.line, error: Boolean(t.error),
      })),
    });
    const timed = r.trace.filter((t) => t.duration_ms !== undefined);
    if (timed.length) {
      sections.push({ type: 'chart', id: 'trace-durations', title: 'Event durations (ms)', chart: { type: 'bar', labels: timed.map((t) => t.event), datasets: [{ label: 'ms', data: timed.map((t) => t.duration_ms!) }] } });
    }
  }
  return sections;
}

function poolModel(r: PoolResult): Section[] {
  const sources = Object.keys(r.shares);
  const sections: Section[] = [
    { type: 'chart', id: 'pool-shares', title: `Share of messages per source${r.pool ? ` in ${r.pool}` : ''}`, chart: { type: 'doughnut', labels: sources, datasets: [{ label: 'share', data: sources.map((s) => r.shares[s]) }] } },
  ];
  // Pick sequence: x = pick number, y = index of the chosen source (a step chart, one line).
  const index = new Map(sources.map((s, i) => [s, i]));
  for (const s of r.sequence) if (!index.has(s)) index.set(s, index.size);
  const shown = r.sequence.slice(0, 200);
  sections.push({
    type: 'chart', id: 'pool-sequence', title: `Pick sequence (first ${shown.length} of ${r.sequence.length})`,
    chart: { type: 'line', labels: shown.map((_, i) => i + 1), datasets: [{ label: 'source index', data: shown.map((s) => index.get(s)!), stepped: true }], xTitle: 'pick', yTitle: [...index.keys()].map((s, i) => `${i}=${s}`).join(' ') },
  });
  const rows = sources.map((s) => [s, `${(r.shares[s] * 100).toFixed(1)}%`, r.warmup?.[s] !== undefined ? show(r.warmup[s]) : '', r.rates?.[s] !== undefined ? show(r.rates[s]) : '']);
  sections.push({ type: 'table', title: 'Sources', columns: ['source', 'share', 'warm-up weight', 'effective rate (msg/s)'], rows });
  if (r.warmup) {
    sections.push({ type: 'chart', id: 'pool-warmup', title: 'Configured vs warm-up weights', chart: { type: 'bar', labels: sources, datasets: [{ label: 'share', data: sources.map((s) => r.shares[s]) }, { label: 'warm-up weight', data: sources.map((s) => r.warmup?.[s] ?? 0) }] } });
  }
  return sections;
}

function seriesCharts(prefix: string, time: number[], series: TrafficSeries[] | undefined): Section[] {
  const out: Section[] = [];
  for (const s of series ?? []) {
    const datasets = (['sent', 'deferred', 'bounced', 'expired', 'depth'] as const)
      .filter((k) => Array.isArray(s[k]))
      .map((k) => ({ label: k === 'depth' ? 'queue depth' : k, data: s[k]! }));
    out.push({ type: 'chart', id: `${prefix}-${s.name}`.replace(/[^A-Za-z0-9_-]/g, '_'), title: `${prefix} ${s.name}`, chart: { type: 'line', labels: time, datasets, xTitle: 'simulated seconds' } });
  }
  return out;
}

function trafficModel(r: TrafficResult): Section[] {
  return [...seriesCharts('queue', r.time, r.queues), ...seriesCharts('path', r.time, r.paths)];
}

function tailModel(r: TailResult): Section[] {
  const names = r.consumers.map((c) => c.name);
  return [
    { type: 'chart', id: 'tail-counts', title: 'Per consumer', chart: { type: 'bar', labels: names, datasets: [{ label: 'records', data: r.consumers.map((c) => c.records ?? 0) }, { label: 'batches', data: r.consumers.map((c) => c.batches ?? 0) }, { label: 'commits', data: r.consumers.map((c) => c.commits ?? 0) }] } },
    { type: 'table', title: 'Checkpoints', columns: ['consumer', 'records', 'batches', 'commits', 'checkpoint'], rows: r.consumers.map((c) => [c.name, show(c.records), show(c.batches), show(c.commits), show(c.checkpoint)]) },
  ];
}

function dlqModel(r: DlqResult): Section[] {
  const sections: Section[] = [{
    type: 'kv', title: `Dead letters in ${r.directory}`,
    rows: [['retry records', String(r.totals.retryRecords)], ['pending (due later)', String(r.totals.pending)], ['permanent records', String(r.totals.permanentRecords)],
      ...(r.replayState ? [['interrupted replay resumes at', `${r.replayState.segment}:${r.replayState.line}`] as [string, string]] : [])],
  }];
  const segments = [...new Set([...r.retry.map((e) => e.segment), ...r.permanent.map((e) => e.segment)])];
  sections.push({
    type: 'chart', id: 'dlq-counts', title: 'Records per dead-letter segment',
    chart: {
      type: 'bar', labels: segments.length ? segments : ['(empty)'], stacked: true,
      datasets: [
        { label: 'retry', data: segments.length ? segments.map((s) => r.retry.find((e) => e.segment === s)?.records ?? 0) : [0] },
        { label: 'permanent', data: segments.length ? segments.map((s) => r.permanent.find((e) => e.segment === s)?.records ?? 0) : [0] },
      ],
    },
  });
  if (r.retry.length) {
    sections.push({ type: 'table', title: 'Retry log', columns: ['segment', 'records', 'pending', 'bytes', 'attempts'], rows: r.retry.map((e) => [e.segment, String(e.records), String(e.pending), String(e.bytes), show(e.attempts)]) });
  }
  return sections;
}

function exportModel(r: ExportLuaLsResult): Section[] {
  return [
    { type: 'table', title: `LuaLS definitions written to ${r.directory}`, columns: ['file', 'bytes'], rows: r.files.map((f) => [f.name, String(f.bytes)]) },
    { type: 'chart', id: 'export-sizes', title: 'Definition file sizes (bytes)', chart: { type: 'bar', labels: r.files.map((f) => f.name), datasets: [{ label: 'bytes', data: r.files.map((f) => f.bytes) }] } },
  ];
}

const TITLES: Record<FeatureKind, string> = {
  simulate: 'Queue simulation', pool: 'Pool weighting preview', traffic: 'Traffic simulation', tail: 'Tailer run',
  dlq: 'Dead letters', 'export-luals': 'LuaLS definitions', unknown: 'Result',
};

/** The view of any CLI JSON result; unrecognised results are shown as JSON rather than guessed at. */
export function buildViewModel(value: unknown, title?: string): ViewModel {
  const feature = featureOf(value);
  let sections: Section[] = [];
  switch (feature) {
    case 'simulate': sections = simulateModel(value as SimulateResult); break;
    case 'pool': sections = poolModel(value as PoolResult); break;
    case 'traffic': sections = trafficModel(value as TrafficResult); break;
    case 'tail': sections = tailModel(value as TailResult); break;
    case 'dlq': sections = dlqModel(value as DlqResult); break;
    case 'export-luals': sections = exportModel(value as ExportLuaLsResult); break;
    case 'unknown': break;
  }
  sections.push({ type: 'json', title: 'Raw result (CLI --format json)', value });
  return { feature, title: title ?? TITLES[feature], sections };
}
