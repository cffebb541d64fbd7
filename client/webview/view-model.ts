/**
 * Turns a feature's JSON result into what the result webview draws: key/value blocks, tables, charts
 * (chart.js configurations without colours; the webview applies theme colours) and trace links.
 * Pure, shared by the extension (tests) and the webview script.
 */
import {
  featureOf, FeatureKind, PoolResult, SimulateResult, TailResult, TrafficResult, DlqResult, ExportLuaLsResult,
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

function rate(r: { spec: string; per_second: number } | null | undefined): string | undefined {
  return r ? `${r.spec} (${r.per_second.toFixed(r.per_second < 10 ? 3 : 1)}/s)` : undefined;
}

function simulateModel(r: SimulateResult): Section[] {
  const routing: [string, string | null | undefined][] = [
    ['queue', r.queue + (r.discarded ? ' (discarded at reception)' : '')], ['egress pool', r.egress_pool], ['egress source', r.egress_source],
    ['site name', r.site_name], ['ready queue', r.ready_queue], ['MX hosts', r.site?.hosts.join(', ')],
  ];
  const sections: Section[] = [{ type: 'kv', title: 'Routing', rows: routing.filter((row): row is [string, string] => typeof row[1] === 'string') }];
  if (r.queue_config) sections.push({ type: 'kv', title: 'Queue config', rows: kvRows(r.queue_config) });
  if (r.pool) sections.push({ type: 'table', title: `Pool ${r.pool.name} (${r.pool.origin})`, columns: ['source', 'weight'], rows: r.pool.entries.map((e) => [e.name, String(e.weight)]) });
  if (r.path_config) sections.push({ type: 'kv', title: 'Egress path config', rows: kvRows(r.path_config) });
  if (r.throttles) {
    const t = r.throttles;
    const rows: [string, string | undefined][] = [
      ['effective message rate', t.effective ? `${rate(t.effective)} from ${t.effective.from}` : 'unlimited'],
      ['queue max_message_rate', rate(t.queue)], ['path max_message_rate', rate(t.path)],
      ['max_connection_rate', rate(t.connection_rate)], ['connection_limit', String(t.connection_limit)],
      ['interval after burst', t.effective ? `${t.effective.interval_seconds} s (burst ${t.effective.burst})` : undefined],
    ];
    sections.push({ type: 'kv', title: 'Throttle timings', rows: rows.filter((row): row is [string, string] => row[1] !== undefined) });
    const rated = ([['queue', t.queue], ['path', t.path], ['connections', t.connection_rate]] as const).filter(([, v]) => v);
    if (rated.length) sections.push({ type: 'chart', id: 'throttle-rates', title: 'Rates (per hour)', chart: { type: 'bar', labels: rated.map(([k]) => k), datasets: [{ label: 'per hour', data: rated.map(([, v]) => v!.per_hour) }] } });
  }
  if (r.trace?.length) {
    sections.push({
      type: 'trace', title: 'Event trace',
      items: r.trace.map((t) => ({
        label: t.event,
        detail: [`(${(t.args ?? []).map(show).join(', ')})`, t.result !== undefined && t.result !== null ? `→ ${show(t.result)}` : t.handled ? '' : '(no handler)', t.error ? `error: ${t.error}` : '', `${t.duration_ms.toFixed(2)} ms`].filter(Boolean).join('  '),
        file: t.file, line: t.line, error: Boolean(t.error),
      })),
    });
    sections.push({ type: 'chart', id: 'trace-durations', title: 'Event durations (ms)', chart: { type: 'bar', labels: r.trace.map((t) => t.event), datasets: [{ label: 'ms', data: r.trace.map((t) => t.duration_ms) }] } });
  }
  if (r.notes?.length) sections.push({ type: 'table', title: 'Notes', columns: ['note'], rows: r.notes.map((n) => [n]) });
  return sections;
}

function poolModel(r: PoolResult): Section[] {
  const sources = Object.keys(r.shares);
  const sections: Section[] = [
    { type: 'chart', id: 'pool-shares', title: `Share of ${r.picks ?? r.sequence.length} picks per source${r.pool ? ` in ${r.pool}` : ''}`, chart: { type: 'doughnut', labels: sources, datasets: [{ label: 'share', data: sources.map((s) => r.shares[s]) }] } },
  ];
  // Pick sequence: one line per source, its cumulative number of picks after each pick (WRR's interleaving shows
  // as the lines' staircase; their slopes are the shares).
  const names = [...new Set([...sources, ...r.sequence])];
  const shown = r.sequence.slice(0, 200);
  const counts = new Map(names.map((n) => [n, 0]));
  const cumulative = new Map(names.map((n) => [n, [] as number[]]));
  for (const pick of shown) {
    counts.set(pick, counts.get(pick)! + 1);
    for (const n of names) cumulative.get(n)!.push(counts.get(n)!);
  }
  sections.push({
    type: 'chart', id: 'pool-sequence', title: `Pick sequence (first ${shown.length} of ${r.sequence.length}): cumulative picks per source`,
    chart: { type: 'line', labels: shown.map((_, i) => i + 1), datasets: names.map((n) => ({ label: n, data: cumulative.get(n)!, stepped: true })), xTitle: 'pick', yTitle: 'picks so far' },
  });
  const info = new Map((r.sources ?? []).map((s) => [s.name, s]));
  const rows = sources.map((s) => {
    const i = info.get(s);
    return [s, i ? String(i.weight) : '', `${(r.shares[s] * 100).toFixed(1)}%`, i ? `${(i.effective_share * 100).toFixed(1)}%` : '', r.warmup?.[s] !== undefined ? r.warmup[s].toFixed(2) : '', r.rates?.[s] !== undefined ? r.rates[s].toFixed(2) : '', i?.limited_by ?? ''];
  });
  sections.push({ type: 'table', title: 'Sources', columns: ['source', 'weight', 'share of picks', 'effective share', 'warm-up weight', 'effective rate (msg/s)', 'limited by'], rows });
  if (r.warmup && Object.keys(r.warmup).length) {
    sections.push({ type: 'chart', id: 'pool-warmup', title: 'Configured vs effective (warm-up) weights', chart: { type: 'bar', labels: sources, datasets: [{ label: 'configured weight', data: sources.map((s) => info.get(s)?.weight ?? 0) }, { label: 'effective weight', data: sources.map((s) => r.warmup[s] ?? 0) }] } });
  }
  if (r.rates && Object.keys(r.rates).length) {
    sections.push({ type: 'chart', id: 'pool-rates', title: 'Throttle-limited rate per source (msg/s)', chart: { type: 'bar', labels: sources, datasets: [{ label: 'msg/s', data: sources.map((s) => r.rates[s] ?? 0) }] } });
  }
  if (r.notes?.length) sections.push({ type: 'table', title: 'Notes', columns: ['note'], rows: r.notes.map((n) => [n]) });
  return sections;
}

function trafficModel(r: TrafficResult): Section[] {
  const time = r.time;
  const sections: Section[] = [{ type: 'kv', title: `Totals: ${r.messages} messages over ${r.duration_sec} simulated seconds`, rows: kvRows(r.totals as unknown as Record<string, unknown>) }];
  sections.push({
    type: 'chart', id: 'traffic-depth', title: 'Queue depth per queue', chart: { type: 'line', labels: time, xTitle: 'simulated seconds', datasets: r.queues.map((q) => ({ label: q.name, data: q.depth })) },
  });
  for (const q of r.queues) {
    sections.push({
      type: 'chart', id: `queue-${q.name}`.replace(/[^A-Za-z0-9_-]/g, '_'), title: `Queue ${q.name} (pool ${q.pool}, site ${q.site})`,
      chart: { type: 'line', labels: time, xTitle: 'simulated seconds', datasets: [
        { label: 'sent', data: q.sent }, { label: 'deferred', data: q.deferred }, { label: 'bounced', data: q.bounced },
        { label: 'expired', data: q.expired }, { label: 'queue depth', data: q.depth },
      ] },
    });
  }
  for (const p of r.paths) {
    sections.push({
      type: 'chart', id: `path-${p.name}`.replace(/[^A-Za-z0-9_-]/g, '_'), title: `Path ${p.name}`,
      chart: { type: 'line', labels: time, xTitle: 'simulated seconds', datasets: [
        { label: 'sent', data: p.sent }, { label: 'deferred', data: p.deferred }, { label: 'bounced', data: p.bounced },
        { label: 'throttle sleeps', data: p.throttle_sleeps }, { label: 'ready queue depth', data: p.depth }, { label: 'connections', data: p.connections },
      ] },
    });
  }
  if (r.notes?.length) sections.push({ type: 'table', title: 'Notes', columns: ['note'], rows: r.notes.map((n) => [n]) });
  return sections;
}

function tailModel(r: TailResult): Section[] {
  const names = r.consumers.map((c) => c.name);
  return [
    { type: 'chart', id: 'tail-counts', title: 'Per consumer', chart: { type: 'bar', labels: names, datasets: [{ label: 'records', data: r.consumers.map((c) => c.records ?? 0) }, { label: 'batches', data: r.consumers.map((c) => c.batches ?? 0) }, { label: 'commits', data: r.consumers.map((c) => c.commits ?? 0) }] } },
    { type: 'table', title: 'Consumers', columns: ['consumer', 'records', 'batches', 'commits'], rows: r.consumers.map((c) => [c.name, show(c.records), show(c.batches), show(c.commits)]) },
    ...(r.checkpoints ? [{ type: 'table' as const, title: 'Checkpoints', columns: ['name', 'position'], rows: Object.entries(r.checkpoints).map(([k, v]) => [k, show(v)]) }] : []),
    { type: 'kv', title: 'Run', rows: ([['segments finished', r.segments], ['lines read', r.lines], ['exit status', r.exitCode]] as [string, unknown][]).filter(([, v]) => v !== undefined).map(([k, v]) => [k, show(v)] as [string, string]) },
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
