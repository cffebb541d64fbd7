/**
 * The simulator's offline MX data for traffic scenarios (the scenario's mx sets), and the --dns/--mx
 * option helpers that feed the engine's dnsZones (the VM's kumo.dns answers the policy's own lookups).
 * Only MX records matter here; site names come from runtime/engines/site-name.
 */
import { resolveSite, type MxAnswer, type MxRecord, type SiteResolution } from '../engines/site-name';

export interface OfflineMx {
  /** Lower-cased domain without the trailing dot → MX records. */
  readonly mx: Map<string, MxRecord[]>;
}

export function emptyOfflineMx(): OfflineMx {
  return { mx: new Map() };
}

function norm(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') && n.length > 1 ? n.slice(0, -1) : n;
}

/** Adds MX sets given as data: domain → list of hosts (preference by order, 10 apart) or `{preference, exchange}`. */
export function addMxData(into: OfflineMx, data: Record<string, ReadonlyArray<string | MxRecord>>): void {
  for (const [domain, list] of Object.entries(data)) {
    const records = list.map((e, i) => (typeof e === 'string' ? { preference: (i + 1) * 10, exchange: e } : e));
    into.mx.set(norm(domain), records);
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
  const records = data.mx.get(bare);
  if (records && records.length > 0) return { resolution: resolveSite(domain, { records }), configured: true };
  const answer: MxAnswer = { records: [] };
  return {
    resolution: resolveSite(domain, answer),
    configured: false,
    note: domain.startsWith('[')
      ? undefined
      : `no MX records are configured for ${bare} (the scenario's mx data); using the domain itself as its MX host (implicit MX)`,
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
