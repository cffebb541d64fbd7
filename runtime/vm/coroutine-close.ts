/**
 * `coroutine.close` of Lua 5.4, which fengari (5.3) lacks. A closed coroutine is dead from then on:
 * `coroutine.status` says so and `coroutine.resume` refuses it, as Lua 5.4 does after lua_closethread.
 * One difference stays: the pending `<close>` variables of a suspended coroutine are not run, because
 * they live in the lowered code's protected calls that only a resume could unwind.
 */
import { lua, lauxlib, LuaState, JsFunction, lstr, raise, T, toJsString } from './lua-api';

export function installCoroutineClose(L: LuaState): void {
  const closed = new WeakSet<object>();
  lua.lua_getglobal(L, lstr('coroutine'));
  lua.lua_getfield(L, -1, lstr('status'));
  const status = lua.lua_tocfunction(L, -1) as JsFunction;
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, -1, lstr('resume'));
  const resume = lua.lua_tocfunction(L, -1) as JsFunction;
  lua.lua_pop(L, 1);

  /** What coroutine.status says of the thread at index 1. */
  const statusOf = (L1: LuaState, co: LuaState): string => {
    if (closed.has(co)) return 'dead';
    lua.lua_pushcfunction(L1, status);
    lua.lua_pushvalue(L1, 1);
    lua.lua_call(L1, 1, 1);
    const s = toJsString(lua.lua_tostring(L1, -1));
    lua.lua_pop(L1, 1);
    return s;
  };

  lua.lua_pushcfunction(L, (L1: LuaState) => {
    const co = lua.lua_tothread(L1, 1) as LuaState | null;
    if (co && closed.has(co)) {
      lua.lua_pushstring(L1, lstr('dead'));
      return 1;
    }
    return status(L1);
  });
  lua.lua_setfield(L, -2, lstr('status'));

  lua.lua_pushcfunction(L, (L1: LuaState) => {
    const co = lua.lua_tothread(L1, 1) as LuaState | null;
    if (co && closed.has(co)) {
      lua.lua_pushboolean(L1, false);
      lua.lua_pushstring(L1, lstr('cannot resume dead coroutine'));
      return 2;
    }
    return resume(L1);
  });
  lua.lua_setfield(L, -2, lstr('resume'));

  lua.lua_pushcfunction(L, (L1: LuaState) => {
    lauxlib.luaL_checktype(L1, 1, T.THREAD);
    const co = lua.lua_tothread(L1, 1) as LuaState;
    const state = statusOf(L1, co);
    if (state === 'running' || state === 'normal') return raise(L1, `cannot close a ${state} coroutine`);
    if (closed.has(co)) {
      lua.lua_pushboolean(L1, true);
      return 1;
    }
    closed.add(co);
    const failed = lua.lua_status(co) !== lua.LUA_OK && lua.lua_status(co) !== lua.LUA_YIELD;
    if (!failed) {
      lua.lua_pushboolean(L1, true);
      return 1;
    }
    // Died by an error: false and the error object, which sits on top of the dead coroutine's stack.
    lua.lua_pushboolean(L1, false);
    lua.lua_pushvalue(co, -1);
    lua.lua_xmove(co, L1, 1);
    return 2;
  });
  lua.lua_setfield(L, -2, lstr('close'));
  lua.lua_pop(L, 1);
}
