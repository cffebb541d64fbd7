/**
 * The helpers that chunks lowered by runtime/lua/lower54.ts call for `<close>` locals, written in Lua so
 * that a `__close` handler may itself yield (sleep, recv) like any other Lua code.
 */
import { lua, LuaState, lauxlib, lstr, toLuaString } from './lua-api';
import { CLOSE_MODULE } from '../lua/lower54';
import type { ChunkCache } from './chunk-cache';
import { loadThroughCache } from './cached-load';

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

/**
 * Registers package.preload[CLOSE_MODULE]: the helpers are compiled on the first `require` of a lowered
 * chunk that has `<close>` locals, so policies without any pay nothing for them.
 */
export function installCloseHelpers(L: LuaState, cache: ChunkCache | null): void {
  const name = '=[kumo close helpers]';
  lauxlib.luaL_getsubtable(L, lua.LUA_REGISTRYINDEX, lauxlib.LUA_PRELOAD_TABLE);
  lua.lua_pushcfunction(L, (L1: LuaState) => {
    if (loadThroughCache(L1, cache, name, SOURCE, () => lauxlib.luaL_loadbuffer(L1, toLuaString(SOURCE), null, lstr(name))) !== lua.LUA_OK) {
      throw new Error('close helpers failed to compile: ' + lua.lua_tojsstring(L1, -1));
    }
    lua.lua_pushcfunction(L1, (L2: LuaState) => (lua.lua_getmetatable(L2, 1) ? 1 : 0));
    lua.lua_call(L1, 1, 1);
    return 1;
  });
  lua.lua_setfield(L, -2, lstr(CLOSE_MODULE));
  lua.lua_pop(L, 1);
}
