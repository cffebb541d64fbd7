/**
 * Config constructors and setup calls (make_queue_config, make_egress_path, start_esmtp_listener,
 * define_spool, configure_local_logs, kumo.set_*, legacy define_egress_source/pool, ...): each checks its
 * arguments against the catalog (table keys through config-check.ts, value kinds through runtime/values),
 * is recorded for the simulator, and returns a config object when kumod returns one. Listeners are not bound.
 */
import { lua, lauxlib, LuaState, lstr, raise, T, toJsString } from '../lua-api';
import { toJs } from '../convert';
import { defineUserdataType, pushObject } from '../userdata';
import { pushView } from '../record-proxy';
import { checkConfigTable } from './config-check';
import { parseTypeExpr, allowsNil } from '../../catalog/type-expr';
import { getValueKind } from '../../values';
import type { FunctionData } from '../../catalog/schema';
import type { KumoContext, KumoFunctions } from './context';

/** Which catalog functions are recorded rather than stubbed. */
const RECORDED = /^kumo\.(make_(queue_config|egress_path|egress_source|egress_pool|listener_domain)|start_(esmtp|http)_listener|define_(spool|egress_source|egress_pool)|configure_(local_logs|log_hook|log_disposition_hook|bounce_classifier|accounting_db_path|redis_throttles)|set_[a-z_]+|get_memory_[a-z_]+|suspend_delivery_when_spool_unhealthy|spawn_thread_pool|dkim\.(set_signing_threads|rsa_sha256_signer|ed25519_signer)|dns\.(set_[a-z_]+|configure_resolver|define_resolver|configure_unbound_resolver)|aaa\.(configure_acct_log|set_[a-z_]+))$/;

/** A value a constructor returned to Lua: its catalog type, the function, and the checked table. */
export class ConfigValue {
  constructor(readonly type: string, readonly fn: string, readonly value: Record<string, unknown>) {}
}

export function constructorFunctions(ctx: KumoContext): KumoFunctions {
  const out: KumoFunctions = {};
  const defined = new Set<string>();
  for (const fn of ctx.catalog.data.functions) {
    if (!RECORDED.test(fn.name)) continue;
    out[fn.name] = (L) => record(ctx, fn, L, defined);
  }
  return out;
}

function record(ctx: KumoContext, fn: FunctionData, L: LuaState, defined: Set<string>): number {
  const args: unknown[] = [];
  let tableValue: Record<string, unknown> | undefined;
  fn.params.forEach((p, i) => {
    const idx = i + 1;
    const isTable = fn.table_param && p.type === 'table';
    if (isTable) {
      tableValue = checkConfigTable(L, idx, ctx.catalog, fn.name);
      args.push(tableValue);
      return;
    }
    args.push(checkParam(L, idx, fn, p.name, p.type, p.optional));
  });
  ctx.records.push({ function: fn.name, params: fn.params.length === 1 ? args[0] : args, value: tableValue });
  const returns = fn.returns;
  if (returns === 'nil' || !tableValue) {
    if (returns !== 'nil' && !tableValue) {
      lua.lua_pushnil(L);
      return 1;
    }
    return 0;
  }
  if (!defined.has(returns)) {
    defined.add(returns);
    defineUserdataType<ConfigValue>(ctx.host.L, {
      name: returns,
      getField: (L1, self, key) => {
        pushView(L1, self.value[key]);
        return 1;
      },
      toString: (self) => `${self.type}(${JSON.stringify(self.value)})`,
      meta: {
        __pairs: (L1) => {
          const self = toJs(L1, 1) as ConfigValue;
          pushView(L1, self.value);
          lua.lua_replace(L1, 1);
          // Defer to the view's own __pairs.
          lua.lua_getmetatable(L1, 1);
          lua.lua_getfield(L1, -1, lstr('__pairs'));
          lua.lua_pushvalue(L1, 1);
          lua.lua_call(L1, 1, 3);
          return 3;
        },
      },
    });
  }
  pushObject(L, returns, new ConfigValue(returns, fn.name, tableValue));
  return 1;
}

/** Checks a positional argument against its catalog type (value kinds, integers, strings, booleans). */
function checkParam(L: LuaState, idx: number, fn: FunctionData, name: string, type: string, optional?: boolean): unknown {
  const t = lua.lua_type(L, idx);
  const expr = parseTypeExpr(type);
  if (t === T.NIL || t === T.NONE) {
    if (optional || allowsNil(expr)) return null;
    return raise(L, `${fn.name}: missing argument '${name}' (${type})`);
  }
  const bad = (what: string): never => raise(L, `${fn.name}: bad argument '${name}': ${what}`);
  if (expr.kind === 'name') {
    const kind = getValueKind(expr.name);
    if (kind) {
      if (t !== T.STRING && t !== T.NUMBER) return bad(`expected ${kind.summary}, got ${toJsString(lauxlib.luaL_typename(L, idx))}`);
      const v = t === T.STRING ? toJsString(lua.lua_tostring(L, idx)) : (lua.lua_tonumber(L, idx) as number);
      const r = kind.validate(v, { float: t === T.NUMBER && !lua.lua_isinteger(L, idx) });
      if (!r.ok) return bad(r.error.message);
      return v;
    }
    if (expr.name === 'integer' && !(t === T.NUMBER && Number.isInteger(lua.lua_tonumber(L, idx)))) return bad(`expected an integer, got ${toJsString(lauxlib.luaL_typename(L, idx))}`);
    if (expr.name === 'boolean' && t !== T.BOOLEAN) return bad(`expected a boolean, got ${toJsString(lauxlib.luaL_typename(L, idx))}`);
    if (expr.name === 'string' && t !== T.STRING && t !== T.NUMBER) return bad(`expected a string, got ${toJsString(lauxlib.luaL_typename(L, idx))}`);
  }
  return toJs(L, idx, { opaque: 'describe' });
}
