/**
 * The simulator's offline MX data: zones given to `kumo.dns.configure_test_resolver` (zone-file text, or
 * `{zone, secure}`, or `{zones = {...}, servfail = {...}}`, as kumod's TestResolverConfig takes), plus MX
 * sets from a traffic scenario. Only MX records matter here; site names come from runtime/engines/site-name.
 */
import { resolveSite, type MxAnswer, type MxRecord, type SiteResolution } from '../engines/site-name';

export interface OfflineMx {
  /** Lower-cased owner name without the trailing dot → MX records. */
  readonly mx: Map<string, MxRecord[]>;
  /** Owner names that exist in some zone (any record type). */
  readonly names: Set<string>;
  /** Zone apexes ($ORIGIN or SOA owners) configured. */
  readonly origins: Set<string>;
  readonly servfail: Set<string>;
}

export function emptyOfflineMx(): OfflineMx {
  return { mx: new Map(), names: new Set(), origins: new Set(), servfail: new Set() };
}

function norm(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') && n.length > 1 ? n.slice(0, -1) : n;
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);

/**
 * Reads the MX records (and owner names) of RFC 1035 zone text: `$ORIGIN`, `$TTL`, `@`, relative and
 * absolute names, an omitted owner (same as the previous line), optional TTL and class, `;` comments
 * and `( ... )` continuation. Throws on an MX line it cannot read.
 */
export function addZone(into: OfflineMx, text: string): void {
  let origin = '';
  let last = '';
  // join parenthesised continuations
  const joined = text.replace(/\(([^)]*)\)/gs, (_m, inner: string) => inner.replace(/;[^\n]*/g, '').replace(/\s+/g, ' '));
  const abs = (name: string): string => {
    if (name === '@') return origin;
    if (name.endsWith('.')) return norm(name);
    return origin ? `${name.toLowerCase()}.${origin}` : name.toLowerCase();
  };
  for (const raw of joined.split('\n')) {
    const line = raw.replace(/;.*$/, '');
    if (!line.trim()) continue;
    const startsBlank = /^\s/.test(line);
    const tok = line.trim().split(/\s+/);
    if (tok[0].toUpperCase() === '$ORIGIN') {
      origin = norm(tok[1] ?? '');
      into.origins.add(origin);
      continue;
    }
    if (tok[0].startsWith('$')) continue;
    let owner: string;
    let i = 0;
    if (startsBlank) owner = last;
    else {
      owner = abs(tok[0]);
      i = 1;
    }
    last = owner;
    // [ttl] [class] | [class] [ttl]
    for (let k = 0; k < 2 && i < tok.length; k++) {
      if (/^\d+[smhdwSMHDW]?$/.test(tok[i]) || CLASSES.has(tok[i].toUpperCase())) i++;
    }
    const type = (tok[i] ?? '').toUpperCase();
    into.names.add(owner);
    if (type === 'SOA') into.origins.add(owner);
    if (type !== 'MX') continue;
    const pref = Number(tok[i + 1]);
    const exch = tok[i + 2];
    if (!Number.isInteger(pref) || exch === undefined) throw new Error(`cannot read the MX record '${line.trim()}'`);
    const list = into.mx.get(owner) ?? [];
    list.push({ preference: pref, exchange: exch === '.' ? '.' : abs(exch) + '.' });
    into.mx.set(owner, list);
  }
}

