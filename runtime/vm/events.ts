/**
 * `kumo.on` handlers and their dispatch, with kumod's rules: an event the catalog marks as taking multiple
 * handlers keeps them all and calls them in order until one returns any value (an explicit nil counts);
 * any other event takes one handler and a second registration raises. Registering from inside a handler
 * raises unless the running event is `main`. Each handler call runs as a scheduler task.
 */
import { lua, lauxlib, LuaState, lstr, raise, T, toJsString } from './lua-api';
import type { Catalog } from '../catalog/catalog';
import type { Scheduler } from './scheduler';
import type { LuaError } from './errors';
import { recordRegistrar } from './kumo/registrars';

export interface EventTrace {
  name: string;
  args: unknown[];
  /** Values returned by the handler that ended the chain (empty when none returned anything). */
  result: unknown[];
  handled: boolean;
  durationMs: number;
  error?: LuaError;
}

export interface EventResult<R = unknown[]> {
  /** False when no handler is registered, or (multiple-handler events) none returned a value. */
  handled: boolean;
  values: R;
}

/** Pushes the handler's arguments onto the task thread; returns their count. */
export type ArgPusher = (thread: LuaState) => number;

export class EventRegistry {
  private readonly handlers = new Map<string, number[]>();
  trace?: (t: EventTrace) => void;

  constructor(private readonly catalog: Catalog, private readonly scheduler: Scheduler) {}

  /** True when the catalog says the event (or a dynamic event pattern it matches) takes several handlers. */
  allowsMultiple(name: string): boolean {
    const ev = this.catalog.getEvent(name);
    if (ev) return ev.multiple_handlers;
    for (const d of this.catalog.dynamicEvents) {
      if (d.multiple_handlers && patternMatches(d.pattern, name)) return true;
    }
    return false;
  }

  has(name: string): boolean {
    return (this.handlers.get(name)?.length ?? 0) > 0;
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }

  /** The Lua function `kumo.on`. */
  readonly on = (L: LuaState): number => {
    const name = toJsString(lauxlib.luaL_checkstring(L, 1));
    lauxlib.luaL_checktype(L, 2, T.FUNCTION);
    lua.lua_getglobal(L, lstr('_KUMO_CURRENT_EVENT'));
    const current = lua.lua_type(L, -1) === T.STRING ? toJsString(lua.lua_tostring(L, -1)) : undefined;
    lua.lua_pop(L, 1);
    if (current !== undefined && current !== 'main') {
      return raise(L, `kumo.on('${name}', ...) was called while handling the '${current}' event; ` +
        'handlers must be registered when the policy is loaded (only the main event of a script may register more)');
    }
    recordRegistrar(L, name);
    const list = this.handlers.get(name) ?? [];
    if (list.length > 0 && !this.allowsMultiple(name)) {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, list[0]);
      const ar = new lua.lua_Debug();
      lua.lua_getinfo(L, '>S', ar);
      const where = `${toJsString(ar.short_src)}:${ar.linedefined}`;
      return raise(L, `the '${name}' event takes a single handler, and one is already registered (defined at ${where})`);
    }
    lua.lua_pushvalue(L, 2);
    list.push(lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX));
    this.handlers.set(name, list);
    return 0;
  };

  /**
   * Calls the event's handler(s). `read` converts the results of the handler that ended the chain.
   * Resolves `{handled: false}` when nothing handled it; rejects with the handler's LuaError.
   */
  async fire<R>(name: string, pushArgs: ArgPusher, read: (thread: LuaState, n: number) => R, traceArgs: unknown[] = []): Promise<EventResult<R | undefined>> {
    const list = this.handlers.get(name) ?? [];
    const multiple = this.allowsMultiple(name);
    const began = performance.now();
    let out: EventResult<R | undefined> = { handled: false, values: undefined };
    try {
      for (const ref of list) {
        const r = await this.scheduler.spawn(name, name, (thread) => {
          lua.lua_rawgeti(thread, lua.LUA_REGISTRYINDEX, ref);
          return pushArgs(thread);
        }, (thread, n) => (n === 0 && multiple ? undefined : { value: read(thread, n) }));
        if (r) {
          out = { handled: true, values: r.value };
          break;
        }
      }
    } catch (e) {
      this.trace?.({ name, args: traceArgs, result: [], handled: false, durationMs: performance.now() - began, error: e as LuaError });
      throw e;
    }
    if (this.trace) {
      this.trace({ name, args: traceArgs, result: Array.isArray(out.values) ? out.values : out.values === undefined ? [] : [out.values], handled: out.handled, durationMs: performance.now() - began });
    }
    return out;
  }
}

/** `log_disposition_<name>` style patterns: `<...>` stands for any text. */
function patternMatches(pattern: string, name: string): boolean {
  const head = pattern.split(' ')[0];
  const re = new RegExp('^' + head.split(/<[^>]*>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+') + '$');
  return re.test(name);
}
