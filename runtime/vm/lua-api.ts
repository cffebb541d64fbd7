/**
 * The fengari C-API surface this runtime uses, plus small helpers for strings and stack values.
 * Everything else in runtime/vm goes through here, so fengari stays behind one door.
 */
import * as fengari from 'fengari';
import type { LuaState, LuaString } from 'fengari';

export type { LuaState, LuaString, JsFunction, Continuation } from 'fengari';
export const lua = fengari.lua;
export const lauxlib = fengari.lauxlib;
export const lualib = fengari.lualib;
export const toLuaString = fengari.to_luastring;
export const toJsString = fengari.to_jsstring;

export const LUA_OK: number = lua.LUA_OK;
export const LUA_YIELD: number = lua.LUA_YIELD;
export const LUA_MULTRET: number = lua.LUA_MULTRET;
export const LUA_REGISTRYINDEX: number = lua.LUA_REGISTRYINDEX;
export const T = {
  NONE: lua.LUA_TNONE as number,
  NIL: lua.LUA_TNIL as number,
  BOOLEAN: lua.LUA_TBOOLEAN as number,
  LIGHTUSERDATA: lua.LUA_TLIGHTUSERDATA as number,
  NUMBER: lua.LUA_TNUMBER as number,
  STRING: lua.LUA_TSTRING as number,
  TABLE: lua.LUA_TTABLE as number,
  FUNCTION: lua.LUA_TFUNCTION as number,
  USERDATA: lua.LUA_TUSERDATA as number,
  THREAD: lua.LUA_TTHREAD as number,
};

const interned = new Map<string, LuaString>();
/** A Lua string for a JS string that is used over and over (keys, names): encoded once. */
export function lstr(s: string): LuaString {
  let v = interned.get(s);
  if (!v) {
    v = toLuaString(s);
    if (interned.size < 4096) interned.set(s, v);
  }
  return v;
}

export function pushString(L: LuaState, s: string): void {
  lua.lua_pushstring(L, lstr(s));
}

/** A JS string from the value at `idx` (numbers converted as Lua does), or undefined. */
export function getString(L: LuaState, idx: number): string | undefined {
  const t = lua.lua_type(L, idx);
  if (t !== T.STRING && t !== T.NUMBER) return undefined;
  const s = lua.lua_tolstring(L, idx) as LuaString;
  return toJsString(s, 0, s.length, true);
}

/** Raises a Lua error whose message is `message` (no position prefix); never returns. */
export function raise(L: LuaState, message: string): never {
  lua.lua_pushstring(L, toLuaString(message));
  lua.lua_error(L);
  throw new Error('unreachable');
}

/** Raises with the position of the calling Lua code prepended, as `error(msg)` does at level 1. */
export function raiseAt(L: LuaState, message: string, level = 1): never {
  lauxlib.luaL_where(L, level);
  lua.lua_pushstring(L, toLuaString(message));
  lua.lua_concat(L, 2);
  lua.lua_error(L);
  throw new Error('unreachable');
}

/** Sets t[name] = JS function, for the table at the top of the stack. */
export function setFunction(L: LuaState, name: string, fn: (L: LuaState) => number): void {
  lua.lua_pushcfunction(L, fn);
  lua.lua_setfield(L, -2, lstr(name));
}

/** Gets or creates the sub-table t[name] of the table at the top, leaving it pushed. */
export function subTable(L: LuaState, name: string): void {
  if (lua.lua_getfield(L, -1, lstr(name)) !== T.TABLE) {
    lua.lua_pop(L, 1);
    lua.lua_createtable(L, 0, 0);
    lua.lua_pushvalue(L, -1);
    lua.lua_setfield(L, -3, lstr(name));
  }
}
