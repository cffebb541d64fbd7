/**
 * kumo.get_event_registrars (crates/kumo-server-common/src/lib.rs): every `kumo.on(name, ...)` call records the
 * call stack of its caller, one `short_src:line` string per level from the caller outwards (`[C]:0` for host
 * functions), in a registry table `kumomta-event-registrars-<name>`; the function returns that table (the same
 * table each time), or nil when the event was never registered. As in kumod, the stack is recorded after the
 * "registered from inside a handler" check and before the single-handler check, so a refused second
 * registration of a single-handler event is still listed. Chunk names are the simulator's (`init.lua`), where
 * kumod shows `[string "/path/to/init.lua"]`.
 */
import { lua, lauxlib, LuaState, T, toJsString, toLuaString } from '../lua-api';
import type { KumoFunctions } from './context';

const key = (name: string) => `kumomta-event-registrars-${name}`;

/** Appends the call stack of the code calling `kumo.on` (running on L) to the event's registrar list. */
export function recordRegistrar(L: LuaState, name: string): void {
  lua.lua_createtable(L, 0, 0);
  const ar = new lua.lua_Debug();
  for (let level = 1, n = 1; lua.lua_getstack(L, level, ar); level++, n++) {
    lua.lua_getinfo(L, 'Sl', ar);
    // fengari names host functions `[JS]`; in kumod they are C functions.
    const src = ar.short_src ? toJsString(ar.short_src).replace(/^\[JS\]$/, '[C]') : '';
    lua.lua_pushstring(L, toLuaString(`${src}:${ar.currentline >= 0 ? ar.currentline : 0}`));
    lua.lua_rawseti(L, -2, n);
  }
  if (lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, toLuaString(key(name))) !== T.TABLE) {
    lua.lua_pop(L, 1);
    lua.lua_createtable(L, 1, 0);
    lua.lua_pushvalue(L, -1);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, toLuaString(key(name)));
  }
  lua.lua_pushvalue(L, -2);
  lua.lua_rawseti(L, -2, (lua.lua_rawlen(L, -2) as number) + 1);
  lua.lua_pop(L, 2);
}

export function registrarFunctions(): KumoFunctions {
  return {
    'kumo.get_event_registrars': (L) => {
      const name = toJsString(lauxlib.luaL_checklstring(L, 1), undefined, undefined, true);
      lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, toLuaString(key(name)));
      return 1;
    },
  };
}
