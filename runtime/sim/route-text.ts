/** The text form of a simulate result: a readable summary for a terminal. */
import type { RateInfo, SimulateResult } from './route-types';

function rate(r: RateInfo | null): string {
  if (!r) return 'none';
  const every = r.interval_seconds >= 1 ? `one every ${+r.interval_seconds.toFixed(3)} s` : `${+r.per_second.toFixed(3)}/s`;
  return `${r.spec} (${every}, burst ${r.burst})`;
}

function kv(obj: Record<string, unknown> | null, keys: string[]): string[] {
  if (!obj) return [];
  return keys.filter((k) => obj[k] !== undefined).map((k) => `    ${k.padEnd(30)} ${JSON.stringify(obj[k])}`);
}

export function formatSimulateText(r: SimulateResult): string {
  const out: string[] = [];
  out.push(`message   ${r.sender} -> ${r.recipient}`);
  const meta = Object.entries(r.meta).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  out.push(`meta      ${meta.length ? meta.join(', ') : '(none)'}`);
  if (r.rejected) out.push(`REJECTED  ${r.rejected.response}   (kumo.reject in the reception event)`);
  out.push(`queue     ${r.queue}${r.discarded ? '   (discarded: null queue)' : ''}`);
  if (r.queue_config) {
    out.push('queue config');
    out.push(...kv(r.queue_config, ['egress_pool', 'retry_interval', 'max_retry_interval', 'max_age', 'max_message_rate', 'refresh_interval', 'strategy']));
  }
  if (r.pool) {
    const entries = r.pool.entries.map((e) => `${e.name} (weight ${e.weight})`).join(', ');
    out.push(`pool      ${r.pool.name} [${r.pool.origin}]: ${entries || 'no entries'}`);
  }
  if (r.egress_source) out.push(`source    ${r.egress_source}   (the first pick of kumod's weighted round robin)`);
  if (r.site) out.push(`site      ${r.site.site_name}   (MX of ${r.site.domain}: ${r.site.hosts.join(', ')}${r.site.from_mx ? '' : '; implicit MX'})`);
  if (r.ready_queue) out.push(`path      ${r.ready_queue}`);
  if (r.path_config) {
    out.push('path config');
    out.push(...kv(r.path_config, ['connection_limit', 'max_message_rate', 'max_connection_rate', 'max_deliveries_per_connection', 'max_ready', 'source_selection_rate', 'idle_timeout', 'enable_tls']));
  }
  if (r.throttles) {
    const t = r.throttles;
    out.push('throttles');
    out.push(`    queue max_message_rate         ${rate(t.queue)}`);
    out.push(`    path max_message_rate          ${rate(t.path)}`);
    out.push(`    path max_connection_rate       ${rate(t.connection_rate)}`);
    out.push(`    connection_limit               ${t.connection_limit}`);
    out.push(`    effective message rate         ${t.effective ? `${rate(t.effective)} from the ${t.effective.from} throttle (the lesser applies)` : 'unthrottled'}`);
  }
  out.push('trace');
  for (const e of r.trace) {
    const where = e.file ? `  ${e.file}:${e.line}` : '';
    const res = e.error ? `ERROR ${e.error}` : e.handled ? `-> ${short(e.result)}` : '(not handled)';
    out.push(`    ${e.event}(${e.args.map(short).join(', ')}) ${res}  ${e.duration_ms.toFixed(2)} ms${where}`);
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? 'nil';
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}
