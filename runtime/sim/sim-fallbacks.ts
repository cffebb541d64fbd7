/**
 * What the simulator still adds around the VM: reading a kumo.reject / kumo.disconnect back from a Lua
 * error, and accept-and-ignore stand-ins for the setup calls an `init` handler may make that the VM does
 * not implement (as of this writing only kumo.dns.configure_test_mta_sts). The config constructors,
 * Message, kumo.reject and kumo.dns.lookup_mx all come from the VM.
 */
import { lua } from '../vm/lua-api';
import { toJs } from '../vm/convert';
import { checkConfigTable } from '../vm/kumo/config-check';
import { getCatalog } from '../catalog/catalog';
import type { PolicyEngine } from '../vm/engine';

const SETUP = /^kumo\.(define_|configure_|start_|set_)|^kumo\.dns\.(set_|configure_|define_resolver)/;
const NOT_AVAILABLE = 'is not available in the simulator';

/** `{code, response}` when a Lua error is a kumo.reject (or kumo.disconnect): the VM's rejection (`{code, message}`) in the error's value; else null. */
export function rejection(e: { luaMessage: string; value?: unknown }): { code: number; response: string } | null {
  const v = e.value as { code?: unknown; message?: unknown } | undefined;
  if (v && typeof v === 'object' && typeof v.code === 'number' && typeof v.message === 'string') {
    return { code: v.code, response: `${v.code} ${v.message}`.trim() };
  }
  return null;
}

/** Setup calls of kumod (not the legacy define_egress_source/pool, which configure routing). */
function setupNames(): string[] {
  const out: string[] = [];
  for (const fn of getCatalog().data.functions) {
    if (fn.kind === 'field' || !fn.name.startsWith('kumo.')) continue;
    if (fn.binaries && fn.binaries.length > 0 && !fn.binaries.includes('kumod')) continue;
    if (fn.name === 'kumo.define_egress_source' || fn.name === 'kumo.define_egress_pool') continue;
    if (SETUP.test(fn.name)) out.push(fn.name);
  }
  return out;
}

/** Which of `names` raise "not available in the simulator" when called (with no arguments). */
async function probeMissing(engine: PolicyEngine, names: readonly string[]): Promise<Set<string>> {
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

/**
 * Defines an accept-and-ignore version of each setup call the VM lacks (the VM's own always win).
 * Returns the live set of those the policy then called (no effect on routing).
 */
export async function installSetupStandIns(engine: PolicyEngine): Promise<Set<string>> {
  const ignoredCalls = new Set<string>();
  const catalog = getCatalog();
  for (const name of await probeMissing(engine, setupNames())) {
    const info = catalog.getFunction(name);
    const hasTable = Boolean(info && catalog.tableParamOf(info));
    engine.defineFunction(name, (L) => {
      let params: unknown = null;
      if (hasTable && lua.lua_type(L, 1) === lua.LUA_TTABLE) params = checkConfigTable(L, 1, catalog, name);
      else if (lua.lua_gettop(L) > 0) params = toJs(L, 1, { opaque: 'describe' });
      engine.records.push({ function: name, params });
      ignoredCalls.add(name);
      return 0;
    });
  }
  return ignoredCalls;
}
