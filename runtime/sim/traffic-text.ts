/** The text form of a traffic run: totals, then one line per queue and per path. */
import type { TrafficRunResult } from './traffic-run-types';

function n(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

export function formatTrafficText(r: TrafficRunResult): string {
  const t = r.totals;
  const out: string[] = [];
  out.push(`${n(t.injected)} messages over ${r.duration_sec} simulated seconds (${r.queues.length} queues, ${r.paths.length} egress paths)`);
  out.push(`sent ${n(t.sent)}, bounced ${n(t.bounced)}, expired ${n(t.expired)}, still queued ${n(t.in_queue)}${t.stranded ? `, stranded ${n(t.stranded)}` : ''}; deferrals ${n(t.deferred)}, retries ${n(t.retries)}, queue throttle delays ${n(t.throttle_delays)}, get_queue_config calls ${n(t.queue_config_calls)}`);
  const qw = Math.max(5, ...r.queues.map((q) => q.name.length));
  const pw = Math.max(4, ...r.paths.map((p) => p.name.length));
  out.push('queues');
  out.push(`  ${'queue'.padEnd(qw)} ${'pool'.padEnd(12)} ${'sent'.padStart(9)} ${'deferred'.padStart(9)} ${'bounced'.padStart(8)} ${'expired'.padStart(8)} ${'retries'.padStart(8)} ${'throttled'.padStart(9)} ${'depth'.padStart(7)}`);
  for (const q of r.queues) {
    const qt = q.totals;
    out.push(`  ${q.name.padEnd(qw)} ${q.pool.padEnd(Math.max(12, q.pool.length))} ${n(qt.sent).padStart(9)} ${n(qt.deferred).padStart(9)} ${n(qt.bounced).padStart(8)} ${n(qt.expired).padStart(8)} ${n(qt.retries).padStart(8)} ${n(qt.throttleDelays).padStart(9)} ${n(q.depth[q.depth.length - 1] ?? 0).padStart(7)}`);
  }
  out.push('egress paths');
  out.push(`  ${'path'.padEnd(pw)} ${'sent'.padStart(9)} ${'deferred'.padStart(9)} ${'bounced'.padStart(8)} ${'sleeps'.padStart(8)} ${'requeues'.padStart(8)} ${'max conn'.padStart(8)}`);
  for (const p of r.paths) {
    const pt = p.totals;
    out.push(`  ${p.name.padEnd(pw)} ${n(pt.sent).padStart(9)} ${n(pt.deferred).padStart(9)} ${n(pt.bounced).padStart(8)} ${n(pt.throttleSleeps).padStart(8)} ${n(pt.throttleRequeues).padStart(8)} ${n(pt.maxConnections).padStart(8)}`);
  }
  for (const note of r.notes) out.push(`note: ${note}`);
  out.push(`wall time: resolve ${r.wall_ms.resolve} ms, simulate ${r.wall_ms.simulate} ms`);
  return out.join('\n') + '\n';
}
