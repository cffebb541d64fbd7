/**
 * From what a policy's config events return (tables as kumod's make_* functions take them, snake_case,
 * durations and throttles as strings or numbers) to (a) the same table with kumod's defaults filled in
 * from the catalog, for display, and (b) the engines' typed configs (seconds, ThrottleSpec).
 */
import { getCatalog } from '../catalog/catalog';
import { durationFromLua, throttleFromLua, limitFromLua, type ThrottleSpec } from '../values';
import { queueConfig, pathConfig, type QueueConfig, type PathConfig, type QueueStrategy, type RefreshStrategy } from '../engines/scheduler/config';
import type { EgressPool, EgressPoolEntry } from '../engines/egress-pool';

export type ConfigTable = Record<string, unknown>;

/** The catalog's defaults for a config table (`make_queue_config`, `make_egress_path`, ...). */
const defaultsCache = new Map<string, Readonly<ConfigTable>>();

export function catalogDefaults(table: string): ConfigTable {
  let base = defaultsCache.get(table);
  if (!base) {
    const t = getCatalog().data.config_tables[table];
    const out: ConfigTable = {};
    if (t) for (const [k, v] of Object.entries(t.keys)) out[k] = v.default === undefined ? null : v.default;
    base = Object.freeze(out);
    defaultsCache.set(table, base);
  }
  return { ...base };
}

/** The given table over the catalog defaults, keys in the catalog's order, then any extra keys. */
export function withDefaults(table: string, given: ConfigTable): ConfigTable {
  const out = catalogDefaults(table);
  for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = v;
  return out;
}

export class ConfigValueError extends Error {}

function durationSec(v: unknown, key: string): number {
  if (typeof v !== 'number' && typeof v !== 'string') throw new ConfigValueError(`${key}: expected a duration, got ${JSON.stringify(v)}`);
  const r = durationFromLua(v);
  if (!r.ok) throw new ConfigValueError(`${key}: ${r.error.message}`);
  return r.value.seconds;
}

function optDuration(v: unknown, key: string): number | null {
  return v === null || v === undefined ? null : durationSec(v, key);
}

export function throttleOf(v: unknown, key: string): ThrottleSpec | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && v !== null && 'limit' in v && 'period' in v) return v as ThrottleSpec;
  if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigValueError(`${key}: expected a throttle string, got ${JSON.stringify(v)}`);
  const r = throttleFromLua(v);
  if (!r.ok) throw new ConfigValueError(`${key}: ${r.error.message}`);
  return r.value;
}

function limitOf(v: unknown, key: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' || (typeof v === 'object' && v !== null)) {
    const r = limitFromLua(v as string | Record<string, unknown>);
    if (!r.ok) throw new ConfigValueError(`${key}: ${r.error.message}`);
    return r.value.limit;
  }
  throw new ConfigValueError(`${key}: expected a connection limit, got ${JSON.stringify(v)}`);
}

function intOf(v: unknown, key: string, dflt: number): number {
  if (v === null || v === undefined) return dflt;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  throw new ConfigValueError(`${key}: expected an integer, got ${JSON.stringify(v)}`);
}

/** The engines' QueueConfig from a (defaults-filled) make_queue_config table. */
export function toQueueConfig(t: ConfigTable): QueueConfig {
  return queueConfig({
    retryInterval: durationSec(t.retry_interval ?? '20m', 'retry_interval'),
    maxRetryInterval: optDuration(t.max_retry_interval, 'max_retry_interval'),
    maxAge: durationSec(t.max_age ?? '7d', 'max_age'),
    reapInterval: durationSec(t.reap_interval ?? '10m', 'reap_interval'),
    refreshInterval: durationSec(t.refresh_interval ?? '1m', 'refresh_interval'),
    refreshStrategy: (typeof t.refresh_strategy === 'string' ? t.refresh_strategy : 'Ttl') as RefreshStrategy,
    timerwheelTickInterval: optDuration(t.timerwheel_tick_interval, 'timerwheel_tick_interval'),
    strategy: (typeof t.strategy === 'string' ? t.strategy : 'SingletonTimerWheel') as QueueStrategy,
    egressPool: typeof t.egress_pool === 'string' ? t.egress_pool : null,
    maxMessageRate: throttleOf(t.max_message_rate, 'max_message_rate'),
  });
}

/** The engines' PathConfig from a (defaults-filled) make_egress_path table. */
export function toPathConfig(t: ConfigTable): PathConfig {
  return pathConfig({
    connectionLimit: limitOf(t.connection_limit ?? 32, 'connection_limit'),
    maxReady: intOf(t.max_ready, 'max_ready', 1024),
    maxDeliveriesPerConnection: intOf(t.max_deliveries_per_connection, 'max_deliveries_per_connection', 1024),
    maxRecipientsPerBatch: intOf(t.max_recipients_per_batch, 'max_recipients_per_batch', 100),
    maxMessageRate: throttleOf(t.max_message_rate, 'max_message_rate'),
    maxConnectionRate: throttleOf(t.max_connection_rate, 'max_connection_rate'),
    sourceSelectionRate: throttleOf(t.source_selection_rate, 'source_selection_rate'),
    idleTimeout: durationSec(t.idle_timeout ?? '5s', 'idle_timeout'),
    consecutiveConnectionFailuresBeforeDelay: intOf(t.consecutive_connection_failures_before_delay, 'consecutive_connection_failures_before_delay', 100),
  });
}

/** An EgressPool from a make_egress_pool / define_egress_pool table. */
export function toEgressPool(t: ConfigTable, fallbackName: string): EgressPool {
  const raw = t.entries;
  const list: unknown[] = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : [];
  const entries: EgressPoolEntry[] = list.map((e, i) => {
    if (!e || typeof e !== 'object' || typeof (e as { name?: unknown }).name !== 'string') {
      throw new ConfigValueError(`entries[${i + 1}]: expected {name = 'source', weight = N}`);
    }
    const w = (e as { weight?: unknown }).weight;
    return { name: (e as { name: string }).name, weight: typeof w === 'number' ? w : 1 };
  });
  const ttl = t.ttl === undefined || t.ttl === null ? 60 : durationSec(t.ttl, 'ttl');
  return { name: typeof t.name === 'string' ? t.name : fallbackName, entries, ttl };
}
