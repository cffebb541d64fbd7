/**
 * Compiling a chunk through the chunk cache: load the cached bytecode when there is an entry, otherwise
 * compile and store the bytecode of what compiled. Debug information is kept in the bytecode, so error
 * messages and tracebacks name the same file and lines either way.
 */
import { lua, lauxlib, LuaState, LuaString, lstr, LUA_OK } from './lua-api';
import type { ChunkCache } from './chunk-cache';

/** The function on top of L's stack as bytecode (with debug information). */
function dumpTop(L: LuaState): Uint8Array {
  const parts: Uint8Array[] = [];
  lua.lua_dump(L, (_L: LuaState, b: Uint8Array, n: number) => {
    parts.push(b.slice(0, n));
    return 0;
  }, null, false);
  return Buffer.concat(parts);
}

/**
 * Pushes the chunk (LUA_OK) or an error message (other status), like luaL_loadbufferx. `compile` does the
 * real compilation when the cache has nothing; only its successes are stored.
 */
export function loadThroughCache(L: LuaState, cache: ChunkCache | null, chunkName: string, source: string | Uint8Array, compile: () => number): number {
  const key = cache?.key(chunkName, source);
  if (cache && key) {
    const bytecode = cache.get(key);
    if (bytecode) {
      const name: LuaString = lstr(chunkName);
      if (lauxlib.luaL_loadbufferx(L, bytecode, null, name, lstr('b')) === LUA_OK) return LUA_OK;
      lua.lua_pop(L, 1);
      cache.delete(key);
    }
  }
  const status = compile();
  if (status === LUA_OK && cache && key) cache.set(key, dumpTop(L));
  return status;
}
