/**
 * Compiling a chunk through the chunk cache: load the cached bytecode when there is an entry, otherwise
 * compile and store the bytecode of what compiled. Debug information is kept in the bytecode, so error
 * messages and tracebacks name the same file and lines either way.
 *
 * Storing is deferred: dumping and writing a fresh chunk would otherwise lengthen the very load that just
 * paid for a cold parse. The compiled function is kept in the registry and written when the process has
 * been idle for a moment, or at exit, whichever comes first.
 */
import { lua, lauxlib, LuaState, LuaString, lstr, LUA_OK, LUA_REGISTRYINDEX } from './lua-api';
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

interface PendingChunk {
  L: LuaState;
  ref: number;
  key: string;
  cache: ChunkCache;
}

const pending: PendingChunk[] = [];
let timer: NodeJS.Timeout | undefined;
let exitHooked = false;

/** Writes every chunk compiled since the last flush to its cache. */
export function flushCompiledChunks(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  for (const p of pending.splice(0)) {
    lua.lua_rawgeti(p.L, LUA_REGISTRYINDEX, p.ref);
    try {
      p.cache.set(p.key, dumpTop(p.L));
    } finally {
      lua.lua_pop(p.L, 1);
      lauxlib.luaL_unref(p.L, LUA_REGISTRYINDEX, p.ref);
    }
  }
}

function remember(L: LuaState, key: string, cache: ChunkCache): void {
  // Kept with the main thread: the thread that compiled may be a task that has ended by the flush.
  lua.lua_rawgeti(L, LUA_REGISTRYINDEX, lua.LUA_RIDX_MAINTHREAD);
  const main = lua.lua_tothread(L, -1) as LuaState;
  lua.lua_pop(L, 1);
  lua.lua_pushvalue(L, -1);
  pending.push({ L: main, ref: lauxlib.luaL_ref(L, LUA_REGISTRYINDEX), key, cache });
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', flushCompiledChunks);
  }
  // An unref'd timer: it never keeps a finished process alive (the exit hook covers that case).
  if (timer) clearTimeout(timer);
  timer = setTimeout(flushCompiledChunks, 500);
  timer.unref();
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
  if (status === LUA_OK && cache && key) remember(L, key, cache);
  return status;
}
