/**
 * A user's policy loaded for routing simulations: the PolicyEngine (stand-ins only for setup calls the VM
 * lacks), a record of every handler's definition site (kumo.on is wrapped, not changed), an event trace with
 * handler locations, and the config lookups kumod makes while routing (get_queue_config, pools,
 * sources, MX, get_egress_path_config), each converted to the engines' types.
 */
import { dirname, resolve } from 'node:path';
import { lua, LuaState, toJsString } from '../vm/lua-api';
import { PolicyEngine, type EngineOptions } from '../vm/engine';
import type { EventTrace } from '../vm/events';
import { LuaError, positionInMessage } from '../vm/errors';
import type { LuaFunctionRef } from '../vm/function-ref';
import { parseQueueName, NULL_QUEUE } from '../engines/queue-name';
import { unspecifiedPool, UNSPECIFIED, type EgressPool } from '../engines/egress-pool';
import { nullQueueConfig, type QueueConfig, type PathConfig } from '../engines/scheduler/config';
import { emptyOfflineMx, lookupOffline, type OfflineMx } from './sim-dns';
import { installSetupStandIns } from './sim-fallbacks';
import { installSimConnMeta, SimConnMeta, type SimMessageInit } from './sim-message';
import { toEgressPool, toPathConfig, toQueueConfig, withDefaults, type ConfigTable } from './config-convert';
import type { SiteInfo, TraceEntry } from './route-types';

export interface HandlerSite {
  file: string;
  line: number;
}

export interface SessionOptions {
  timeoutMs?: number;
  policyExtrasDir?: string;
  packagePath?: string[];
  /** Where print/log output goes (default: dropped into `output`). */
  output?: (text: string) => void;
  log?: EngineOptions['log'];
  /** Record a trace of event calls (default true). */
  trace?: boolean;
  /** Offline DNS the policy sees before any kumo.dns.configure_test_resolver: zone texts (or {zone, secure}). */
  dnsZones?: unknown[];
  servfail?: string[];
}

export interface ResolvedQueueConfig {
  /** As the policy returned it, kumod's defaults filled in. */
  table: ConfigTable;
  config: QueueConfig;
}

export interface ResolvedPool {
  pool: EgressPool;
  origin: 'get_egress_pool' | 'define_egress_pool' | 'built-in';
}

export interface ResolvedPath {
  table: ConfigTable;
  config: PathConfig;
}

/** What the simulation reads back from a message after the policy ran on it. */
export interface MessageView {
  sender: string;
  recipients: string[];
  meta: Record<string, unknown>;
}

/** A message handed to the policy: the VM's Message (made with kumo.make_message); `view` is the live JS object the Lua methods change. */
export class MessageHandle {
  constructor(readonly view: MessageView, private readonly push: (L: LuaState) => void) {}
  pushTo(L: LuaState): void {
    this.push(L);
  }
  toJSON(): unknown {
    return { message: { sender: this.view.sender, recipients: this.view.recipients, meta: this.view.meta } };
  }
}

/** A JSON-safe copy (userdata objects and cycles become strings). */
export function plain(v: unknown, depth = 0): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (depth > 20) return '…';
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return plain((v as { toJSON(): unknown }).toJSON(), depth + 1);
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // a config object returned by a kumo.make_* constructor: show its table
    if (o.value && typeof o.value === 'object' && typeof o.fn === 'string' && typeof o.type === 'string') return plain(o.value, depth + 1);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x !== 'function') out[k] = plain(x, depth + 1);
    return out;
  }
  return String(v);
}

/** `file:line: message` of a LuaError (the location prefixed when the message lacks it). */
export function luaErrorText(e: LuaError): string {
  const m = e.luaMessage;
  if (!e.location) return m;
  const pos = positionInMessage(m);
  const rest = pos ? m.replace(/^(.*?):(\d+): /s, '') : m;
  return `${e.location.file}:${e.location.line}: ${rest}`;
}

export class PolicySession {
  readonly trace: TraceEntry[] = [];
  readonly handlers = new Map<string, HandlerSite[]>();
  readonly refs = new Map<string, LuaFunctionRef[]>();
  readonly notes: string[] = [];
  /** Setup calls the VM lacks that the policy called; the simulator accepted and ignored them. */
  ignoredCalls: Set<string> = new Set();
  private pushConnMeta?: (L: LuaState, m: SimConnMeta) => void;
  private readonly poolCache = new Map<string, ResolvedPool>();
  private readonly sourceCache = new Map<string, ConfigTable>();
  private readonly convertedQueueConfigs = new Map<string, ResolvedQueueConfig>();
  private tracing: boolean;
  private initialized = false;

