/**
 * `kumo-policy traffic POLICY --scenario FILE`: the scenario file format and the result printed with
 * `--format json` (charted by the editor: `time`, and per queue and per path the series `sent`,
 * `deferred`, `bounced`, `expired`, `depth`).
 *
 * Scenario file (JSON). Durations are seconds or kumod duration strings ("1 day", "30m").
 * {
 *   "messages": 10000,                 // N messages injected
 *   "duration": "1 day",               // simulated time
 *   "inject_over": "1h",               // arrivals spread evenly over this window (default: duration; 0 = at once)
 *   "bucket": "10m",                   // time-series resolution (default: duration / 60)
 *   "seed": 1,
 *   "sender": "news@example.com",      // envelope sender of every message
 *   "tenants": [ { "name": "tenant-a", "weight": 3, "meta": {"campaign": "spring"}, "headers": {"X-Tenant": "tenant-a"} } ],
 *   "domains": [ { "name": "gmail.com", "weight": 5, "mx": ["gmail-smtp-in.l.google.com", "alt1.gmail-smtp-in.l.google.com"] } ],
 *   "sites":   { "gmail.com": { "transient": 0.05, "permanent": 0.01, "timeout": 0.005, "latency_ms": 120 } },
 *   "default_site": { "transient": 0.02, "permanent": 0.005 }
 * }
 * - Each message gets a tenant and a recipient domain, drawn by weight (tenant weight x domain weight).
 *   Every tenant/domain pair is run once through the policy's reception event (with the tenant's
 *   `meta` set as message meta — `tenant` defaults to the tenant's name unless `"set_tenant_meta": false`
 *   — and its `headers`) to find its queue; pairs landing in the same queue add up.
 * - `mx` per domain feeds the offline resolver (host list in preference order); without it the policy's
 *   kumo.dns.configure_test_resolver zones are used, else the domain itself (implicit MX, noted).
 * - `sites` is keyed by site_name or by domain (a domain key applies to the domain's site). Shares are
 *   of delivery attempts: `transient` 4xx (retried), `permanent` 5xx (bounced), `timeout` (retried, the
 *   connection closes after `timeout_ms`). Also `latency_ms`, `timeout_ms`, `connect_ms`.
 * - `skip_list_replaces_same_second` (default true, as kumod): see ScenarioFile.
 * - Queue configs come from get_queue_config (once per queue, again each time its refresh_interval
 *   elapses), pools from get_egress_pool / define_egress_pool, path configs from get_egress_path_config
 *   (once per egress path).
 */
import type { QueueTotals, PathTotals } from './traffic-types';

export interface ScenarioSiteModel {
  transient?: number;
  permanent?: number;
  timeout?: number;
  latency_ms?: number;
  timeout_ms?: number;
  connect_ms?: number;
}

export interface ScenarioFile {
  messages: number;
  duration: number | string;
  inject_over?: number | string;
  bucket?: number | string;
  seed?: number;
  sender?: string;
  tenants?: Array<{ name: string | null; weight?: number; meta?: Record<string, string>; headers?: Record<string, string>; set_tenant_meta?: boolean }>;
  domains: Array<{ name: string; weight?: number; mx?: string[] }>;
  sites?: Record<string, ScenarioSiteModel>;
  default_site?: ScenarioSiteModel;
  /**
   * kumod's SkipList strategy keeps one entry per due second (SkipSet::insert replaces an equal entry), so a
   * message due in the same second as another drops out of the scheduled queue. Default true, as kumod
   * does; false simulates the evident intent.
   */
  skip_list_replaces_same_second?: boolean;
}

export interface TrafficQueueOut {
  name: string;
  pool: string;
  site: string;
  /** get_queue_config's result with kumod's defaults (the first resolution). */
  config: Record<string, unknown>;
  totals: QueueTotals;
  sent: number[];
  deferred: number[];
  bounced: number[];
  expired: number[];
  retries: number[];
  throttle_delays: number[];
  /** Messages waiting in the scheduled queue at the end of each bucket. */
  depth: number[];
}

export interface TrafficPathOut {
  name: string;
  source: string;
  site: string;
  config: Record<string, unknown>;
  totals: PathTotals;
  sent: number[];
  deferred: number[];
  bounced: number[];
  throttle_sleeps: number[];
  /** Ready queue length at the end of each bucket. */
  depth: number[];
  connections: number[];
}

export interface TrafficRunResult {
  kind: 'traffic';
  policy: string;
  scenario: string;
  messages: number;
  duration_sec: number;
  bucket_sec: number;
  /** Simulated seconds at the end of each bucket. */
  time: number[];
  queues: TrafficQueueOut[];
  paths: TrafficPathOut[];
  totals: {
    injected: number;
    sent: number;
    bounced: number;
    expired: number;
    deferred: number;
    retries: number;
    throttle_delays: number;
    /** Still in a scheduled queue, a ready queue or in flight at the end. */
    in_queue: number;
    /** SkipList queues: displaced by another message due in the same second (kumod keeps them only in the spool). */
    stranded: number;
    /** get_queue_config calls: one per queue, plus one per refresh_interval elapsed while it lived. */
    queue_config_calls: number;
  };
  /** Which (tenant, domain) pairs landed in which queue. */
  routing: Array<{ tenant: string | null; domain: string; queue: string; weight: number }>;
  notes: string[];
  wall_ms: { resolve: number; simulate: number };
}
