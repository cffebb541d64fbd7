/**
 * Memoizable values (what kumod's mod-memoize CacheValue holds, and what mpsc queues carry): nil, booleans,
 * numbers (integer and float kept apart), strings (bytes), tables with string or integer keys (copied,
 * recursively), and userdata whose catalog object is memoizable (kept by reference). Functions, threads and
 * other userdata raise. Received tables are fresh plain tables (kumod hands back read-mostly
 * MemoizedTable userdata instead).
 */
import { lua, lauxlib, LuaState, T, toJsString } from '../lua-api';
import { objectTypeName } from '../userdata';
import type { Catalog } from '../../catalog/catalog';

export type MemoValue = null | boolean | number | Float | Uint8Array | MemoTable | MemoUserdata;

/** A float whose value is integral (10.0), so it comes back as a float. */
export class Float {
  constructor(readonly value: number) {}
}

export class MemoTable {
  constructor(readonly entries: [number | Uint8Array, MemoValue][]) {}
}

/** A userdata kept by reference: the registry ref of the original value. */
export class MemoUserdata {
  constructor(readonly ref: number, readonly typeName: string) {}
}

export class NotMemoizable extends Error {}

export function toMemo(L: LuaState, idx: number, catalog: Catalog, depth = 0): MemoValue {
  const t = lua.lua_type(L, idx);
  switch (t) {
    case T.NIL:
    case T.NONE:
      return null;
    case T.BOOLEAN:
      return lua.lua_toboolean(L, idx);
    case T.NUMBER: {
      const n = lua.lua_tonumber(L, idx) as number;
      return !lua.lua_isinteger(L, idx) && Number.isInteger(n) ? new Float(n) : n;
    }
    case T.STRING:
      return lua.lua_tolstring(L, idx) as Uint8Array;
    case T.TABLE: {
      if (depth > 100) throw new NotMemoizable('table nested too deeply (or contains itself) to be memoized');
      idx = lua.lua_absindex(L, idx);
      const entries: [number | Uint8Array, MemoValue][] = [];
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx) !== 0) {
        const kt = lua.lua_type(L, -2);
        let key: number | Uint8Array;
        if (kt === T.STRING) key = lua.lua_tolstring(L, -2);
        else if (kt === T.NUMBER && lua.lua_isinteger(L, -2)) key = lua.lua_tointeger(L, -2);
        else {
          const desc = toJsString(lauxlib.luaL_tolstring(L, -2));
          lua.lua_pop(L, 3);
          throw new NotMemoizable(`the table key ${desc} cannot be used in a memoizable table (only strings and integers can)`);
        }
        try {
          entries.push([key, toMemo(L, -1, catalog, depth + 1)]);
        } catch (e) {
          lua.lua_pop(L, 2);
          throw e;
        }
        lua.lua_pop(L, 1);
      }
      return new MemoTable(entries);
    }
    case T.USERDATA: {
      const name = objectTypeName(L, idx);
      if (name && catalog.getObject(name)?.memoizable) {
        lua.lua_pushvalue(L, idx);
        return new MemoUserdata(lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX), name);
      }
      throw new NotMemoizable(`${name ?? 'this userdata'} is not memoizable (only ${memoizableNames(catalog)} are)`);
    }
    default:
      throw new NotMemoizable(`a ${toJsString(lua.lua_typename(L, t))} is not memoizable (only nil, booleans, numbers, strings, tables of those and ${memoizableNames(catalog)} are)`);
  }
}

function memoizableNames(catalog: Catalog): string {
  return [...catalog.objects.values()].filter((o) => o.memoizable).map((o) => o.name).join(', ');
}

export function pushMemo(L: LuaState, v: MemoValue): void {
  if (v === null) lua.lua_pushnil(L);
  else if (typeof v === 'boolean') lua.lua_pushboolean(L, v);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) lua.lua_pushinteger(L, v + 0);
    else lua.lua_pushnumber(L, v);
  } else if (v instanceof Uint8Array) lua.lua_pushstring(L, v);
  else if (v instanceof Float) lua.lua_pushnumber(L, v.value);
  else if (v instanceof MemoTable) {
    lua.lua_createtable(L, 0, v.entries.length);
    for (const [k, val] of v.entries) {
      if (typeof k === 'number') lua.lua_pushinteger(L, k);
      else lua.lua_pushstring(L, k);
      pushMemo(L, val);
      lua.lua_rawset(L, -3);
    }
  } else lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, v.ref);
}