  private constructor(readonly engine: PolicyEngine, readonly policyPath: string, opts: SessionOptions) {
    this.tracing = opts.trace ?? true;
  }

  /** Loads the policy (its top level runs, registering handlers); does not fire `init`. */
  static async open(policyPath: string, opts: SessionOptions = {}): Promise<PolicySession> {
    const path = resolve(policyPath);
    let session: PolicySession | undefined;
    const engine = new PolicyEngine({
      policyDir: dirname(path),
      timeoutMs: opts.timeoutMs,
      policyExtrasDir: opts.policyExtrasDir,
      packagePath: opts.packagePath,
      output: opts.output ?? (() => undefined),
      log: opts.log ?? (() => undefined),
      trace: (t) => session?.onTrace(t),
      dnsZones: opts.dnsZones && opts.dnsZones.length > 0 ? { zones: opts.dnsZones, servfail: opts.servfail ?? [] } : undefined,
    });
    session = new PolicySession(engine, path, opts);
    session.wrapOn();
    session.ignoredCalls = await installSetupStandIns(engine);
    session.pushConnMeta = installSimConnMeta(engine);
    await engine.loadPolicy(path);
    return session;
  }

  /** Stops recording the trace (bulk lookups in traffic runs). */
  setTracing(on: boolean): void {
    this.tracing = on;
  }

  private wrapOn(): void {
    const engine = this.engine;
    const original = engine.events.on;
    engine.defineFunction('kumo.on', (L) => {
      const n = original(L);
      const name = toJsString(lua.lua_tostring(L, 1));
      lua.lua_pushvalue(L, 2);
      const ar = new lua.lua_Debug();
      lua.lua_getinfo(L, '>S', ar);
      const src = ar.short_src ? toJsString(ar.short_src) : '?';
      const site = { file: engine.host.names.pathFor(src) ?? src, line: ar.linedefined as number };
      const list = this.handlers.get(name) ?? [];
      list.push(site);
      this.handlers.set(name, list);
      const refs = this.refs.get(name) ?? [];
      refs.push(engine.refFunction(L, 2));
      this.refs.set(name, refs);
      return n;
    });
  }

  private onTrace(t: EventTrace): void {
    if (!this.tracing) return;
    const sites = this.handlers.get(t.name) ?? [];
    const entry: TraceEntry = {
      event: t.name,
      args: t.args.map((a) => plain(a)),
      result: t.result.length === 0 ? null : plain(t.result.length === 1 ? t.result[0] : t.result),
      handled: t.handled,
      duration_ms: Math.round(t.durationMs * 1000) / 1000,
    };
    if (sites.length > 0) {
      entry.file = sites[0].file;
      entry.line = sites[0].line;
      if (sites.length > 1) entry.handlers = sites;
    }
    if (t.error) entry.error = t.error instanceof LuaError ? luaErrorText(t.error) : String(t.error);
    this.trace.push(entry);
  }

  has(event: string): boolean {
    return this.engine.hasHandler(event);
  }

  /** Fires `init` when the policy handles it. */
  async init(): Promise<void> {
    if (this.initialized) return;
    this.initialized = true;
    if (this.has('init')) await this.engine.fireEvent('init', []);
  }

  /** A message for the reception event (envelope, meta, headers). */
  async makeMessage(init: SimMessageInit): Promise<MessageHandle> {
    const data = (init.headers ?? []).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n' + (init.body ?? 'Simulated message body.\r\n');
    const was = this.tracing;
    this.tracing = false;
    let obj: unknown;
    try {
      [obj] = await this.engine.runString(
        `local sender, rcpt, data, meta = ...
local m = require('kumo').make_message(sender, rcpt, data)
for k, v in pairs(meta) do m:set_meta(k, v) end
return m`.replace('...', luaString(init.sender) + ', ' + luaString(init.recipients[0] ?? '') + ', ' + luaString(data) + ', ' + luaTable(init.meta ?? {})),
        '=(simulator message)',
      );
    } finally {
      this.tracing = was;
    }
    const view = obj as MessageView & { pushTo?: (L: LuaState) => void };
    if (!view || typeof view.pushTo !== 'function' || !Array.isArray(view.recipients)) throw new Error('kumo.make_message did not return a Message object');
    return new MessageHandle(view, (L) => view.pushTo!(L));
  }

