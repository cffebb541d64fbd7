/**
 * Builds the `kumo` module (and the other top-level modules kumod registers, `redis` and `sqlite`) from the
 * catalog: every catalog function exists; those without a JS implementation raise "<name> is not available
 * in the simulator". Implementations come from the per-namespace files and from `extra` (host bindings).
 */
import { lua, LuaState, lstr, raise, toLuaString } from '../lua-api';
import type { KumoContext, KumoFunctions } from './context';

/** Top-level modules of kumod (tsa and proxy belong to other binaries). */
const KUMOD_MODULES = new Set(['kumo', 'redis', 'sqlite']);

export function unavailable(name: string): (L: LuaState) => number {
  return (L) => raise(L, `${name} is not available in the simulator`);
}

interface ModuleNode {
  functions: Map<string, string>;
  children: Map<string, ModuleNode>;
}

function node(): ModuleNode {
  return { functions: new Map(), children: new Map() };
}

/** Pushes a module table built from the tree: functions, fields and sub-modules. */
function pushModule(L: LuaState, tree: ModuleNode, make: (fullName: string) => void): void {
  lua.lua_createtable(L, 0, tree.functions.size + tree.children.size);
  for (const [leaf, full] of tree.functions) {
    make(full);
    lua.lua_setfield(L, -2, lstr(leaf));
  }
  for (const [name, child] of tree.children) {
    pushModule(L, child, make);
    lua.lua_setfield(L, -2, lstr(name));
  }
}

/** Creates the modules in package.loaded; `impls` maps full names (`kumo.time.sleep`) to implementations. */
export function installModules(ctx: KumoContext, impls: KumoFunctions, fields: Record<string, string> = {}): void {
  const { host, catalog } = ctx;
  const all = new Set<string>();
  for (const fn of catalog.data.functions) {
    const root = fn.name.split('.')[0];
    if (!KUMOD_MODULES.has(root)) continue;
    if (fn.binaries && fn.binaries.length > 0 && !fn.binaries.includes('kumod')) continue;
    all.add(fn.name);
  }
  for (const name of Object.keys(impls)) all.add(name);
  const roots = new Map<string, ModuleNode>();
  for (const name of all) {
    const parts = name.split('.');
    const leaf = parts.pop()!;
    if (parts.length === 0) continue; // a bare top-level name is not a function of a module
    let tree = roots.get(parts[0]) ?? node();
    roots.set(parts[0], tree);
    for (const p of parts.slice(1)) {
      let child = tree.children.get(p);
      if (!child) {
        child = node();
        tree.children.set(p, child);
      }
      tree = child;
    }
    tree.functions.set(leaf, name);
  }
  for (const [root, tree] of roots) {
    host.setLoaded(root, (L) => pushModule(L, tree, (full) => {
      if (catalog.getFunction(full)?.kind === 'field') lua.lua_pushstring(L, toLuaString(fields[full] ?? 'simulator'));
      else lua.lua_pushcfunction(L, impls[full] ?? unavailable(full));
    }));
  }
}
