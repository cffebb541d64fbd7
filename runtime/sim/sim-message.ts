/**
 * What a simulation hands to the reception event besides the VM's Message (made with kumo.make_message):
 * the message's initial contents, `Name: value` header options, and the connection metadata object.
 */
import { lua, lauxlib, LuaState, T, toJsString, toLuaString } from '../vm/lua-api';
import { pushJs, toJs } from '../vm/convert';
import type { PolicyEngine } from '../vm/engine';

export interface SimMessageInit {
  sender: string;
  recipients: string[];
  meta?: Record<string, unknown>;
  headers?: Array<[string, string]>;
  body?: string;
}

function str(L: LuaState, idx: number): string {
  return toJsString(lauxlib.luaL_checkstring(L, idx));
}

/** Parses `Name: value` header options. */
export function parseHeaderOption(text: string): [string, string] {
  const c = text.indexOf(':');
  if (c <= 0) throw new Error(`a header is 'Name: value' (got '${text}')`);
  return [text.slice(0, c).trim(), text.slice(c + 1).trim()];
}

/** The connection metadata passed with reception events (`conn_meta:get_meta('authn_id')`). */
export class SimConnMeta {
  constructor(readonly meta: Record<string, unknown>) {}
  toJSON(): unknown {
    return { conn_meta: this.meta };
  }
}

/** Registers the ConnectionMeta type (unless the VM has one); returns its pusher, or undefined. */
export function installSimConnMeta(engine: PolicyEngine): ((L: LuaState, m: SimConnMeta) => void) | undefined {
  const L0 = engine.host.L;
  const exists = lauxlib.luaL_getmetatable(L0, toLuaString('ConnectionMeta')) !== T.NIL;
  lua.lua_pop(L0, 1);
  if (exists) return undefined;
  return engine.defineObjectType<SimConnMeta>({
    name: 'ConnectionMeta',
    toString: () => 'ConnectionMeta',
    methods: {
      get_meta: (L, m) => (pushJs(L, m.meta[str(L, 2)] ?? null), 1),
      set_meta: (L, m) => {
        m.meta[str(L, 2)] = toJs(L, 3, { opaque: 'describe' });
        return 0;
      },
    },
  });
}
