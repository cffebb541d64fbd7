/**
 * kumo.reject and kumo.disconnect: raise an error carrying an SMTP response, which the simulator reads back
 * from LuaError.value (a SmtpRejection); in Lua, tostring of it gives "CODE MESSAGE".
 */
import { lua, lauxlib, LuaState, raise, toJsString } from '../lua-api';
import { defineUserdataType, pushObject } from '../userdata';
import type { KumoContext, KumoFunctions } from './context';

export class SmtpRejection {
  constructor(readonly code: number, readonly message: string, readonly disconnect?: string) {}
  toString(): string {
    return `${this.code} ${this.message}`;
  }
}

export function rejectFunctions(ctx: KumoContext): KumoFunctions {
  defineUserdataType<SmtpRejection>(ctx.host.L, { name: 'SmtpRejection', toString: (r) => r.toString() });
  const fail = (L: LuaState, disconnect?: string): number => {
    const code = lauxlib.luaL_checkinteger(L, 1) as number;
    const message = toJsString(lauxlib.luaL_checkstring(L, 2));
    pushObject(L, 'SmtpRejection', new SmtpRejection(code, message, disconnect));
    return lua.lua_error(L);
  };
  const dispositions = ctx.catalog.getFunction('kumo.disconnect')?.params.find((p) => p.name === 'disposition');
  return {
    'kumo.reject': (L) => fail(L),
    'kumo.disconnect': (L) => {
      const d = lua.lua_isnoneornil(L, 3) ? String(dispositions?.default ?? 'ForceDisconnect') : toJsString(lauxlib.luaL_checkstring(L, 3));
      if (dispositions?.enum && !dispositions.enum.includes(d)) return raise(L, `kumo.disconnect: disposition must be one of ${dispositions.enum.join(', ')} (got '${d}')`);
      return fail(L, d);
    },
  };
}
