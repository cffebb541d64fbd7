/**
 * JS objects exposed to Lua as full userdata of a named type: a metatable per type whose __index serves
 * methods (and optional computed fields), plus __name/__tostring. `getObject` turns one back into its JS object.
 */
import { lua, lauxlib, LuaState, lstr, raise, T, toJsString } from './lua-api';

const OBJECT_KEY = '__kumo_object';
const TYPE_KEY = '__kumo_type';

export interface UserdataType<O> {
  name: string;
  methods?: Record<string, (L: LuaState, self: O) => number>;
  /** Computed fields read with `obj.field`; return the number of values pushed (0 = nil). */
  getField?: (L: LuaState, self: O, key: string) => number;
  setField?: (L: LuaState, self: O, key: string) => void;
  /** Extra metamethods (__len, __pairs, __eq, __close, __memoize marker, ...). */
  meta?: Record<string, (L: LuaState) => number>;
  toString?: (self: O) => string;
}

interface Slot {
  [OBJECT_KEY]?: unknown;
  /** The type name, kept on the JS side so checks need no metatable lookups (Lua cannot change it). */
  [TYPE_KEY]?: string;
}

/** Creates the metatable for a type in this state (once per state; keyed by name in the registry). */
export function defineUserdataType<O>(L: LuaState, type: UserdataType<O>): void {
  if (lauxlib.luaL_newmetatable(L, lstr(type.name)) === 0) {
    lua.lua_pop(L, 1);
    return;
  }
  // Methods live in one table built once; with no computed fields it serves as __index directly (no JS call).
  lua.lua_createtable(L, 0, 0);
  for (const [name, m] of Object.entries(type.methods ?? {})) {
    lua.lua_pushcfunction(L, (L1: LuaState) => m(L1, checkObject<O>(L1, 1, type.name)));
    lua.lua_setfield(L, -2, lstr(name));
  }
  if (type.getField) {
    const getField = type.getField;
    lua.lua_pushcclosure(L, (L1: LuaState) => {
      lua.lua_pushvalue(L1, 2);
      if (lua.lua_rawget(L1, lua.lua_upvalueindex(1)) !== T.NIL) return 1;
      lua.lua_pop(L1, 1);
      const self = checkObject<O>(L1, 1, type.name);
      if (lua.lua_type(L1, 2) !== T.STRING) return 0;
      return getField(L1, self, toJsString(lua.lua_tostring(L1, 2)));
    }, 1);
  }
  lua.lua_setfield(L, -2, lstr('__index'));
  if (type.setField) {
    const set = type.setField;
    lua.lua_pushcfunction(L, (L1: LuaState) => {
      const self = checkObject<O>(L1, 1, type.name);
      set(L1, self, toJsString(lauxlib.luaL_checkstring(L1, 2)));
      return 0;
    });
    lua.lua_setfield(L, -2, lstr('__newindex'));
  }
  lua.lua_pushcfunction(L, (L1: LuaState) => {
    const self = getObject(L1, 1) as O;
    lua.lua_pushstring(L1, lstr(type.toString ? type.toString(self) : `${type.name}`));
    return 1;
  });
  lua.lua_setfield(L, -2, lstr('__tostring'));
  for (const [name, fn] of Object.entries(type.meta ?? {})) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, lstr(name));
  }
  lua.lua_pop(L, 1);
}

/** Pushes `obj` as a userdata of `typeName` (the type must have been defined in this state). */
export function pushObject(L: LuaState, typeName: string, obj: unknown): void {
  const slot = lua.lua_newuserdata(L, 0) as Slot;
  slot[OBJECT_KEY] = obj;
  slot[TYPE_KEY] = typeName;
  lauxlib.luaL_setmetatable(L, lstr(typeName));
}

/** The JS object behind a userdata made by `pushObject`, or undefined. */
export function getObject(L: LuaState, idx: number): unknown {
  if (lua.lua_type(L, idx) !== T.USERDATA) return undefined;
  const slot = lua.lua_touserdata(L, idx) as Slot | null;
  return slot ? slot[OBJECT_KEY] : undefined;
}

/** The type name of a userdata made by `pushObject`, read from its metatable's __name. */
export function objectTypeName(L: LuaState, idx: number): string | undefined {
  if (lua.lua_type(L, idx) !== T.USERDATA) return undefined;
  const tagged = (lua.lua_touserdata(L, idx) as Slot | null)?.[TYPE_KEY];
  if (tagged) return tagged;
  if (!lua.lua_getmetatable(L, idx)) return undefined;
  lua.lua_getfield(L, -1, lstr('__name'));
  const name = lua.lua_type(L, -1) === T.STRING ? toJsString(lua.lua_tostring(L, -1)) : undefined;
  lua.lua_pop(L, 2);
  return name;
}

export function checkObject<O>(L: LuaState, idx: number, typeName: string): O {
  const slot = lua.lua_type(L, idx) === T.USERDATA ? (lua.lua_touserdata(L, idx) as Slot | null) : null;
  if (!slot || slot[TYPE_KEY] !== typeName) {
    const got = lua.lua_type(L, idx) === T.NONE ? 'no value' : toJsString(lauxlib.luaL_typename(L, idx));
    return raise(L, `expected ${typeName}, got ${got} (did you call a method with '.' instead of ':'?)`);
  }
  return slot[OBJECT_KEY] as O;
}