  /** Runs the reception event on the message (meta and envelope changes stay on its view). */
  async receive(m: MessageHandle, connMeta: Record<string, unknown> = {}, event = 'smtp_server_message_received'): Promise<void> {
    if (!this.has(event)) {
      if (!this.notes.some((n) => n.includes(`no '${event}' handler`))) this.notes.push(`the policy has no '${event}' handler: the message keeps the meta it was given`);
      return;
    }
    const meta: Record<string, unknown> = { received_from: '127.0.0.1:50000', received_via: '0.0.0.0:25', reception_protocol: 'ESMTP', hostname: 'simulator', ...connMeta };
    const push = this.pushConnMeta;
    const conn = push ? { pushTo: (L: LuaState) => push(L, new SimConnMeta(meta)), toJSON: () => ({ conn_meta: meta }) } : meta;
    await this.engine.fireEvent(event, [m, conn]);
  }

  /** The config record this call created, when the handler returned something else than a plain table. */
  private lastRecord(fn: string, since: number): ConfigTable | undefined {
    for (let i = this.engine.records.length - 1; i >= since; i--) {
      const r = this.engine.records[i];
      if (r.function === fn) return (r.value ?? r.params) as ConfigTable;
    }
    return undefined;
  }

  private tableResult(values: unknown[], fn: string, since: number): ConfigTable | undefined {
    const v = values[0];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const obj = v as Record<string, unknown>;
      // a config object (the VM's ConfigValue {type, fn, value}, or a record {function, params, value}), or the table itself
      if (obj.value && typeof obj.value === 'object' && !Array.isArray(obj.value) && (typeof obj.fn === 'string' || typeof obj.function === 'string')) {
        return obj.value as ConfigTable;
      }
      return obj;
    }
    return this.lastRecord(fn, since);
  }

  /** kumod's queue config for a queue name: the built-in one for `null`, else get_queue_config (chained). */
  async queueConfig(queueName: string): Promise<ResolvedQueueConfig> {
    if (queueName === NULL_QUEUE) {
      return { table: withDefaults('make_queue_config', { retry_interval: '10s', max_retry_interval: '10s', protocol: 'Null' }), config: nullQueueConfig() };
    }
    const p = parseQueueName(queueName);
    const since = this.engine.records.length;
    const args = [p.domain, p.tenant, p.campaign, p.routingDomain];
    const fired = this.has('get_queue_config') ? await this.engine.fireEvent('get_queue_config', args) : { handled: false, values: [] as unknown[] };
    const given = fired.handled ? this.tableResult(fired.values, 'kumo.make_queue_config', since) ?? {} : {};
    if (!fired.handled) this.notes.push(`no get_queue_config handler returned a config for ${queueName}: kumod's defaults apply`);
    const table = withDefaults('make_queue_config', given);
    return { table, config: toQueueConfig(table) };
  }

  /** get_queue_config synchronously (refreshes inside a traffic run): handlers in order until one returns a value. */
  queueConfigSync(queueName: string): ResolvedQueueConfig {
    if (queueName === NULL_QUEUE) return { table: withDefaults('make_queue_config', {}), config: nullQueueConfig() };
    const p = parseQueueName(queueName);
    const since = this.engine.records.length;
    let given: ConfigTable = {};
    for (const ref of this.refs.get('get_queue_config') ?? []) {
      const values = ref.callSync([p.domain, p.tenant, p.campaign, p.routingDomain], { all: true, opaque: 'describe' }) as unknown[];
      if (values.length > 0) {
        given = this.tableResult(values, 'kumo.make_queue_config', since) ?? {};
        break;
      }
    }
    // The Lua call above happens on every refresh; only the conversion of an identical table is reused.
    const key = JSON.stringify(given);
    let hit = this.convertedQueueConfigs.get(key);
    if (!hit) {
      const table = withDefaults('make_queue_config', given);
      hit = { table, config: toQueueConfig(table) };
      this.convertedQueueConfigs.set(key, hit);
    }
    return hit;
  }

  /** The pool: built in for `unspecified`, get_egress_pool when handled, else a legacy define_egress_pool. */
  async pool(name: string | null): Promise<ResolvedPool> {
    const key = name ?? UNSPECIFIED;
    const cached = this.poolCache.get(key);
    if (cached) return cached;
    let out: ResolvedPool;
    if (key === UNSPECIFIED) out = { pool: unspecifiedPool(), origin: 'built-in' };
    else {
      const legacy = this.legacy('kumo.define_egress_pool', key);
      if (this.has('get_egress_pool')) {
        const since = this.engine.records.length;
        const fired = await this.engine.fireEvent('get_egress_pool', [key]);
        const t = fired.handled ? this.tableResult(fired.values, 'kumo.make_egress_pool', since) : undefined;
        if (t) out = { pool: toEgressPool(t, key), origin: 'get_egress_pool' };
        else if (legacy) out = { pool: toEgressPool(legacy, key), origin: 'define_egress_pool' };
        else throw new Error(`resolving egress pool '${key}': get_egress_pool returned nothing`);
      } else if (legacy) out = { pool: toEgressPool(legacy, key), origin: 'define_egress_pool' };
      else throw new Error(`resolving egress pool '${key}': the policy has no get_egress_pool handler and defines no pool of that name (kumo.define_egress_pool)`);
    }
    this.poolCache.set(key, out);
    return out;
  }

  private legacy(fn: string, name: string): ConfigTable | undefined {
    for (let i = this.engine.records.length - 1; i >= 0; i--) {
      const r = this.engine.records[i];
      const v = (r.value ?? r.params) as ConfigTable | undefined;
      if (r.function === fn && v && v.name === name) return v;
    }
    return undefined;
  }

  /** The source: built in for `unspecified`, get_egress_source when handled, else a legacy define_egress_source. */
  async source(name: string): Promise<ConfigTable> {
    const cached = this.sourceCache.get(name);
    if (cached) return cached;
    let t: ConfigTable | undefined;
    if (name === UNSPECIFIED) t = { name: UNSPECIFIED };
    else {
      const legacy = this.legacy('kumo.define_egress_source', name);
      if (this.has('get_egress_source')) {
        const since = this.engine.records.length;
        const fired = await this.engine.fireEvent('get_egress_source', [name]);
        t = (fired.handled ? this.tableResult(fired.values, 'kumo.make_egress_source', since) : undefined) ?? legacy;
      } else t = legacy;
      if (!t) throw new Error(`get_egress_source '${name}': the policy neither handles get_egress_source nor defines the source (kumo.define_egress_source)`);
    }
    const table = withDefaults('make_egress_source', t);
    this.sourceCache.set(name, table);
    return table;
  }

  /** site_name of a routing domain: `extra` offline data first (a traffic scenario's mx sets), else the VM's kumo.dns.lookup_mx. */
  async site(domain: string, extra?: OfflineMx): Promise<SiteInfo & { note?: string }> {
    if (extra) {
      const r = lookupOffline(extra, domain);
      if (r.configured && r.resolution.ok) return { site_name: r.resolution.siteName, hosts: r.resolution.hosts, domain, from_mx: r.resolution.isMx };
    }
    // The VM's own resolver: ask it through Lua, as a policy would.
    const was = this.tracing;
    this.tracing = false;
    try {
      const [mx] = await this.engine.runString(`local ok, mx = pcall(require('kumo').dns.lookup_mx, ${JSON.stringify(domain)}) if ok then return mx end return { error = tostring(mx) }`, '=(simulator lookup_mx)');
      const m = mx as { site_name?: string; hosts?: string[]; is_mx?: boolean; error?: string };
      if (m && typeof m.site_name === 'string') return { site_name: m.site_name, hosts: m.hosts ?? [], domain, from_mx: m.is_mx !== false };
      const r = lookupOffline(emptyOfflineMx(), domain);
      if (!r.resolution.ok) throw new Error(r.resolution.error);
      return {
        site_name: r.resolution.siteName, hosts: r.resolution.hosts, domain, from_mx: false,
        note: `no MX records are configured for ${domain} (kumo.dns.lookup_mx offline said: ${m?.error ?? 'no answer'}); using the domain itself as its MX host (implicit MX)`,
      };
    } finally {
      this.tracing = was;
    }
  }

  /** get_egress_path_config(routing_domain, source, site_name), kumod's defaults filled in. */
  async pathConfig(routingDomain: string, source: string, siteName: string): Promise<ResolvedPath> {
    const since = this.engine.records.length;
    let given: ConfigTable = {};
    if (this.has('get_egress_path_config')) {
      const fired = await this.engine.fireEvent('get_egress_path_config', [routingDomain, source, siteName]);
      if (fired.handled) given = this.tableResult(fired.values, 'kumo.make_egress_path', since) ?? {};
    }
    const table = withDefaults('make_egress_path', given);
    return { table, config: toPathConfig(table) };
  }
}

/** A Lua string literal for any text. */
function luaString(text: string): string {
  return '"' + text.replace(/[\\"\r\n\0]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\r': '\\r', '\n': '\\n', '\0': '\\0' })[c]!) + '"';
}

/** A Lua table constructor for string/number/boolean meta values. */
function luaTable(obj: Record<string, unknown>): string {
  const parts = Object.entries(obj).map(([k, v]) => `[${luaString(k)}] = ${typeof v === 'number' || typeof v === 'boolean' ? String(v) : luaString(String(v))}`);
  return `{ ${parts.join(', ')} }`;
}
