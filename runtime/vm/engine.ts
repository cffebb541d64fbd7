/**
 * PolicyEngine: the runtime's public face. Loads a policy (or script) into a fresh Lua state with the kumo
 * module, fires events with JS arguments and returns JS results, runs a script's `main`, lets other engines
 * bind host functions (sync or async), and reports every event call to a trace hook.
 */
import { resolve } from 'node:path';
import { getCatalog } from '../catalog/catalog';
import { lua, LuaState } from './lua-api';
import { LuaHost, HostOptions } from './host';
import { EventRegistry, EventResult, EventTrace } from './events';
import { pushJs, toJs, ToJsOptions } from './convert';
import { LuaError } from './errors';
import { installModules } from './kumo/module';
import type { ConfigRecord, KumoContext, KumoFunction, KumoFunctions, LogLevel } from './kumo/context';
import { allKumoFunctions } from './kumo/all';
import { defineUserdataType, pushObject, UserdataType } from './userdata';
import { LuaFunctionRef } from './function-ref';
import { resolverFromConfig, resolverFromFile } from './kumo/dns';

export interface EngineOptions extends HostOptions {
  /** Receives kumo.log_* output and background task errors. Default: stderr. */
  log?: (level: LogLevel, message: string) => void;
  /** Called after every event dispatch (name, args, result, duration, error). */
  trace?: (t: EventTrace) => void;
  /** Sets `_VALIDATING_CONFIG` and makes spawn_task a no-op, as `kumod --validate` does. */
  validating?: boolean;
  /** Host functions to add or replace, by full name (`kumo.jsonl.new_tailer`). */
  functions?: KumoFunctions;
  /** Value of the `kumo.version` field. */
  version?: string;
  /** Offline DNS data: configure_test_resolver's forms (zone texts, {zones, servfail}). */
  dnsZones?: unknown;
  /** A DNS settings file: JSON in configure_test_resolver's shape, or a zone file. */
  dnsSettingsFile?: string;
}

/** Result of firing an event: `handled` false when no handler ran to a value; `values` as JS. */
export type FiredEvent = EventResult<unknown[]>;

export class PolicyEngine {
  readonly host: LuaHost;
  readonly events: EventRegistry;
  readonly records: ConfigRecord[] = [];
  /** Errors of spawned tasks, as kumod would log them. */
  readonly backgroundErrors: { event: string; error: unknown }[] = [];
  private readonly ctx: KumoContext;
  private readonly background = new Set<Promise<unknown>>();

  constructor(readonly options: EngineOptions = {}) {
    this.host = new LuaHost(options);
    const catalog = getCatalog();
    this.events = new EventRegistry(catalog, this.host.scheduler);
    this.events.trace = options.trace;
    const logSink = options.log ?? ((level, message) => process.stderr.write(`[${level}] ${message}\n`));
    this.ctx = {
      host: this.host,
      events: this.events,
      catalog,
      log: logSink,
      records: this.records,
      background: this.background,
      backgroundError: (event, error) => {
        this.backgroundErrors.push({ event, error });
        logSink('error', `error while dispatching ${event}: ${error instanceof LuaError ? error.traceback : String(error)}`);
      },
      validating: options.validating ?? false,
      dns: options.dnsSettingsFile ? resolverFromFile(options.dnsSettingsFile) : options.dnsZones !== undefined ? resolverFromConfig(options.dnsZones) : undefined,
    };
    installModules(this.ctx, { ...allKumoFunctions(this.ctx), ...(options.functions ?? {}) }, { 'kumo.version': options.version ?? 'simulator' });
    if (options.validating) {
      lua.lua_pushboolean(this.host.L, true);
      lua.lua_setglobal(this.host.L, '_VALIDATING_CONFIG');
    }
  }

  /** Creates an engine and loads the policy file into it. */
  static async load(policyPath: string, options: EngineOptions = {}): Promise<PolicyEngine> {
    const path = resolve(policyPath);
    const engine = new PolicyEngine({ policyDir: options.policyDir ?? resolve(path, '..'), ...options });
    await engine.loadPolicy(path);
    return engine;
  }

  /** Runs a policy file's top-level code (registering its handlers). */
  async loadPolicy(path: string): Promise<void> {
    await this.host.runFile(resolve(path));
  }

  /** Runs Lua source as a chunk (tests, REPL-like use); resolves with its return values. */
  async runString(code: string, chunkName = '=(string)', opts?: ToJsOptions): Promise<unknown[]> {
    return this.host.scheduler.spawn(chunkName, null, (thread) => {
      this.host.pushChunk(thread, code, chunkName);
      return 0;
    }, (thread, n) => readResults(thread, n, opts));
  }

  hasHandler(event: string): boolean {
    return this.events.has(event);
  }

