/**
 * Pool weighting preview through a policy: the pool as the policy resolves it (get_egress_pool or the
 * legacy define_egress_pool), kumod's exact WRR pick sequence and shares, and what each source's egress
 * path config (get_egress_path_config for a destination) does to the rates: max_message_rate,
 * source_selection_rate, connection_limit and max_connection_rate become per-source caps; a capped
 * source sheds the rest to the others (in kumod a full ready queue or a selection throttle makes WRR
 * move on), so the effective shares are a water-filling of the offered rate over the weights.
 */
import { previewPool, WrrSelector, type EgressPool, type PoolPreview } from '../engines/egress-pool';
import { readyQueueName } from '../engines/site-name';
import { PolicySession, type SessionOptions } from './policy-session';
import { rateInfo } from './route-message';
import type { PoolResult, PoolSourceInfo } from './pool-types';

export interface PoolRequest {
  policy: string;
  pool: string;
  picks: number;
  /** Destination whose egress path configs are used (default example.com). */
  domain?: string;
  /** Offered messages per hour across the pool. */
  offeredPerHour?: number | null;
  /** Time per delivery, ms, for turning connection limits into rates (default 100). */
  deliveryMs?: number;
  session?: SessionOptions;
}

/** Per-source rates for an offered total: capped sources take their cap, the rest share by weight. */
export function waterFill(weights: readonly number[], caps: readonly number[], offered: number): number[] {
  const n = weights.length;
  const rate = new Array<number>(n).fill(0);
  const active = new Set<number>();
  for (let i = 0; i < n; i++) if (weights[i] > 0) active.add(i);
  let remaining = offered;
  for (;;) {
    let wsum = 0;
    for (const i of active) wsum += weights[i];
    if (active.size === 0 || wsum === 0) break;
    const lambda = remaining / wsum;
    let capped = false;
    for (const i of [...active]) {
      if (lambda * weights[i] > caps[i]) {
        rate[i] = caps[i];
        remaining -= caps[i];
        active.delete(i);
        capped = true;
      }
    }
    if (!capped) {
      for (const i of active) rate[i] = lambda * weights[i];
      break;
    }
  }
  return rate;
}

