/**
 * Read-only Lua views of JS objects and arrays (a decoded JSON log record, say): indexing reads the JS value
 * lazily, so a filter that looks at `record.type` costs one lookup, not a whole table conversion.
 * Nested objects come back as views too; `#`, `pairs`, `ipairs` and `tostring` (JSON) work.
 */
import { lua, lauxlib, LuaState, lstr, raise, T, toJsString, toLuaString } from './lua-api';
import { pushNumber, pushJs } from './convert';

const TYPE = 'kumo.JsView';
const SLOT = '__kumo_object';

interface Slot {
  [SLOT]?: unknown;
}

function self(L: LuaState): any {
  const slot = lua.lua_touserdata(L, 1) as Slot | null;
  return slot ? slot[SLOT] : undefined;
}

const keyCache = new WeakMap<Uint8Array, string>();
/** JS text of a Lua string key; fengari interns short strings, so the same key is the same array. */
function keyString(s: Uint8Array): string {
  let k = keyCache.get(s);
  if (k === undefined) {
    k = toJsString(s);
    keyCache.set(s, k);
  }
  return k;
}

/** Pushes a value: scalars as Lua values, objects and arrays as views. */
export function pushView(L: LuaState, v: unknown): void {
  switch (typeof v) {
    case 'string': lua.lua_pushstring(L, v.length <= 32 ? lstr(v) : toLuaString(v)); return;
    case 'number': pushNumber(L, v); return;
    case 'boolean': lua.lua_pushboolean(L, v); return;
    case 'object':
      if (v === null) { lua.lua_pushnil(L); return; }
      if (v instanceof Uint8Array) { lua.lua_pushstring(L, v); return; }
      {
        const slot = lua.lua_newuserdata(L, 0) as Slot;
        slot[SLOT] = v;
        lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, metatableRef(L));
        lua.lua_setmetatable(L, -2);
      }
      return;
    default:
      pushJs(L, v);
  }
}

/** Registry slot of the view metatable, per Lua state (threads share their global state). */
const refs = new WeakMap<object, number>();
function metatableRef(L: LuaState): number {
  const g = (L as unknown as { l_G: object }).l_G;
  let ref = refs.get(g);
  if (ref === undefined) {
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr(TYPE));
    ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX) as number;
    refs.set(g, ref);
  }
  return ref;
}

/** Installs the view metatable in a state (once). */
export function installViews(L: LuaState): void {
  lua.lua_createtable(L, 0, 6);
  lua.lua_pushcfunction(L, (L1: LuaState) => {
    const obj = self(L1);
    const kt = lua.lua_type(L1, 2);
    if (Array.isArray(obj)) {
      if (kt !== T.NUMBER) return 0;
      pushView(L1, obj[(lua.lua_tonumber(L1, 2) as number) - 1]);
      return 1;
    }
    if (kt !== T.STRING) return 0;
    const key = keyString(lua.lua_tostring(L1, 2));
    pushView(L1, Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined);
    return 1;
  });
  lua.lua_setfield(L, -2, lstr('__index'));
  lua.lua_pushcfunction(L, (L1: LuaState) => raise(L1, 'this record is read-only (copy the fields you need into a table)'));
  lua.lua_setfield(L, -2, lstr('__newindex'));
  lua.lua_pushcfunction(L, (L1: LuaState) => {
    const obj = self(L1);
    lua.lua_pushinteger(L1, Array.isArray(obj) ? obj.length : 0);
    return 1;
  });
  lua.lua_setfield(L, -2, lstr('__len'));
  lua.lua_pushcfunction(L, (L1: LuaState) => {
    lua.lua_pushstring(L1, toLuaString(JSON.stringify(self(L1))));
    return 1;
  });
  lua.lua_setfield(L, -2, lstr('__tostring'));
  lua.lua_pushcfunction(L, (L1: LuaState) => {
    const obj = self(L1);
    const keys: (string | number)[] = Array.isArray(obj) ? obj.map((_, i) => i + 1) : Object.keys(obj);
    let i = 0;
    lua.lua_pushcfunction(L1, (L2: LuaState) => {
      while (i < keys.length) {
        const k = keys[i++];
        const v = typeof k === 'number' ? obj[k - 1] : obj[k];
        if (v === null || v === undefined) continue;
        if (typeof k === 'number') lua.lua_pushinteger(L2, k);
        else lua.lua_pushstring(L2, toLuaString(k));
        pushView(L2, v);
        return 2;
      }
      return 0;
    });
    lua.lua_pushvalue(L1, 1);
    lua.lua_pushnil(L1);
    return 3;
  });
  lua.lua_setfield(L, -2, lstr('__pairs'));
  lua.lua_pushstring(L, lstr('JsonRecord'));
  lua.lua_setfield(L, -2, lstr('__name'));
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lstr(TYPE));
}

/** The JS value behind a view, or undefined. */
export function viewTarget(L: LuaState, idx: number): unknown {
  if (lua.lua_type(L, idx) !== T.USERDATA || !lua.lua_getmetatable(L, idx)) return undefined;
  lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr(TYPE));
  const same = lua.lua_rawequal(L, -1, -2);
  lua.lua_pop(L, 2);
  if (!same) return undefined;
  return (lua.lua_touserdata(L, idx) as Slot)[SLOT];
}
