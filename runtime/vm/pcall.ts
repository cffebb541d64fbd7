/**
 * pcall and xpcall that keep the count hook alive. fengari's yieldable protected call (lua_pcallk with a
 * continuation, used by the base library inside coroutines) saves the "original allowhook" bit with
 * `callstatus &= ~CIST_OAH | allowhook`, which never sets it, so after an error it is caught inside a
 * coroutine the thread's hooks stay off for good and the time limit could no longer stop it. These
 * versions are the base library's, plus restoring `allowhook` (always 1 outside a hook) when the call ends.
 */
import { lua, lauxlib, LuaState, lstr, LUA_OK, LUA_YIELD, LUA_MULTRET } from './lua-api';

interface HookState {
  allowhook: number;
}

function finish(L: LuaState, status: number, extra: number): number {
  (L as unknown as HookState).allowhook = 1;
  if (status !== LUA_OK && status !== LUA_YIELD) {
    lua.lua_pushboolean(L, false);
    lua.lua_pushvalue(L, -2);
    return 2;
  }
  return lua.lua_gettop(L) - extra;
}

function pcall(L: LuaState): number {
  lauxlib.luaL_checkany(L, 1);
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  const status = lua.lua_pcallk(L, lua.lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish);
  return finish(L, status, 0);
}

function xpcall(L: LuaState): number {
  const n = lua.lua_gettop(L);
  lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
  lua.lua_pushboolean(L, true);
  lua.lua_pushvalue(L, 1);
  lua.lua_rotate(L, 3, 2);
  const status = lua.lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish);
  return finish(L, status, 2);
}

export function installProtectedCalls(L: LuaState): void {
  lua.lua_pushcfunction(L, pcall);
  lua.lua_setglobal(L, lstr('pcall'));
  lua.lua_pushcfunction(L, xpcall);
  lua.lua_setglobal(L, lstr('xpcall'));
}