export async function previewPoolThroughPolicy(req: PoolRequest, existing?: PolicySession): Promise<PoolResult> {
  const session = existing ?? (await PolicySession.open(req.policy, req.session));
  await session.init();
  const notes: string[] = [];
  const resolved = await session.pool(req.pool);
  const pool = resolved.pool;
  const t0 = performance.now();
  const preview = picksOf(pool, req.picks);
  for (const e of pool.entries) {
    preview.counts[e.name] ??= 0;
    preview.shares[e.name] ??= 0;
  }
  const pickMs = performance.now() - t0;
  const domain = req.domain ?? 'example.com';
  const site = await session.site(domain);
  if (site.note) notes.push(site.note);
  const deliveryMs = req.deliveryMs ?? 100;
  const offered = req.offeredPerHour ?? null;
  const entries = pool.entries.map((e) => ({ name: e.name, weight: e.weight ?? 1 }));
  const total = entries.reduce((a, e) => a + e.weight, 0);
  const infos: PoolSourceInfo[] = [];
  for (const e of entries) {
    await session.source(e.name);
    const path = await session.pathConfig(domain, e.name, site.site_name);
    const c = path.config;
    const msg = rateInfo(c.maxMessageRate);
    const sel = rateInfo(c.sourceSelectionRate);
    const conn = rateInfo(c.maxConnectionRate);
    const caps: Array<[PoolSourceInfo['limited_by'], number]> = [
      ['max_message_rate', msg ? msg.per_hour : Infinity],
      ['source_selection_rate', sel ? sel.per_hour : Infinity],
      ['connection_limit', (c.connectionLimit * 3600 * 1000) / deliveryMs],
      ['max_connection_rate', conn ? conn.per_hour * c.maxDeliveriesPerConnection : Infinity],
    ];
    let best: [PoolSourceInfo['limited_by'], number] = [null, Infinity];
    for (const cap of caps) if (cap[1] < best[1]) best = cap;
    infos.push({
      name: e.name,
      weight: e.weight,
      configured_share: total > 0 ? e.weight / total : 0,
      effective_share: 0,
      effective_weight: 0,
      cap_per_hour: Number.isFinite(best[1]) ? best[1] : null,
      limited_by: best[0],
      rate_per_hour: null,
      path: readyQueueName(e.name, site.site_name),
      limits: {
        max_message_rate: msg,
        source_selection_rate: sel,
        max_connection_rate: conn,
        connection_limit: c.connectionLimit,
        max_deliveries_per_connection: c.maxDeliveriesPerConnection,
      },
      path_config: path.table,
    });
  }
  const weights = infos.map((s) => s.weight);
  const caps = infos.map((s) => s.cap_per_hour ?? Infinity);
  let rates: number[];
  if (offered !== null) rates = waterFill(weights, caps, offered);
  else if (infos.every((s) => s.weight === 0 || s.limited_by !== 'connection_limit')) {
    // saturation from explicit throttles only (a connection_limit cap depends on the assumed delivery time)
    rates = waterFill(weights, caps, Infinity);
    notes.push('no --rate given: effective shares are shown at saturation (every source at its cap); pass --rate N/h for a given load');
  }
  else {
    rates = caps.map(() => Infinity);
    notes.push('no --rate given and some sources have no throttle: effective shares equal the configured shares; pass --rate N/h to see capped sources shed traffic');
  }
  const finiteSum = rates.reduce((a, r) => a + (Number.isFinite(r) ? r : 0), 0);
  const allFinite = rates.every((r) => Number.isFinite(r));
  infos.forEach((s, i) => {
    s.rate_per_hour = Number.isFinite(rates[i]) ? rates[i] : null;
    s.effective_share = allFinite && finiteSum > 0 ? rates[i] / finiteSum : s.configured_share;
    s.effective_weight = total > 0 ? s.effective_share * total : 0;
    if (s.weight > 0 && s.effective_share + 1e-9 < s.configured_share) {
      notes.push(`${s.name} is held to ${fmt(s.cap_per_hour)}/h by ${s.limited_by}: it takes ${(s.effective_share * 100).toFixed(1)}% instead of its weighted ${(s.configured_share * 100).toFixed(1)}%`);
    }
  });
  if (entries.some((e) => e.weight === 0)) {
    notes.push('a weight-0 entry is never selected; kumod also rebuilds this selector (and restarts its rotation) on every queue config refresh because of it');
  }
  notes.push("each scheduled queue keeps its own rotation: two queues using this pool each start the sequence from the beginning");
  const warmup: Record<string, number> = {};
  const rateOut: Record<string, number> = {};
  for (const s of infos) {
    warmup[s.name] = round(s.effective_weight);
    rateOut[s.name] = s.rate_per_hour === null ? (s.cap_per_hour ?? 0) / 3600 : s.rate_per_hour / 3600;
  }
  return {
    kind: 'pool',
    policy: session.policyPath,
    pool: pool.name,
    origin: resolved.origin,
    picks: req.picks,
    sequence: preview.sequence,
    shares: preview.shares,
    counts: preview.counts,
    period: preview.period,
    domain,
    site_name: site.site_name,
    offered_per_hour: offered,
    delivery_ms: deliveryMs,
    sources: infos,
    warmup,
    rates: rateOut,
    notes,
    pick_ms: Math.round(pickMs * 1000) / 1000,
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function fmt(x: number | null): string {
  return x === null ? 'unlimited' : String(+x.toFixed(2));
}

/**
 * kumod's pick sequence for `picks` messages. WRR is periodic from the first call (period sum/gcd of the
 * weights), so when two full periods picked by the engine agree, the rest is that period repeated;
 * otherwise (or for short runs) every pick goes through the engine.
 */
export function picksOf(pool: EgressPool, picks: number): PoolPreview {
  const sel = new WrrSelector(pool);
  const n = sel.entries.length;
  let g = 0;
  let sum = 0;
  for (const w of sel.weights) {
    let a = g;
    let b = w;
    while (b !== 0) [a, b] = [b, a % b];
    g = a;
    sum += w;
  }
  const period = n <= 1 ? Math.min(n, 1) : sum / g;
  if (n === 0 || picks < 4 * period) return previewPool(pool, picks);
  const head = new Int32Array(2 * period);
  for (let i = 0; i < head.length; i++) head[i] = sel.nextIndex();
  for (let i = 0; i < period; i++) if (head[i] !== head[i + period]) return previewPool(pool, picks);
  const names = sel.entries.map((e) => e.name);
  const cycle = Array.from(head.subarray(0, period), (i) => names[i]);
  const sequence = new Array<string>(picks);
  for (let p = 0; p < picks; p++) sequence[p] = cycle[p % period];
  const perCycle = new Array<number>(n).fill(0);
  for (let i = 0; i < period; i++) perCycle[head[i]]++;
  const full = Math.floor(picks / period);
  const rest = picks - full * period;
  const counts: Record<string, number> = {};
  const shares: Record<string, number> = {};
  for (let i = 0; i < n; i++) counts[names[i]] = (counts[names[i]] ?? 0) + perCycle[i] * full;
  for (let i = 0; i < rest; i++) counts[names[head[i]]]++;
  for (const nm of Object.keys(counts)) shares[nm] = counts[nm] / picks;
  return { sequence, shares, counts, period };
}
