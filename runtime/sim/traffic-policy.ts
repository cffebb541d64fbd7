/**
 * A traffic scenario through a user's policy: the tenant/domain mix is routed through the reception
 * event once per pair, each queue's config, pool, sources, site and egress paths are resolved through
 * the policy once (queue configs again whenever refresh_interval elapses, synchronously, inside the
 * run), then runtime/sim/traffic-core runs the messages in virtual time.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { queueNameFromMeta, isNullQueue, routingDomainOf } from '../engines/queue-name';
import { readyQueueName } from '../engines/site-name';
import type { EgressPool } from '../engines/egress-pool';
import type { PathConfig, QueueConfig } from '../engines/scheduler/config';
import { durationFromLua } from '../values';
import { TrafficSim } from './traffic-core';
import type { SimQueue, SiteModel, TrafficScenario, TrafficResult } from './traffic-types';
import { PolicySession, luaErrorText, type SessionOptions } from './policy-session';
import { LuaError } from '../vm/errors';
import { addMxData, emptyOfflineMx, mxZoneText } from './sim-dns';
import { deliveryRoute } from './delivery-proto';
import { rejection } from './sim-fallbacks';
import type { ScenarioFile, ScenarioSiteModel, TrafficRunResult } from './traffic-run-types';

export class ScenarioError extends Error {}

function seconds(v: unknown, key: string, dflt?: number): number {
  if (v === undefined || v === null) {
    if (dflt === undefined) throw new ScenarioError(`scenario: '${key}' is required`);
    return dflt;
  }
  if (typeof v !== 'number' && typeof v !== 'string') throw new ScenarioError(`scenario: '${key}' must be seconds or a duration string`);
  const r = durationFromLua(v);
  if (!r.ok) throw new ScenarioError(`scenario: '${key}': ${r.error.message}`);
  return r.value.seconds;
}

function share(v: unknown, key: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ScenarioError(`scenario: '${key}' must be a share from 0 to 1`);
  return v;
}

function siteModel(m: ScenarioSiteModel | undefined, key: string): SiteModel {
  if (!m) return {};
  const out: SiteModel = { transient: share(m.transient, `${key}.transient`), permanent: share(m.permanent, `${key}.permanent`), timeout: share(m.timeout, `${key}.timeout`) };
  if ((out.transient ?? 0) + (out.permanent ?? 0) + (out.timeout ?? 0) > 1) throw new ScenarioError(`scenario: '${key}': transient + permanent + timeout exceed 1`);
  if (m.latency_ms !== undefined) out.latencyMs = m.latency_ms;
  if (m.timeout_ms !== undefined) out.timeoutMs = m.timeout_ms;
  if (m.connect_ms !== undefined) out.connectMs = m.connect_ms;
  return out;
}

/** Reads and checks a scenario file. */
export function readScenario(path: string): ScenarioFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ScenarioError(`${path}: ${(e as Error).message}`);
  }
  return checkScenario(data);
}

export function checkScenario(data: unknown): ScenarioFile {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ScenarioError('scenario: expected a JSON object');
  const s = data as ScenarioFile;
  if (!Number.isInteger(s.messages) || s.messages < 0) throw new ScenarioError("scenario: 'messages' must be a non-negative integer");
  if (!Array.isArray(s.domains) || s.domains.length === 0) throw new ScenarioError("scenario: 'domains' must list at least one {name, weight, mx}");
  for (const d of s.domains) if (!d || typeof d.name !== 'string' || !d.name) throw new ScenarioError("scenario: each domain needs a 'name'");
  if (s.tenants !== undefined && !Array.isArray(s.tenants)) throw new ScenarioError("scenario: 'tenants' must be a list");
  seconds(s.duration, 'duration');
  return s;
}

export interface TrafficRequest {
  policy: string;
  scenario: ScenarioFile;
  scenarioPath?: string;
  session?: SessionOptions;
}

