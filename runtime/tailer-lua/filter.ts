/**
 * A consumer's Lua `filter` as a fast synchronous JS predicate for the tailer engine. Each call pushes the
 * record as a lazy read-only view (record-proxy.ts: `record.type` costs one property lookup, not a table
 * conversion) onto a private thread and runs the function there, under the scheduler's time limit.
 * Truthiness follows mlua's bool conversion: nil and false reject, anything else keeps.
 * An error is thrown as a LuaError (the engine turns it into a TailerFilterError that ends the stream, as kumod does).
 */
import { lua, lauxlib, LuaState, LUA_OK, LUA_REGISTRYINDEX, T, toJsString } from '../vm/lua-api';
import type { LuaHost } from '../vm/host';
import { errorAfterCall, LuaError } from '../vm/errors';
import { installRecordView, pushRecordView, pushRecordViewMetatable } from './record-view';
import { ASK_LUA, compileFilter } from './filter-compile';

/** Calls that run both the compiled predicate and the Lua function, to check they agree: the first ones, then one in CHECK_EVERY. */
const CHECK_FIRST = 64;
const CHECK_EVERY = 1024;

export class LuaFilter {
  private readonly ref: number;
  private readonly thread: LuaState;
  private released = false;
  /** Number of calls made (for progress and the bench). */
  calls = 0;
  /** A JS equivalent of a simple filter (see filter-compile.ts); dropped if it ever disagrees with Lua. */
  private fast: ((record: Record<string, unknown>) => boolean | typeof ASK_LUA) | undefined;

  /** Keeps the function at `idx` of L alive in the registry. */
  constructor(private readonly host: LuaHost, L: LuaState, idx: number) {
    lua.lua_pushvalue(L, idx);
    this.ref = lauxlib.luaL_ref(L, LUA_REGISTRYINDEX);
    this.thread = lua.lua_newthread(host.L);
    lua.lua_pop(host.L, 1);
    installRecordView(host.L, host);
    // The private thread keeps the view metatable at 1 and the function at 2.
    pushRecordViewMetatable(this.thread);
    lua.lua_rawgeti(this.thread, LUA_REGISTRYINDEX, this.ref);
    try {
      this.fast = compileFilter(host, L, idx, (i) => this.readUpvalue(i));
    } catch {
      this.fast = undefined;
    }
  }

  private readonly upvalueStrings = new WeakMap<Uint8Array, string>();

  /** The current value of the function's upvalue `i`, for compiled filters (tables and functions: ASK_LUA). */
  private readUpvalue(i: number): unknown {
    const L = this.thread;
    lua.lua_getupvalue(L, 2, i);
    let v: unknown;
    switch (lua.lua_type(L, -1)) {
      case T.NIL: v = undefined; break;
      case T.BOOLEAN: v = lua.lua_toboolean(L, -1); break;
      case T.NUMBER: v = lua.lua_tonumber(L, -1); break;
      case T.STRING: {
        const bytes = lua.lua_tolstring(L, -1) as Uint8Array;
        let str = this.upvalueStrings.get(bytes);
        if (str === undefined) {
          str = toJsString(bytes, 0, bytes.length, true);
          this.upvalueStrings.set(bytes, str);
        }
        v = str;
        break;
      }
      default: v = ASK_LUA;
    }
    lua.lua_pop(L, 1);
    return v;
  }

  /** True while the filter runs as compiled JS. */
  get compiled(): boolean {
    return this.fast !== undefined;
  }

  private readonly call = (): number => lua.lua_pcall(this.thread, 1, 1, 0);

  /** The predicate handed to the engine. */
  readonly predicate = (record: unknown): boolean => {
    const n = ++this.calls;
    const fast = this.fast;
    if (fast !== undefined && typeof record === 'object' && record !== null && !Array.isArray(record)) {
      const keep = fast(record as Record<string, unknown>);
      if (keep === ASK_LUA) return this.callLua(record);
      if (n > CHECK_FIRST && n % CHECK_EVERY !== 0) return keep;
      if (this.callLua(record) === keep) return keep;
      this.fast = undefined; // disagreement (e.g. the file changed since it was loaded): Lua decides from now on
      return !keep;
    }
    return this.callLua(record);
  };

  /** Runs the Lua function on the record view. */
  callLua(record: unknown): boolean {
    const L = this.thread;
    lua.lua_settop(L, 2);
    lua.lua_pushvalue(L, 2);
    pushRecordView(L, record, 1);
    const { result: status, killed } = this.host.scheduler.guarded(L, this.call);
    if (status !== LUA_OK) {
      let err = errorAfterCall(L, this.host.names, killed);
      lua.lua_settop(L, 2);
      const wait = /^(.*?) cannot wait here: .*$/s.exec(err.message);
      if (wait) {
        // kumod calls filters synchronously too: say so instead of talking about coroutines.
        err = new LuaError(`${wait[1]} cannot be used in a tailer filter: filters run synchronously for every record (as in kumod) and cannot wait; do the waiting in the batches() loop`, err.frames, err.location, err.kind);
      }
      throw err;
    }
    const keep = lua.lua_toboolean(L, -1);
    lua.lua_settop(L, 2);
    return keep;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    lauxlib.luaL_unref(this.host.L, LUA_REGISTRYINDEX, this.ref);
  }
}
