/**
 * Lua 5.4's string arithmetic: the VM no longer converts string operands itself (patched fengari, see
 * scripts/patch-fengari.mjs); instead the string metatable's __add, __sub, ... convert numeric strings with
 * lua_stringtonumber, which keeps integers integers ('12' + 1 is 13, '3.0' + 1 is 4.0), or fall back to
 * the other operand's metamethod, or fail with 5.4's "attempt to add a 'string' with a 'number'".
 * Bitwise operators get no string metamethods, so they refuse strings, as in 5.4.
 */
import { lua, lauxlib, LuaState, lstr, T, toJsString } from './lua-api';

const OPS: Array<[string, number]> = [
  ['__add', lua.LUA_OPADD],
  ['__sub', lua.LUA_OPSUB],
  ['__mul', lua.LUA_OPMUL],
  ['__mod', lua.LUA_OPMOD],
  ['__pow', lua.LUA_OPPOW],
  ['__div', lua.LUA_OPDIV],
  ['__idiv', lua.LUA_OPIDIV],
  ['__unm', lua.LUA_OPUNM],
];

/** Pushes the number the value at `arg` stands for; false (nothing pushed) when it is not one. */
function toNumber(L: LuaState, arg: number): boolean {
  const t = lua.lua_type(L, arg);
  if (t === T.NUMBER) {
    lua.lua_pushvalue(L, arg);
    return true;
  }
  if (t !== T.STRING) return false;
  const s = lua.lua_tolstring(L, arg) as Uint8Array;
  return lua.lua_stringtonumber(L, s) === s.length + 1;
}

/** No numeric reading: the second operand's own metamethod, if it has one (and is not a string), else the error. */
function tryOther(L: LuaState, event: string): number {
  lua.lua_settop(L, 2);
  if (lua.lua_type(L, 2) === T.STRING || !lauxlib.luaL_getmetafield(L, 2, lstr(event))) {
    lauxlib.luaL_where(L, 1);
    const where = toJsString(lua.lua_tostring(L, -1));
    const a = toJsString(lauxlib.luaL_typename(L, 1));
    const b = toJsString(lauxlib.luaL_typename(L, 2));
    lua.lua_pushstring(L, lstr(`${where}attempt to ${event.slice(2)} a '${a}' with a '${b}'`));
    return lua.lua_error(L);
  }
  lua.lua_insert(L, -3);
  lua.lua_call(L, 2, 1);
  return 1;
}

/** Adds the arithmetic metamethods to the string metatable of L's state. */
export function installStringArithmetic(L: LuaState): void {
  lua.lua_pushstring(L, lstr(''));
  lua.lua_getmetatable(L, -1);
  for (const [event, op] of OPS) {
    lua.lua_pushcfunction(L, (L1: LuaState) => {
      if (toNumber(L1, 1) && toNumber(L1, 2)) {
        lua.lua_arith(L1, op);
        return 1;
      }
      return tryOther(L1, event);
    });
    lua.lua_setfield(L, -2, lstr(event));
  }
  lua.lua_pop(L, 2);
}