export async function runTrafficThroughPolicy(req: TrafficRequest, existing?: PolicySession): Promise<TrafficRunResult> {
  const t0 = performance.now();
  const sc = req.scenario;
  // the scenario's MX data is also what the policy's own kumo.dns.lookup_mx sees
  const mxZones = sc.domains.filter((d) => d.mx && d.mx.length > 0).map((d) => mxZoneText(d.name, d.mx!));
  const session = existing ?? (await PolicySession.open(req.policy, { ...req.session, dnsZones: [...(req.session?.dnsZones ?? []), ...mxZones] }));
  session.setTracing(false);
  await session.init();
  const notes: string[] = [];
  const durationSec = seconds(sc.duration, 'duration');
  const mx = emptyOfflineMx();
  for (const d of sc.domains) if (d.mx) addMxData(mx, { [d.name]: d.mx });

  // 1. the mix: tenant x domain pairs through the reception event
  const tenants = sc.tenants && sc.tenants.length > 0 ? sc.tenants : [{ name: null, weight: 1 }];
  const queueWeights = new Map<string, number>();
  const routing: TrafficRunResult['routing'] = [];
  let nullWeight = 0;
  let rejectedWeight = 0;
  let allWeight = 0;
  for (const t of tenants) {
    for (const d of sc.domains) {
      const w = (t.weight ?? 1) * (d.weight ?? 1);
      if (w <= 0) continue;
      allWeight += w;
      const meta: Record<string, unknown> = { ...(t.meta ?? {}) };
      if (t.name !== null && t.set_tenant_meta !== false && meta.tenant === undefined) meta.tenant = t.name;
      const handle = await session.makeMessage({
        sender: sc.sender ?? 'sender@example.com',
        recipients: [`user@${d.name}`],
        meta,
        headers: [['From', sc.sender ?? 'sender@example.com'], ['To', `user@${d.name}`], ['Subject', 'scenario'], ...Object.entries(t.headers ?? {})],
      });
      try {
        await session.receive(handle);
      } catch (e) {
        const rej = e instanceof LuaError ? rejection(e) : null;
        if (!rej) throw e;
        rejectedWeight += w;
        routing.push({ tenant: t.name, domain: d.name, queue: `(rejected: ${rej.response})`, weight: w });
        continue;
      }
      const msg = handle.view;
      const rcpt = msg.recipients[0] ?? `user@${d.name}`;
      const qn = queueNameFromMeta(msg.meta, rcpt.slice(rcpt.lastIndexOf('@') + 1));
      if (!qn.ok) throw new Error(`tenant ${t.name}, domain ${d.name}: computing the queue name: ${qn.error}`);
      routing.push({ tenant: t.name, domain: d.name, queue: qn.name, weight: w });
      if (isNullQueue(qn.name)) {
        nullWeight += w;
        continue;
      }
      queueWeights.set(qn.name, (queueWeights.get(qn.name) ?? 0) + w);
    }
  }
  if (rejectedWeight > 0) notes.push(`${((rejectedWeight / allWeight) * 100).toFixed(1)}% of the mix is rejected by the reception event (kumo.reject); those messages are left out of the run`);
  if (nullWeight > 0) notes.push(`${((nullWeight / allWeight) * 100).toFixed(1)}% of the mix is assigned to the 'null' queue and discarded at reception; those messages are left out of the run`);

  // 2. queue configs, pools, sites, paths
  const queues: SimQueue[] = [];
  const queueTables = new Map<string, Record<string, unknown>>();
  const pools: Record<string, EgressPool> = {};
  const paths: Record<string, Partial<PathConfig>> = {};
  const pathTables = new Map<string, Record<string, unknown>>();
  const siteOfDomain = new Map<string, string>();
  const noted = new Set<string>();
  for (const [name, weight] of queueWeights) {
    const qc = await session.queueConfig(name);
    queueTables.set(name, qc.table);
    const poolName = qc.config.egressPool ?? 'unspecified';
    if (!pools[poolName]) {
      const p = await session.pool(qc.config.egressPool);
      for (const e of p.pool.entries) await session.source(e.name);
      pools[poolName] = p.pool;
    }
    const routingDomain = routingDomainOf(name);
    const route = deliveryRoute(qc.table.protocol, routingDomain);
    const site = route.kind === 'mx' ? await session.site(routingDomain, mx) : { site_name: route.siteName, note: route.note };
    if (site.note && !noted.has(routingDomain)) {
      noted.add(routingDomain);
      notes.push(site.note);
    }
    siteOfDomain.set(routingDomain.toLowerCase(), site.site_name);
    for (const e of pools[poolName].entries) {
      if ((e.weight ?? 1) === 0) continue;
      const rq = readyQueueName(e.name, site.site_name);
      if (pathTables.has(rq)) continue;
      const pc = await session.pathConfig(routingDomain, e.name, site.site_name);
      paths[rq] = pc.config;
      pathTables.set(rq, pc.table);
    }
    queues.push({ name, weight, site: site.site_name, config: qc.config });
  }

  // 3. failure models by site (a domain key applies to its site)
  const sites: Record<string, SiteModel> = {};
  const dflt = siteModel(sc.default_site, 'default_site');
  for (const q of queues) sites[q.site] = { ...dflt };
  for (const [key, m] of Object.entries(sc.sites ?? {})) {
    const site = siteOfDomain.get(key.toLowerCase()) ?? key;
    sites[site] = { ...dflt, ...siteModel(m, `sites.${key}`) };
  }

  // 4. refreshes: get_queue_config again, synchronously, when refresh_interval elapses
  let refreshCalls = 0;
  const refresh = (queueName: string): Partial<QueueConfig> | undefined => {
    refreshCalls++;
    let r;
    try {
      r = session.queueConfigSync(queueName);
    } catch (e) {
      // kumod logs a failed refresh and keeps the queue's current config
      const key = `refresh-error:${queueName}`;
      if (!noted.has(key)) {
        noted.add(key);
        notes.push(`refreshing ${queueName}: get_queue_config failed (${e instanceof LuaError ? luaErrorText(e) : (e as Error).message}); the queue keeps its current config, as kumod does`);
      }
      return undefined;
    }
    const pool = r.config.egressPool ?? 'unspecified';
    if (!pools[pool]) {
      const key = `pool:${queueName}:${pool}`;
      if (!noted.has(key)) {
        noted.add(key);
        notes.push(`a refresh of ${queueName} switched to pool '${pool}', which was not resolved before the run; the queue keeps its first pool`);
      }
      return { ...r.config, egressPool: queues.find((q) => q.name === queueName)?.config?.egressPool ?? null };
    }
    return r.config;
  };
  const scenario: TrafficScenario = {
    seed: sc.seed ?? 1,
    messages: queues.length === 0 ? 0 : sc.messages,
    durationSec,
    injectOverSec: sc.inject_over === undefined ? undefined : seconds(sc.inject_over, 'inject_over'),
    bucketSec: sc.bucket === undefined ? undefined : seconds(sc.bucket, 'bucket'),
    queues,
    pools,
    sites,
    paths,
    refreshQueueConfig: refresh,
    skipListReplacesSameSecond: sc.skip_list_replaces_same_second ?? true,
  };
  const t1 = performance.now();
  const result = new TrafficSim(scenario).run();
  const t2 = performance.now();
  return shape(result, req, session, queueTables, pathTables, routing, notes, refreshCalls, { resolve: t1 - t0, simulate: t2 - t1 });
}

