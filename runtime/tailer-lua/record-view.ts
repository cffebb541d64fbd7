/**
 * The record a filter sees: a lazy read-only view of the parsed JSON (as record-proxy.ts's views, which nested
 * objects still use), tuned for the hot path of a tailer filter, which runs once per record and consumer:
 * - field names coming from Lua constants (`record.type`) are converted to JS once and remembered;
 * - short string values (record types, pools, queues...) are pushed from an interning table, without being
 *   re-encoded and re-hashed on every read.
 * The JS object is kept in the same userdata slot as every other runtime object, so passing the record on to
 * another kumo function (`kumo.serde.json_encode(record)`) converts it back to the original value.
 */
import { lua, LuaState, lstr, T, toJsString, toLuaString } from '../vm/lua-api';
import { pushView } from '../vm/record-proxy';

const SLOT = '__kumo_object';
const TYPE = 'kumo.JsonRecordView';
const MAX_INTERNED = 4096;
const MAX_INTERNED_LENGTH = 48;

/** Per Lua state: the metatable (in the registry under TYPE) and the interning table (an upvalue of __index). */
const installed = new WeakSet<object>();
const keyNames = new WeakMap<Uint8Array, string>();

/** Installs the record view metatable in the state of L once. */
export function installRecordView(L: LuaState, mainState: object): void {
  if (installed.has(mainState)) return;
  installed.add(mainState);
  const interned = new Map<string, number>();
  lua.lua_createtable(L, 0, 8);
  // Copy __len, __pairs, __tostring, __newindex and __name from record-proxy's view metatable.
  lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr('kumo.JsView'));
  if (lua.lua_type(L, -1) === T.TABLE) {
    for (const name of ['__len', '__pairs', '__tostring', '__newindex', '__name']) {
      lua.lua_getfield(L, -1, lstr(name));
      lua.lua_setfield(L, -3, lstr(name));
    }
  }
  lua.lua_pop(L, 1);
  lua.lua_createtable(L, MAX_INTERNED, 0); // upvalue 1: interned strings by index
  lua.lua_pushcclosure(L, (L1: LuaState) => {
    const obj = (lua.lua_touserdata(L1, 1) as Record<string, any>)[SLOT];
    if (lua.lua_type(L1, 2) !== T.STRING) {
      if (Array.isArray(obj) && lua.lua_type(L1, 2) === T.NUMBER) {
        pushView(L1, obj[(lua.lua_tonumber(L1, 2) as number) - 1]);
        return 1;
      }
      return 0;
    }
    const bytes = lua.lua_tolstring(L1, 2) as Uint8Array;
    let key = keyNames.get(bytes);
    if (key === undefined) {
      key = toJsString(bytes);
      keyNames.set(bytes, key);
    }
    if (!Object.prototype.hasOwnProperty.call(obj, key)) return 0;
    const v = obj[key];
    if (typeof v === 'string' && v.length <= MAX_INTERNED_LENGTH) {
      const slot = interned.get(v);
      if (slot !== undefined) {
        lua.lua_rawgeti(L1, lua.lua_upvalueindex(1), slot);
        return 1;
      }
      lua.lua_pushstring(L1, toLuaString(v));
      if (interned.size < MAX_INTERNED) {
        const n = interned.size + 1;
        interned.set(v, n);
        lua.lua_pushvalue(L1, -1);
        lua.lua_rawseti(L1, lua.lua_upvalueindex(1), n);
      }
      return 1;
    }
    pushView(L1, v);
    return 1;
  }, 1);
  lua.lua_setfield(L, -2, lstr('__index'));
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lstr(TYPE));
}

/** Pushes the metatable of record views (for callers that keep it at hand). */
export function pushRecordViewMetatable(L: LuaState): void {
  lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr(TYPE));
}

/** Pushes `record` as a view, using the metatable at stack index `metaIdx` (objects) or record-proxy otherwise. */
export function pushRecordView(L: LuaState, record: unknown, metaIdx: number): void {
  if (typeof record !== 'object' || record === null || Array.isArray(record) || record instanceof Uint8Array) {
    pushView(L, record);
    return;
  }
  const slot = lua.lua_newuserdata(L, 0) as Record<string, unknown>;
  slot[SLOT] = record;
  lua.lua_pushvalue(L, metaIdx);
  lua.lua_setmetatable(L, -2);
}
