/**
 * A Lua function kept alive for JS callers (a tailer filter, a memoized function): call it synchronously on
 * a private thread (fast; it must not wait) or as a scheduler task (it may wait).
 */
import { lua, lauxlib, LuaState, LUA_OK, LUA_REGISTRYINDEX } from './lua-api';
import type { LuaHost } from './host';
import { errorAfterCall } from './errors';
import { pushJs, toJs, ToJsOptions } from './convert';
import { pushView } from './record-proxy';

/** Marks an argument to be passed as a lazy read-only view instead of a converted table. */
export class AsView {
  constructor(readonly value: unknown) {}
}

export class LuaFunctionRef {
  private readonly ref: number;
  private readonly thread: LuaState;

  constructor(private readonly host: LuaHost, L: LuaState, idx: number) {
    lauxlib.luaL_checktype(L, idx, lua.LUA_TFUNCTION);
    lua.lua_pushvalue(L, idx);
    this.ref = lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
    this.thread = lua.lua_newthread(host.L);
    lua.lua_pop(host.L, 1);
  }

  /** Pushes the function onto L. */
  pushTo(L: LuaState): void {
    lua.lua_rawgeti(L, LUA_REGISTRYINDEX, this.ref);
  }

  /**
   * Calls synchronously and returns the first result as JS (`opts`), or all results with `all`.
   * Arguments wrapped in AsView are passed as lazy views. Throws LuaError (also on timeout/cancel).
   */
  callSync(args: unknown[], opts?: ToJsOptions & { all?: boolean }): unknown {
    const L = this.thread;
    const sched = this.host.scheduler;
    lua.lua_settop(L, 0);
    lua.lua_rawgeti(L, LUA_REGISTRYINDEX, this.ref);
    for (const a of args) {
      if (a instanceof AsView) pushView(L, a.value);
      else pushJs(L, a);
    }
    const guard = sched.beginSync(L);
    let status: number;
    try {
      status = lua.lua_pcall(L, args.length, opts?.all ? lua.LUA_MULTRET : 1, 0);
    } finally {
      sched.endSync(guard);
    }
    const killed = guard.killed as { kind: 'timeout' | 'cancelled'; message: string } | undefined;
    if (status !== LUA_OK) {
      const err = errorAfterCall(L, this.host.names, killed);
      lua.lua_settop(L, 0);
      throw err;
    }
    if (opts?.all) {
      const n = lua.lua_gettop(L);
      const out: unknown[] = [];
      for (let i = 1; i <= n; i++) out.push(toJs(L, i, opts));
      lua.lua_settop(L, 0);
      return out;
    }
    const v = toJs(L, 1, opts);
    lua.lua_settop(L, 0);
    return v;
  }

  /** Calls as a task (the function may wait); resolves with all results as JS. */
  call(args: unknown[], opts?: ToJsOptions): Promise<unknown[]> {
    return this.host.scheduler.spawn('function', null, (thread) => {
      lua.lua_rawgeti(thread, LUA_REGISTRYINDEX, this.ref);
      for (const a of args) {
        if (a instanceof AsView) pushView(thread, a.value);
        else pushJs(thread, a);
      }
      return args.length;
    }, (thread, n) => {
      const out: unknown[] = [];
      for (let i = 1; i <= n; i++) out.push(toJs(thread, i, opts));
      return out;
    });
  }

  /** Frees the registry slot. */
  release(): void {
    lauxlib.luaL_unref(this.host.L, LUA_REGISTRYINDEX, this.ref);
  }
}