  /** Fires an event with JS arguments (each pushed as one Lua value); resolves with its results as JS. */
  fireEvent(name: string, args: unknown[] = [], opts?: ToJsOptions): Promise<FiredEvent> {
    return this.events.fire(name, (thread) => {
      for (const a of args) pushJs(thread, a);
      return args.length;
    }, (thread, n) => readResults(thread, n, { opaque: 'describe', ...opts }), args) as Promise<FiredEvent>;
  }

  /**
   * Runs a script the way `kumod --script` does: loads it, then calls its `main` handler with the string
   * arguments. Spawned tasks are stopped when main returns.
   */
  async runScript(path: string, args: string[] = []): Promise<void> {
    await this.loadPolicy(path);
    if (!this.events.has('main')) throw new Error(`${path}: the script registers no 'main' handler (kumo.on('main', function(...) ... end))`);
    try {
      await this.fireEvent('main', args);
    } finally {
      this.stop('the script finished');
    }
  }

  /** Waits until every spawned task has finished (or `timeoutMs` passed); returns how many are still running. */
  async settle(timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.background.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.background]), new Promise((r) => setTimeout(r, Math.max(1, deadline - Date.now())))]);
    }
    return this.background.size;
  }

  /** Cancels everything: the running task stops within the hook interval, waiting ones at once. */
  cancel(message = 'cancelled'): void {
    this.host.scheduler.cancelAll(message);
  }

  /** Stops spawned tasks without reporting them as errors (end of a script). */
  private stop(reason: string): void {
    if (this.host.scheduler.size > 0) this.host.scheduler.cancelAll(reason);
    for (const p of this.background) this.background.delete(p);
  }

  // ---- for other engines binding into Lua ----

  /** Adds or replaces a kumo function after construction (`kumo.jsonl.new_tailer`). */
  defineFunction(fullName: string, fn: KumoFunction): void {
    const parts = fullName.split('.');
    const L = this.host.L;
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, '_LOADED');
    for (const p of parts.slice(0, -1)) {
      if (lua.lua_getfield(L, -1, p) !== lua.LUA_TTABLE) {
        lua.lua_pop(L, 1);
        lua.lua_createtable(L, 0, 0);
        lua.lua_pushvalue(L, -1);
        lua.lua_setfield(L, -3, p);
      }
      lua.lua_remove(L, -2);
    }
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, parts[parts.length - 1]);
    lua.lua_pop(L, 1);
  }

  /**
   * Defines an async host function: `fn` gets the Lua arguments as JS values and its promise's value is
   * returned to Lua (MultipleResults gives several). The calling task is suspended meanwhile, so this works
   * inside pcall and as a generic-for iterator.
   */
  defineAsyncFunction(fullName: string, fn: (args: unknown[], L: LuaState) => Promise<unknown>): void {
    this.defineFunction(fullName, (L) => {
      const args = readResults(L, lua.lua_gettop(L), { opaque: 'describe' });
      return this.host.scheduler.awaitPromise(L, fullName, fn(args, L), pushResults);
    });
  }

  /** Suspends the task running on L until the promise settles; for host functions and object methods. */
  awaitPromise<T>(L: LuaState, what: string, promise: Promise<T>, push: (L: LuaState, value: T) => number = (L1, v) => pushResults(L1, v)): number {
    return this.host.scheduler.awaitPromise(L, what, promise, push);
  }

  /** Registers a userdata type (methods, fields, metamethods) and returns a pusher for its objects. */
  defineObjectType<O>(type: UserdataType<O>): (L: LuaState, obj: O) => void {
    defineUserdataType(this.host.L, type);
    return (L, obj) => pushObject(L, type.name, obj);
  }

  /** Keeps the Lua function at `idx` callable from JS (synchronously, or as a task). */
  refFunction(L: LuaState, idx: number): LuaFunctionRef {
    return new LuaFunctionRef(this.host, L, idx);
  }
}

/** Results 1..n of a thread as JS values. */
export function readResults(thread: LuaState, n: number, opts?: ToJsOptions): unknown[] {
  const out: unknown[] = [];
  const base = lua.lua_gettop(thread) - n;
  for (let i = 1; i <= n; i++) out.push(toJs(thread, base + i, opts));
  return out;
}

/** Several Lua results from one host function (`return new MultipleResults([a, b])`). */
export class MultipleResults {
  constructor(readonly values: unknown[]) {}
}

/** Pushes a host function's JS result: undefined -> no value, MultipleResults -> each, anything else -> one value. */
export function pushResults(L: LuaState, value: unknown): number {
  if (value === undefined) return 0;
  if (value instanceof MultipleResults) {
    for (const v of value.values) pushJs(L, v);
    return value.values.length;
  }
  pushJs(L, value);
  return 1;
}