/** Adds what `kumo.dns.configure_test_resolver` was given (already converted to JS). */
export function addTestResolverConfig(into: OfflineMx, config: unknown): void {
  const zoneOf = (z: unknown): string => {
    if (typeof z === 'string') return z;
    if (z && typeof z === 'object' && typeof (z as { zone?: unknown }).zone === 'string') return (z as { zone: string }).zone;
    throw new Error('each zone must be a string of zone-file text, or {zone = TEXT, secure = BOOL}');
  };
  if (Array.isArray(config)) {
    for (const z of config) addZone(into, zoneOf(z));
    return;
  }
  if (config && typeof config === 'object') {
    const c = config as { zones?: unknown; servfail?: unknown };
    const zones = Array.isArray(c.zones) ? c.zones : c.zones && typeof c.zones === 'object' ? Object.values(c.zones) : [];
    for (const z of zones) addZone(into, zoneOf(z));
    if (Array.isArray(c.servfail)) for (const s of c.servfail) into.servfail.add(norm(String(s)));
    return;
  }
  throw new Error('configure_test_resolver expects a list of zones or {zones = {...}, servfail = {...}}');
}

/** Adds MX sets given as data: domain → list of hosts (preference by order, 10 apart) or `{preference, exchange}`. */
export function addMxData(into: OfflineMx, data: Record<string, ReadonlyArray<string | MxRecord>>): void {
  for (const [domain, list] of Object.entries(data)) {
    const records = list.map((e, i) => (typeof e === 'string' ? { preference: (i + 1) * 10, exchange: e } : e));
    into.mx.set(norm(domain), records);
    into.names.add(norm(domain));
  }
}

export interface OfflineLookup {
  resolution: SiteResolution;
  /** True when the offline data has MX records for the name. */
  configured: boolean;
  /** Why the domain itself was used (no MX data), for the user. */
  note?: string;
}

/**
 * Site resolution from the offline data. A domain without MX records is treated as its own implicit MX
 * (kumod's behaviour when a domain exists but has no MX); the note says that the data did not cover it.
 */
export function lookupOffline(data: OfflineMx, domain: string): OfflineLookup {
  const cp = /^(.*):(\d+)$/.exec(domain);
  const bare = norm(cp && !domain.startsWith('[') ? cp[1] : domain);
  if (data.servfail.has(bare)) return { resolution: { ok: false, error: `MX lookup for ${domain} failed: SERVFAIL (configured in the test resolver)` }, configured: true };
  const records = data.mx.get(bare);
  if (records && records.length > 0) return { resolution: resolveSite(domain, { records }), configured: true };
  const answer: MxAnswer = { records: [] };
  return {
    resolution: resolveSite(domain, answer),
    configured: false,
    note: domain.startsWith('[')
      ? undefined
      : `no MX records are configured for ${bare} (kumo.dns.configure_test_resolver or the scenario's mx data); using the domain itself as its MX host (implicit MX)`,
  };
}

/** The Lua-side MailExchanger table kumod's `kumo.dns.lookup_mx` returns. */
export function mailExchangerTable(domain: string, r: SiteResolution & { ok: true }): Record<string, unknown> {
  const byPref: Record<string, string[]> = {};
  for (const [p, hosts] of r.byPref) byPref[String(p)] = hosts;
  return {
    domain_name: domain,
    hosts: r.hosts,
    site_name: r.siteName,
    by_pref: byPref,
    is_domain_literal: r.isDomainLiteral,
    is_secure: false,
    is_mx: r.isMx,
  };
}

/** Zone text holding the MX records of `domain` (hosts in preference order, 10 apart). */
export function mxZoneText(domain: string, hosts: readonly string[]): string {
  const origin = domain.endsWith('.') ? domain : domain + '.';
  const lines = hosts.map((h, i) => `@ 300 IN MX ${(i + 1) * 10} ${h.endsWith('.') ? h : h + '.'}`);
  return `$ORIGIN ${origin}\n${lines.join('\n')}\n`;
}

/** Reads a DNS settings file: JSON in configure_test_resolver's shape, or zone-file text. */
export function readDnsSettings(text: string): { zones: unknown[]; servfail: string[] } {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v)) return { zones: v, servfail: [] };
    const o = v as { zones?: unknown; servfail?: unknown };
    return { zones: Array.isArray(o.zones) ? o.zones : [], servfail: Array.isArray(o.servfail) ? o.servfail.map(String) : [] };
  }
  return { zones: [text], servfail: [] };
}
