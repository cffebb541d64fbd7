/**
 * kumo.memoize(func, { name, ttl, capacity, invalidate_with_epoch }): a function that caches func's result
 * per argument list. Arguments and results must be memoizable; func may wait (the call continues through a
 * continuation). Caches are per name, bounded by capacity (oldest dropped first).
 */
import { lua, lauxlib, LuaState, raise, T } from '../lua-api';
import { Float, MemoTable, MemoUserdata, MemoValue, NotMemoizable, pushMemo, toMemo } from './memo-value';
import { checkConfigTable } from './config-check';
import { durationFromLua } from '../../values';
import type { KumoContext, KumoFunctions } from './context';

function keyOf(v: MemoValue): string {
  if (v === null) return 'n';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return 'i' + v;
  if (v instanceof Float) return 'd' + v.value;
  if (v instanceof Uint8Array) return 's' + Buffer.from(v).toString('base64');
  if (v instanceof MemoTable) {
    const parts = v.entries.map(([k, x]) => `${typeof k === 'number' ? 'i' + k : 's' + Buffer.from(k).toString('base64')}=${keyOf(x)}`).sort();
    return `{${parts.join(',')}}`;
  }
  return `u${(v as MemoUserdata).ref}`;
}

interface Entry {
  value: MemoValue;
  expires: number;
}

export function memoizeFunctions(ctx: KumoContext): KumoFunctions {
  const caches = new Map<string, Map<string, Entry>>();
  return {
    'kumo.memoize': (L) => {
      lauxlib.luaL_checktype(L, 1, T.FUNCTION);
      const params = checkConfigTable(L, 2, ctx.catalog, 'kumo.memoize') as { name: string; ttl: unknown; capacity: number };
      const ttl = durationFromLua(params.ttl as string | number);
      if (!ttl.ok) return raise(L, `kumo.memoize: invalid ttl: ${ttl.error.message}`);
      const ttlMs = ttl.value.seconds * 1000;
      const capacity = Number(params.capacity) || Infinity;
      const cache = caches.get(params.name) ?? new Map<string, Entry>();
      caches.set(params.name, cache);
      lua.lua_pushvalue(L, 1);
      lua.lua_pushcclosure(L, (L1: LuaState) => {
        const n = lua.lua_gettop(L1);
        let key: string;
        try {
          const parts: string[] = [];
          for (let i = 1; i <= n; i++) parts.push(keyOf(toMemo(L1, i, ctx.catalog)));
          key = parts.join('|');
        } catch (e) {
          if (e instanceof NotMemoizable) return raise(L1, `memoized function '${params.name}': argument ${e.message}`);
          throw e;
        }
        const hit = cache.get(key);
        if (hit && hit.expires > Date.now()) {
          pushMemo(L1, hit.value);
          return 1;
        }
        const store = (L2: LuaState): number => {
          let value: MemoValue;
          try {
            value = toMemo(L2, -1, ctx.catalog);
          } catch (e) {
            if (e instanceof NotMemoizable) return raise(L2, `memoized function '${params.name}': result ${e.message}`);
            throw e;
          }
          cache.delete(key);
          cache.set(key, { value, expires: Date.now() + ttlMs });
          while (cache.size > capacity) cache.delete(cache.keys().next().value!);
          return 1;
        };
        lua.lua_pushvalue(L1, lua.lua_upvalueindex(1));
        lua.lua_insert(L1, 1);
        lua.lua_callk(L1, n, 1, 0, store);
        return store(L1);
      }, 1);
      return 1;
    },
  };
}
