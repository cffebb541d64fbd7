/**
 * Routes one message through a user's policy the way kumod does: `init`, the reception event, the queue
 * name from meta, get_queue_config (chained handlers), the egress pool, the first source WRR picks, MX →
 * site_name, get_egress_path_config, and the effective throttles.
 */
import { queueNameFromMeta, parseQueueName, isNullQueue, addressDomain, routingDomainOf } from '../engines/queue-name';
import { WrrSelector } from '../engines/egress-pool';
import { readyQueueName } from '../engines/site-name';
import { formatThrottle, type ThrottleSpec } from '../values';
import { localBurst, emissionIntervalNs } from '../engines/throttle/gcra';
import { PolicySession, type SessionOptions } from './policy-session';
import type { RateInfo, SimulateResult, SiteInfo, ThrottleSummary } from './route-types';
import { deliveryRoute } from './delivery-proto';
import { rejection } from './sim-fallbacks';
import { LuaError } from '../vm/errors';

export interface RouteRequest {
  policy: string;
  sender: string;
  recipient: string;
  meta?: Record<string, string>;
  headers?: Array<[string, string]>;
  /** Connection metadata for the reception event (authn_id, received_from, ...). */
  connMeta?: Record<string, string>;
  session?: SessionOptions;
}

export function rateInfo(spec: ThrottleSpec | null): RateInfo | null {
  if (!spec) return null;
  const perSecond = spec.limit / spec.period;
  return {
    spec: formatThrottle(spec),
    limit: spec.limit,
    period_seconds: spec.period,
    interval_seconds: emissionIntervalNs(spec.limit, spec.period) / 1e9,
    burst: localBurst(spec) + 1,
    per_second: perSecond,
    per_hour: perSecond * 3600,
  };
}

export function throttleSummary(queue: ThrottleSpec | null, path: ThrottleSpec | null, connRate: ThrottleSpec | null, connectionLimit: number): ThrottleSummary {
  const q = rateInfo(queue);
  const p = rateInfo(path);
  let effective: ThrottleSummary['effective'] = null;
  if (q && (!p || q.per_second <= p.per_second)) effective = { ...q, from: 'queue' };
  else if (p) effective = { ...p, from: 'path' };
  return { queue: q, path: p, connection_rate: rateInfo(connRate), connection_limit: connectionLimit, effective };
}

/** Builds the message, runs the policy, and reports where it goes. Lua errors propagate as LuaError. */
export async function routeMessage(req: RouteRequest, existing?: PolicySession): Promise<SimulateResult> {
  const session = existing ?? (await PolicySession.open(req.policy, req.session));
  await session.init();
  const handle = await session.makeMessage({
    sender: req.sender,
    recipients: [req.recipient],
    meta: { ...(req.meta ?? {}) },
    headers: [
      ['From', req.sender],
      ['To', req.recipient],
      ['Subject', 'Simulated message'],
      ['Message-ID', '<simulated@kumo-policy>'],
      ...(req.headers ?? []),
    ],
  });
  let rejected: SimulateResult['rejected'] = null;
  try {
    await session.receive(handle, req.connMeta ?? {});
  } catch (e) {
    rejected = e instanceof LuaError ? rejection(e) : null;
    if (!rejected) throw e;
  }
  const message = handle.view;
  const firstRcpt = message.recipients[0] ?? req.recipient;
  const qn = queueNameFromMeta(message.meta, addressDomain(firstRcpt));
  if (!qn.ok) throw new Error(`computing the queue name: ${qn.error}`);
  const queue = qn.name;
  const parts = parseQueueName(queue);
  const notes = session.notes;
  const result: SimulateResult = {
    kind: 'simulate',
    policy: session.policyPath,
    sender: message.sender,
    recipient: firstRcpt,
    meta: JSON.parse(JSON.stringify(message.meta)),
    queue,
    queue_parts: { domain: parts.domain, tenant: parts.tenant, campaign: parts.campaign, routing_domain: parts.routingDomain },
    rejected,
    discarded: false,
    queue_config: null,
    egress_pool: null,
    pool: null,
    egress_source: null,
    source_config: null,
    site_name: null,
    site: null,
    ready_queue: null,
    path_config: null,
    throttles: null,
    trace: session.trace,
    notes,
  };
  if (rejected) {
    notes.push(`the reception event rejected the message (kumo.reject): kumod answers ${rejected.response}; nothing is queued`);
    return finish(result, session);
  }
  if (isNullQueue(queue)) {
    result.discarded = true;
    notes.push("the message is assigned to the 'null' queue: kumod discards it at reception (counted as black-holed, Reception still logged)");
    return finish(result, session);
  }
  const qc = await session.queueConfig(queue);
  result.queue_config = qc.table;
  const poolName = qc.config.egressPool;
  const pool = await session.pool(poolName);
  result.egress_pool = pool.pool.name;
  result.pool = { name: pool.pool.name, entries: pool.pool.entries.map((e) => ({ name: e.name, weight: e.weight ?? 1 })), origin: pool.origin };
  if (poolName === null) notes.push("the queue config names no egress_pool: kumod uses the built-in 'unspecified' pool (one source, the OS picks the address)");
  const selector = new WrrSelector(pool.pool);
  const source = selector.next();
  if (source === null) {
    notes.push(`pool '${pool.pool.name}' has no source with a weight above 0: kumod logs "no sources available" and retries the message`);
    return finish(result, session);
  }
  for (const e of pool.pool.entries) await session.source(e.name).catch((err) => {
    throw new Error(`resolving egress pool '${pool.pool.name}': ${(err as Error).message}`);
  });
  result.egress_source = source;
  result.source_config = await session.source(source);
  const routing = routingDomainOf(queue);
  const route = deliveryRoute(qc.table.protocol, routing);
  let site: SiteInfo & { note?: string };
  if (route.kind === 'mx') site = await session.site(routing);
  else site = { site_name: route.siteName, hosts: [], domain: routing, from_mx: false, note: route.note };
  if (site.note) notes.push(site.note);
  result.site = { site_name: site.site_name, hosts: site.hosts, domain: site.domain, from_mx: site.from_mx };
  result.site_name = site.site_name;
  result.ready_queue = readyQueueName(source, site.site_name, route.proto);
  const path = await session.pathConfig(routing, source, site.site_name);
  result.path_config = path.table;
  result.throttles = throttleSummary(qc.config.maxMessageRate, path.config.maxMessageRate, path.config.maxConnectionRate, path.config.connectionLimit);
  return finish(result, session);
}

function finish(result: SimulateResult, session: PolicySession): SimulateResult {
  if (session.ignoredCalls.size > 0) {
    result.notes.push(`setup calls with no effect on routing were accepted and ignored: ${[...session.ignoredCalls].sort().join(', ')}`);
  }
  return result;
}
