/**
 * Builds the `kumo` module (and the other top-level modules kumod registers, `redis` and `sqlite`) from the
 * catalog: every catalog function exists; those without a JS implementation raise "<name> is not available
 * in the simulator". Implementations come from the per-namespace files and from `extra` (host bindings).
 */
import { lua, LuaState, lstr, raise, toLuaString, T } from '../lua-api';
import type { KumoContext, KumoFunctions } from './context';

/** Top-level modules of kumod (tsa and proxy belong to other binaries). */
const KUMOD_MODULES = new Set(['kumo', 'redis', 'sqlite']);

export function unavailable(name: string): (L: LuaState) => number {
  return (L) => raise(L, `${name} is not available in the simulator`);
}

/** Pushes the table at a dotted path under `root` (creating it), relative to the module table on top. */
function descend(L: LuaState, parts: string[]): void {
  for (const p of parts) {
    if (lua.lua_getfield(L, -1, lstr(p)) !== T.TABLE) {
      lua.lua_pop(L, 1);
      lua.lua_createtable(L, 0, 0);
      lua.lua_pushvalue(L, -1);
      lua.lua_setfield(L, -3, lstr(p));
    }
    lua.lua_remove(L, -2);
  }
}

/** Creates the modules in package.loaded; `impls` maps full names (`kumo.time.sleep`) to implementations. */
export function installModules(ctx: KumoContext, impls: KumoFunctions, fields: Record<string, string> = {}): void {
  const { host, catalog } = ctx;
  const byModule = new Map<string, string[]>();
  const all = new Set<string>();
  for (const fn of catalog.data.functions) {
    const root = fn.name.split('.')[0];
    if (!KUMOD_MODULES.has(root)) continue;
    if (fn.binaries && fn.binaries.length > 0 && !fn.binaries.includes('kumod')) continue;
    all.add(fn.name);
  }
  for (const name of Object.keys(impls)) all.add(name);
  for (const name of all) {
    const root = name.split('.')[0];
    const list = byModule.get(root) ?? [];
    list.push(name);
    byModule.set(root, list);
  }
  for (const [root, names] of byModule) {
    host.setLoaded(root, (L) => {
      lua.lua_createtable(L, 0, 0);
      for (const name of names) {
        const parts = name.split('.').slice(1);
        const leaf = parts.pop()!;
        lua.lua_pushvalue(L, -1);
        descend(L, parts);
        const field = catalog.getFunction(name)?.kind === 'field';
        if (field) lua.lua_pushstring(L, toLuaString(fields[name] ?? 'simulator'));
        else lua.lua_pushcfunction(L, impls[name] ?? unavailable(name));
        lua.lua_setfield(L, -2, lstr(leaf));
        lua.lua_pop(L, 1);
      }
    });
  }
}
