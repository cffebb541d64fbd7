/**
 * The helpers that chunks lowered by runtime/lua/lower54.ts call for `<close>` locals, written in Lua so
 * that a `__close` handler may itself yield (sleep, recv) like any other Lua code.
 */
import { lua, LuaState, lauxlib, lstr, toLuaString } from './lua-api';
import { CLOSE_MODULE } from '../lua/lower54';

const SOURCE = `
local rawmeta = ...
local pack, unpack, error, select, rawget = table.pack, table.unpack, error, select, rawget
local M = {}
local function closer(v, name)
  local mt = rawmeta(v)
  local c = mt and rawget(mt, '__close')
  if not c then error("variable '" .. name .. "' got a non-closable value", 3) end
  return c
end
function M.check(v, name)
  if v ~= nil and v ~= false then closer(v, name) end
end
function M.run(v, ok, ...)
  if not ok then
    local err = ...
    if v ~= nil and v ~= false then closer(v, '?')(v, err) end
    error(err, 0)
  end
  if v ~= nil and v ~= false then closer(v, '?')(v, nil) end
  return ..., select('#', ...) - 1, pack(select(2, ...))
end
M.unpack = unpack
M.pcall = pcall
return M
`;

/** Installs package.loaded[CLOSE_MODULE]. */
export function installCloseHelpers(L: LuaState): void {
  if (lauxlib.luaL_loadbuffer(L, toLuaString(SOURCE), null, lstr('=[kumo close helpers]')) !== lua.LUA_OK) {
    throw new Error('close helpers failed to compile: ' + lua.lua_tojsstring(L, -1));
  }
  lua.lua_pushcfunction(L, (L1: LuaState) => (lua.lua_getmetatable(L1, 1) ? 1 : 0));
  lua.lua_call(L, 1, 1);
  lauxlib.luaL_getsubtable(L, lua.LUA_REGISTRYINDEX, lauxlib.LUA_LOADED_TABLE);
  lua.lua_insert(L, -2);
  lua.lua_setfield(L, -2, lstr(CLOSE_MODULE));
  lua.lua_pop(L, 1);
}
