/**
 * What a routing simulation needs from the kumo module but the VM may not (yet) implement: the config
 * constructors (make_queue_config, make_egress_path, make_egress_source, make_egress_pool,
 * make_listener_domain), the legacy define_egress_source/define_egress_pool, setup calls an `init`
 * handler makes (define_spool, configure_local_logs, start_esmtp_listener, set_*...), and offline MX
 * lookups. Each function is probed first; only those the VM reports as "not available in the simulator"
 * get the simulator's version, so the VM's own implementations always win.
 */
import { lua, LuaState, raise, raiseAt, toJsString, lauxlib } from '../vm/lua-api';
import { pushJs, toJs } from '../vm/convert';
import { checkConfigTable } from '../vm/kumo/config-check';
import { getCatalog } from '../catalog/catalog';
import type { PolicyEngine } from '../vm/engine';
import type { KumoFunction } from '../vm/kumo/context';
import { addTestResolverConfig, lookupOffline, mailExchangerTable, type OfflineMx } from './sim-dns';

const CONSTRUCTORS = new Set(['kumo.make_queue_config', 'kumo.make_egress_path', 'kumo.make_egress_source', 'kumo.make_egress_pool', 'kumo.make_listener_domain']);
const SETUP = /^kumo\.(define_|configure_|start_|set_)|^kumo\.dns\.(set_|configure_|define_resolver)/;
const NOT_AVAILABLE = 'is not available in the simulator';

/** Marks the error kumo.reject raises (when the simulator supplies kumo.reject). */
export const REJECT_PREFIX = 'kumo.reject: ';

/**
 * `{code, response}` when a Lua error is a kumo.reject (or kumo.disconnect): the VM's rejection object in
 * the error's value (`{code, message}`), or the simulator's own REJECT_PREFIX message; else null.
 */
export function rejection(e: { luaMessage: string; value?: unknown }): { code: number; response: string } | null {
  const v = e.value as { code?: unknown; message?: unknown } | undefined;
  if (v && typeof v === 'object' && typeof v.code === 'number' && typeof v.message === 'string') {
    return { code: v.code, response: `${v.code} ${v.message}`.trim() };
  }
  const m = /kumo\.reject: (\d{3}) ?(.*)$/s.exec(e.luaMessage);
  return m ? { code: Number(m[1]), response: `${m[1]} ${m[2]}`.trim() } : null;
}

/** Candidate names: constructors, setup calls, and the MX lookup. */
function candidates(): string[] {
  const out: string[] = [];
  for (const fn of getCatalog().data.functions) {
    if (fn.kind === 'field' || !fn.name.startsWith('kumo.')) continue;
    if (fn.binaries && fn.binaries.length > 0 && !fn.binaries.includes('kumod')) continue;
    if (CONSTRUCTORS.has(fn.name) || SETUP.test(fn.name) || fn.name === 'kumo.dns.lookup_mx' || fn.name === 'kumo.reject') out.push(fn.name);
  }
  return out;
}

/** Which of `names` raise "not available in the simulator" when called (with no arguments). */
export async function probeMissing(engine: PolicyEngine, names: readonly string[]): Promise<Set<string>> {
  const list = names.map((n) => `'${n}'`).join(',');
  const code = `
local kumo = require 'kumo'
local missing = {}
for _, n in ipairs({${list}}) do
  local f = kumo
  for part in string.gmatch(n:sub(6), '[^.]+') do
    if type(f) ~= 'table' then f = nil break end
    f = f[part]
  end
  if type(f) ~= 'function' then
    missing[#missing + 1] = n
  else
    local ok, err = pcall(f)
    if not ok and tostring(err):find('${NOT_AVAILABLE}', 1, true) then missing[#missing + 1] = n end
  end
end
return missing`;
  const before = engine.records.length;
  const [missing] = await engine.runString(code, '=(simulator probe)');
  // a probe call that the VM accepted (all-optional arguments) must not count as the policy's call
  engine.records.length = before;
  return new Set(Array.isArray(missing) ? (missing as string[]) : []);
}

export interface FallbackReport {
  /** Functions the simulator supplied because the VM lacks them. */
  supplied: string[];
  /** Setup functions that were called and ignored (no effect on routing). */
  ignoredCalls: Set<string>;
  /** True when MX lookups use the simulator's offline resolver. */
  offlineDns: boolean;
}

/** Installs the simulator's versions of the missing functions; `dns` receives configure_test_resolver zones. */
export async function installFallbacks(engine: PolicyEngine, dns: OfflineMx): Promise<FallbackReport> {
  const names = candidates();
  const missing = await probeMissing(engine, names);
  const catalog = getCatalog();
  const report: FallbackReport = { supplied: [], ignoredCalls: new Set(), offlineDns: false };
  const define = (name: string, fn: KumoFunction) => {
    engine.defineFunction(name, fn);
    report.supplied.push(name);
  };
  if (missing.has('kumo.reject')) {
    // kumod raises an error carrying the SMTP response; the simulator recognises it by REJECT_PREFIX
    define('kumo.reject', (L) => {
      const code = lauxlib.luaL_checkinteger(L, 1) as number;
      const text = lua.lua_gettop(L) >= 2 ? toJsString(lauxlib.luaL_tolstring(L, 2)) : '';
      return raiseAt(L, `${REJECT_PREFIX}${code} ${text}`);
    });
  }
  for (const name of names) {
    if (!missing.has(name) || name === 'kumo.dns.lookup_mx' || name === 'kumo.dns.configure_test_resolver' || name === 'kumo.reject') continue;
    const hasTable = Boolean(catalog.getFunction(name) && catalog.tableParamOf(catalog.getFunction(name)!));
    if (CONSTRUCTORS.has(name)) {
      define(name, (L) => {
        const params = toJs(L, 1, { opaque: 'describe' });
        const value = checkConfigTable(L, 1, catalog, name);
        engine.records.push({ function: name, params, value });
        pushJs(L, value);
        return 1;
      });
    } else if (name === 'kumo.define_egress_source' || name === 'kumo.define_egress_pool') {
      define(name, (L) => {
        const params = toJs(L, 1, { opaque: 'describe' });
        const value = checkConfigTable(L, 1, catalog, name);
        engine.records.push({ function: name, params, value });
        return 0;
      });
    } else {
      define(name, (L) => {
        let params: unknown = null;
        if (hasTable && lua.lua_type(L, 1) === lua.LUA_TTABLE) params = checkConfigTable(L, 1, catalog, name);
        else if (lua.lua_gettop(L) > 0) params = toJs(L, 1, { opaque: 'describe' });
        engine.records.push({ function: name, params });
        report.ignoredCalls.add(name);
        return 0;
      });
    }
  }
  if (missing.has('kumo.dns.lookup_mx')) {
    report.offlineDns = true;
    define('kumo.dns.configure_test_resolver', (L) => {
      try {
        addTestResolverConfig(dns, toJs(L, 1));
      } catch (e) {
        return raise(L, `kumo.dns.configure_test_resolver: ${(e as Error).message}`);
      }
      engine.records.push({ function: 'kumo.dns.configure_test_resolver', params: toJs(L, 1) });
      return 0;
    });
    define('kumo.dns.lookup_mx', (L: LuaState) => {
      const domain = toJsString(lauxlib.luaL_checkstring(L, 1));
      const r = lookupOffline(dns, domain).resolution;
      if (!r.ok) return raise(L, r.error);
      pushJs(L, mailExchangerTable(domain, r));
      return 1;
    });
  }
  return report;
}
