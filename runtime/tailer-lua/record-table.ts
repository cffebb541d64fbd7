/**
 * Parsed JSON records as real Lua tables (what `batch:records()` and `batch:iter_records()` hand out, as kumod
 * does), built faster than the generic converter: field names and short string values are pushed from an
 * interning table, so each distinct key is encoded and hashed once per Lua state instead of once per record
 * (fengari hashes a new string key byte by byte). Same result as runtime/vm/convert's pushJs for JSON values:
 * null fields are left out, integers within 32 bits are Lua integers, other numbers floats.
 */
import { lua, lauxlib, LuaState, LUA_REGISTRYINDEX, toLuaString } from '../vm/lua-api';
import { pushNumber } from '../vm/convert';

const MAX_INTERNED = 16384;
const MAX_INTERNED_LENGTH = 48;

interface Interner {
  ref: number;
  ids: Map<string, number>;
}

const interners = new WeakMap<object, Interner>();

function internerFor(L: LuaState, state: object): Interner {
  let it = interners.get(state);
  if (!it) {
    lua.lua_createtable(L, 1024, 0);
    it = { ref: lauxlib.luaL_ref(L, LUA_REGISTRYINDEX), ids: new Map() };
    interners.set(state, it);
  }
  return it;
}

/** Pushes `s`, from the interning table at stack index `cache` when short. */
function pushString(L: LuaState, s: string, cache: number, it: Interner): void {
  if (s.length > MAX_INTERNED_LENGTH) {
    lua.lua_pushstring(L, toLuaString(s));
    return;
  }
  const id = it.ids.get(s);
  if (id !== undefined) {
    lua.lua_rawgeti(L, cache, id);
    return;
  }
  lua.lua_pushstring(L, toLuaString(s));
  if (it.ids.size < MAX_INTERNED) {
    const n = it.ids.size + 1;
    it.ids.set(s, n);
    lua.lua_pushvalue(L, -1);
    lua.lua_rawseti(L, cache, n);
  }
}

function pushValue(L: LuaState, v: unknown, cache: number, it: Interner, depth: number): void {
  switch (typeof v) {
    case 'string': pushString(L, v, cache, it); return;
    case 'number': pushNumber(L, v); return;
    case 'boolean': lua.lua_pushboolean(L, v); return;
    case 'object':
      if (v === null) { lua.lua_pushnil(L); return; }
      if (depth > 100) throw new Error('value nested too deeply to convert to Lua');
      if (Array.isArray(v)) {
        lua.lua_createtable(L, v.length, 0);
        for (let i = 0; i < v.length; i++) {
          pushValue(L, v[i], cache, it, depth + 1);
          lua.lua_rawseti(L, -2, i + 1);
        }
        return;
      }
      {
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o);
        lua.lua_createtable(L, 0, keys.length);
        for (const k of keys) {
          const val = o[k];
          if (val === null || val === undefined) continue;
          pushString(L, k, cache, it);
          pushValue(L, val, cache, it, depth + 1);
          lua.lua_rawset(L, -3);
        }
      }
      return;
    default:
      lua.lua_pushnil(L);
  }
}

/** Pushes one record as a Lua table (`state` identifies the Lua state, e.g. the LuaHost). */
export function pushRecordTable(L: LuaState, record: unknown, state: object): void {
  const it = internerFor(L, state);
  lua.lua_rawgeti(L, LUA_REGISTRYINDEX, it.ref);
  const cache = lua.lua_gettop(L);
  pushValue(L, record, cache, it, 0);
  lua.lua_remove(L, cache);
}

/** Pushes a sequence of records as a Lua table of tables. */
export function pushRecordTables(L: LuaState, records: readonly unknown[], state: object): void {
  const it = internerFor(L, state);
  lua.lua_rawgeti(L, LUA_REGISTRYINDEX, it.ref);
  const cache = lua.lua_gettop(L);
  lua.lua_createtable(L, records.length, 0);
  for (let i = 0; i < records.length; i++) {
    pushValue(L, records[i], cache, it, 0);
    lua.lua_rawseti(L, -2, i + 1);
  }
  lua.lua_remove(L, cache);
}
