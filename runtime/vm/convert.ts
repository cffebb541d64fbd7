/**
 * Conversions between Lua values on a fengari stack and plain JS values.
 * Lua nil <-> null; integers and floats <-> number (fengari is patched to exact integers over the safe-integer
 * range, see scripts/patch-fengari.mjs: integral JS numbers within it are pushed as integers, larger ones as floats); strings <-> string (Uint8Array pushes raw bytes); tables <-> arrays (a non-empty
 * sequence) or plain objects; userdata made by `pushObject` comes back as its JS object.
 */
import { lua, lauxlib, LuaState, lstr, T, toJsString, toLuaString } from './lua-api';
import { getObject } from './userdata';

export type JsValue = null | undefined | boolean | number | bigint | string | Uint8Array | JsValue[] | { [key: string]: JsValue } | object;

/** Pushes a JS number as a Lua integer when it is a safe integer (|n| <= 2^53 - 1), else as a float. */
export function pushNumber(L: LuaState, n: number): void {
  // `n + 0`: a JS -0 is the integer 0 (Lua integers have no negative zero).
  if (Number.isSafeInteger(n)) lua.lua_pushinteger(L, n + 0);
  else lua.lua_pushnumber(L, n);
}

/** A JS bigint: a Lua integer within 64 bits (Lua 5.4's value rounded to a double past 2^53), else a float. */
export function pushBigInt(L: LuaState, v: bigint): void {
  if (v >= -(2n ** 63n) && v < 2n ** 63n) lua.lua_pushinteger(L, Number(v));
  else lua.lua_pushnumber(L, Number(v));
}

/** A JS value that pushes itself (userdata wrappers, functions kept in the registry). */
export interface LuaPushable {
  pushTo(L: LuaState): void;
}

export function isPushable(v: unknown): v is LuaPushable {
  return typeof v === 'object' && v !== null && typeof (v as LuaPushable).pushTo === 'function';
}

export function pushJs(L: LuaState, v: unknown, depth = 0): void {
  if (depth > 100) throw new Error('value nested too deeply to convert to Lua');
  switch (typeof v) {
    case 'undefined': lua.lua_pushnil(L); return;
    case 'boolean': lua.lua_pushboolean(L, v); return;
    case 'number': pushNumber(L, v); return;
    case 'bigint': pushBigInt(L, v); return;
    case 'string': lua.lua_pushstring(L, toLuaString(v)); return;
    case 'object':
      if (v === null) { lua.lua_pushnil(L); return; }
      if (v instanceof Uint8Array) { lua.lua_pushstring(L, v); return; }
      if (isPushable(v)) { v.pushTo(L); return; }
      if (Array.isArray(v)) {
        lua.lua_createtable(L, v.length, 0);
        for (let i = 0; i < v.length; i++) {
          pushJs(L, v[i], depth + 1);
          lua.lua_rawseti(L, -2, i + 1);
        }
        return;
      }
      if (v instanceof Map) {
        lua.lua_createtable(L, 0, v.size);
        for (const [k, val] of v) {
          pushJs(L, k, depth + 1);
          pushJs(L, val, depth + 1);
          lua.lua_rawset(L, -3);
        }
        return;
      }
      {
        const entries = Object.entries(v as Record<string, unknown>);
        lua.lua_createtable(L, 0, entries.length);
        for (const [k, val] of entries) {
          if (val === undefined) continue;
          pushJs(L, val, depth + 1);
          lua.lua_setfield(L, -2, lstr(k));
        }
      }
      return;
    default:
      throw new Error(`cannot convert a JS ${typeof v} to Lua`);
  }
}

export interface ToJsOptions {
  /** What to do with functions, threads and foreign userdata: 'error' (default) or 'keep' a description string. */
  opaque?: 'error' | 'describe';
  /** Decode strings that are not valid UTF-8 as Uint8Array instead of replacing bad bytes. */
  binary?: boolean;
}

export class ConversionError extends Error {}

/** The JS value for the Lua value at `idx`. Tables become arrays (non-empty sequences) or objects. */
export function toJs(L: LuaState, idx: number, opts: ToJsOptions = {}, seen: Set<unknown> = new Set()): unknown {
  const t = lua.lua_type(L, idx);
  switch (t) {
    case T.NONE:
    case T.NIL:
    case T.LIGHTUSERDATA: return null; // JSON null from kumo.serde
    case T.BOOLEAN: return lua.lua_toboolean(L, idx);
    case T.NUMBER: return lua.lua_tonumber(L, idx);
    case T.STRING: {
      const bytes = lua.lua_tolstring(L, idx) as Uint8Array;
      return opts.binary && !isUtf8(bytes) ? bytes.slice() : toJsString(bytes, 0, bytes.length, true);
    }
    case T.TABLE: return tableToJs(L, lua.lua_absindex(L, idx), opts, seen);
    case T.USERDATA: {
      const obj = getObject(L, idx);
      if (obj !== undefined) return obj;
      break;
    }
  }
  if (opts.opaque === 'describe') {
    const text = toJsString(lauxlib.luaL_tolstring(L, idx));
    lua.lua_pop(L, 1);
    return text;
  }
  throw new ConversionError(`cannot convert a Lua ${toJsString(lua.lua_typename(L, t))} to a plain value`);
}

function tableToJs(L: LuaState, idx: number, opts: ToJsOptions, seen: Set<unknown>): unknown {
  const id = lua.lua_topointer(L, idx);
  if (seen.has(id)) throw new ConversionError('cannot convert a table that contains itself');
  seen.add(id);
  const n = lua.lua_rawlen(L, idx) as number;
  // A sequence 1..n with no other keys becomes an array.
  let count = 0;
  let onlySequence = n > 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx) !== 0) {
    count++;
    if (onlySequence && !(lua.lua_isinteger(L, -2) && lua.lua_tointeger(L, -2) >= 1 && lua.lua_tointeger(L, -2) <= n)) onlySequence = false;
    lua.lua_pop(L, 1);
  }
  let out: unknown;
  if (onlySequence && count === n) {
    const arr: unknown[] = new Array(n);
    for (let i = 1; i <= n; i++) {
      lua.lua_rawgeti(L, idx, i);
      arr[i - 1] = toJs(L, -1, opts, seen);
      lua.lua_pop(L, 1);
    }
    out = arr;
  } else {
    const obj: Record<string, unknown> = {};
    lua.lua_pushnil(L);
    while (lua.lua_next(L, idx) !== 0) {
      const kt = lua.lua_type(L, -2);
      if (kt !== T.STRING && kt !== T.NUMBER) {
        lua.lua_pop(L, 2);
        throw new ConversionError(`a table key of type ${toJsString(lua.lua_typename(L, kt))} cannot be converted`);
      }
      lua.lua_pushvalue(L, -2);
      const key = toJsString(lua.lua_tolstring(L, -1));
      lua.lua_pop(L, 1);
      obj[key] = toJs(L, -1, opts, seen);
      lua.lua_pop(L, 1);
    }
    out = obj;
  }
  seen.delete(id);
  return out;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