function shape(
  r: TrafficResult,
  req: TrafficRequest,
  session: PolicySession,
  queueTables: Map<string, Record<string, unknown>>,
  pathTables: Map<string, Record<string, unknown>>,
  routing: TrafficRunResult['routing'],
  notes: string[],
  refreshCalls: number,
  wall: { resolve: number; simulate: number },
): TrafficRunResult {
  const time = Array.from({ length: r.buckets }, (_, i) => Math.min((i + 1) * r.bucketSec, r.durationSec));
  let retries = 0;
  let throttleDelays = 0;
  for (const q of r.queues) {
    retries += q.totals.retries;
    throttleDelays += q.totals.throttleDelays;
  }
  const t = r.totals;
  if (t.stranded > 0) {
    notes.push(`${t.stranded} message(s) in SkipList queues were displaced by another message due in the same second: kumod's SkipSet replaces equal entries, so they leave the scheduled queue (they stay in the spool until kumod restarts); "skip_list_replaces_same_second": false simulates the intent`);
  }
  return {
    kind: 'traffic',
    policy: session.policyPath,
    scenario: req.scenarioPath ? resolve(req.scenarioPath) : '(inline)',
    messages: t.injected,
    duration_sec: r.durationSec,
    bucket_sec: r.bucketSec,
    time,
    queues: r.queues.map((q) => ({
      name: q.name,
      pool: q.pool,
      site: q.site,
      config: queueTables.get(q.name) ?? {},
      totals: q.totals,
      sent: q.series.sent,
      deferred: q.series.deferred,
      bounced: q.series.bounced,
      expired: q.series.expired,
      retries: q.series.retries,
      throttle_delays: q.series.throttleDelays,
      depth: q.series.depth,
    })),
    paths: r.paths.map((p) => ({
      name: p.name,
      source: p.source,
      site: p.site,
      config: pathTables.get(p.name) ?? {},
      totals: p.totals,
      sent: p.series.sent,
      deferred: p.series.deferred,
      bounced: p.series.bounced,
      throttle_sleeps: p.series.throttleSleeps,
      depth: p.series.readyDepth,
      connections: p.series.connections,
    })),
    totals: {
      injected: t.injected,
      sent: t.delivered,
      bounced: t.bounced,
      expired: t.expired,
      deferred: t.deferred,
      retries,
      throttle_delays: throttleDelays,
      in_queue: t.pendingScheduled + t.pendingReady + t.inFlight,
      stranded: t.stranded,
      queue_config_calls: r.queues.length + refreshCalls,
    },
    routing,
    notes,
    wall_ms: { resolve: Math.round(wall.resolve * 10) / 10, simulate: Math.round(wall.simulate * 10) / 10 },
  };
}
