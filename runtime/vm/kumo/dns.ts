/**
 * kumo.dns answered offline: lookup_mx (through the site-name engine), lookup_txt, lookup_addr, lookup_ptr,
 * rbl_lookup, ptr_host, reverse_ip. Zones come from kumo.dns.configure_test_resolver or the engine's DNS
 * settings; nothing goes to the network.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { lua, lauxlib, LuaState, raise, toJsString, toLuaString } from '../lua-api';
import { pushJs, toJs } from '../convert';
import { OfflineResolver, ptrHost, reverseIp, DnsError } from '../dns/zones';
import { resolveSite } from '../../engines/site-name';
import type { KumoContext, KumoFunctions } from './context';

/** Zone data in any of configure_test_resolver's forms: [zone...], [{zone, secure}], {zones, servfail}. */
export function resolverFromConfig(config: unknown): OfflineResolver {
  const r = new OfflineResolver();
  const obj = config as { zones?: unknown[]; servfail?: string[] };
  const zones = Array.isArray(config) ? config : Array.isArray(obj?.zones) ? obj.zones : typeof config === 'string' ? [config] : null;
  if (!zones) throw new DnsError('expected a list of zone texts, or { zones = {...}, servfail = {...} }');
  for (const z of zones) {
    if (typeof z === 'string') r.addZone(z);
    else if (z && typeof (z as { zone?: unknown }).zone === 'string') r.addZone((z as { zone: string }).zone);
    else throw new DnsError('each zone must be a zone text or { zone = "...", secure = bool }');
  }
  for (const name of obj?.servfail ?? []) r.addServfail(name);
  return r;
}

/** Reads a DNS settings file: JSON in configure_test_resolver's shape, or a plain zone file. */
export function resolverFromFile(path: string): OfflineResolver {
  const text = readFileSync(path, 'utf8');
  return text.trimStart().startsWith('{') || text.trimStart().startsWith('[') ? resolverFromConfig(JSON.parse(text)) : resolverFromConfig([text]);
}

export function dnsFunctions(ctx: KumoContext, initial?: OfflineResolver): KumoFunctions {
  let resolver = initial;
  const get = (L: LuaState, fn: string): OfflineResolver =>
    resolver ?? raise(L, `${fn}: no DNS data; the simulator does not use the network: give zone data with kumo.dns.configure_test_resolver { [[ $ORIGIN example.com. ... ]] } or the runtime's DNS settings file`);
  const run = (L: LuaState, fn: string, body: (r: OfflineResolver) => number): number => {
    const r = get(L, fn);
    try {
      return body(r);
    } catch (e) {
      if (e instanceof DnsError) return raise(L, `${fn}: ${e.message}`);
      throw e;
    }
  };
  const arg = (L: LuaState, i: number) => toJsString(lauxlib.luaL_checkstring(L, i));
  const ipArg = (L: LuaState, fn: string) => {
    const ip = arg(L, 1);
    if (!isIP(ip)) return raise(L, `${fn}: invalid IP address syntax: ${ip}`);
    return ip;
  };
  return {
    'kumo.dns.configure_test_resolver': (L) => {
      try {
        resolver = resolverFromConfig(toJs(L, 1));
      } catch (e) {
        return raise(L, `kumo.dns.configure_test_resolver: ${(e as Error).message}`);
      }
      ctx.records.push({ function: 'kumo.dns.configure_test_resolver', params: toJs(L, 1) });
      return 0;
    },
    'kumo.dns.lookup_mx': (L) => run(L, 'kumo.dns.lookup_mx', (r) => {
      const domain = arg(L, 1);
      const bare = domain.replace(/:\d+$/, '');
      const answer = bare.startsWith('[') ? { records: [], nxdomain: false } : r.query(bare, 'MX');
      const site = resolveSite(domain, { records: answer.records.map((x) => ({ preference: x.preference ?? 0, exchange: x.data })), nxdomain: answer.nxdomain });
      if (!site.ok) return raise(L, `kumo.dns.lookup_mx: ${site.error}`);
      const byPref: Record<number, string[]> = {};
      for (const [p, hosts] of site.byPref) byPref[p] = hosts;
      const fq = bare.startsWith('[') ? domain : bare.toLowerCase().replace(/\.?$/, '.');
      lua.lua_createtable(L, 0, 8);
      const set = (k: string, v: unknown) => {
        pushJs(L, v);
        lua.lua_setfield(L, -2, toLuaString(k));
      };
      set('domain_name', fq);
      set('hosts', site.hosts);
      set('site_name', site.siteName);
      lua.lua_createtable(L, 0, 0);
      for (const [p, hosts] of site.byPref) {
        lua.lua_pushinteger(L, p);
        pushJs(L, hosts);
        lua.lua_rawset(L, -3);
      }
      lua.lua_setfield(L, -2, toLuaString('by_pref'));
      set('is_domain_literal', site.isDomainLiteral);
      set('is_secure', false);
      set('is_mx', site.isMx);
      set('mta_sts', 'None');
      return 1;
    }),
    'kumo.dns.lookup_txt': (L) => run(L, 'kumo.dns.lookup_txt', (r) => {
      const a = r.query(arg(L, 1), 'TXT');
      if (a.nxdomain) return raise(L, `kumo.dns.lookup_txt: NXDOMAIN: ${arg(L, 1)}`);
      pushJs(L, a.records.map((x) => x.data));
      return 1;
    }),
    'kumo.dns.lookup_addr': (L) => run(L, 'kumo.dns.lookup_addr', (r) => {
      const name = arg(L, 1);
      if (isIP(name)) {
        pushJs(L, [name]);
        return 1;
      }
      const v4 = r.query(name, 'A');
      const v6 = r.query(name, 'AAAA');
      const addrs = [...v4.records, ...v6.records].map((x) => x.data);
      if (addrs.length === 0) return raise(L, `kumo.dns.lookup_addr: no addresses for ${name}${v4.nxdomain ? ' (NXDOMAIN)' : ''}`);
      pushJs(L, addrs);
      return 1;
    }),
    'kumo.dns.lookup_ptr': (L) => run(L, 'kumo.dns.lookup_ptr', (r) => {
      const ip = ipArg(L, 'kumo.dns.lookup_ptr');
      pushJs(L, r.query(ptrHost(ip), 'PTR').records.map((x) => x.data));
      return 1;
    }),
    'kumo.dns.rbl_lookup': (L) => run(L, 'kumo.dns.rbl_lookup', (r) => {
      const ip = arg(L, 1).replace(/^\[?([^\]]+?)\]?(:\d+)?$/, '$1');
      if (!isIP(ip)) return raise(L, `kumo.dns.rbl_lookup: ${arg(L, 1)} is not a valid IpAddr or SocketAddr`);
      const name = `${reverseIp(ip)}.${arg(L, 2)}.`;
      const a = r.query(name, 'A');
      if (a.records.length === 0) {
        lua.lua_pushnil(L);
        lua.lua_pushnil(L);
        return 2;
      }
      lua.lua_pushstring(L, toLuaString(a.records[0].data));
      const txt = r.query(name, 'TXT').records.map((x) => x.data).join('');
      if (txt) lua.lua_pushstring(L, toLuaString(txt));
      else lua.lua_pushnil(L);
      return 2;
    }),
    'kumo.dns.ptr_host': (L) => (lua.lua_pushstring(L, toLuaString(ptrHost(ipArg(L, 'kumo.dns.ptr_host')))), 1),
    'kumo.dns.reverse_ip': (L) => (lua.lua_pushstring(L, toLuaString(reverseIp(ipArg(L, 'kumo.dns.reverse_ip')))), 1),
  };
}
