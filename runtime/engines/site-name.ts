/**
 * `site_name` derived from MX host sets, and ready queue names.
 *
 * Sources: KumoCorp/kumomta crates/mailexchanger/src/lib.rs (`lookup_mx_record`, `resolve_uncached`,
 * `factor_names` and its tests), crates/dns-resolver/src/lib.rs (`has_colon_port`, `fully_qualify`,
 * `DomainClassification::classify`), crates/kumod/src/ready_queue.rs (`compute_queue_name`).
 */
import { isIP } from 'node:net';

/** kumod's `has_colon_port`: `name:port` with a u16 port, never confused by IPv6 colons. */
export function hasColonPort(a: string): [string, number] | null {
  const i = a.lastIndexOf(':');
  if (i < 0) return null;
  const label = a.slice(0, i);
  if (label.includes(':')) return null;
  const p = a.slice(i + 1);
  if (!/^\+?[0-9]+$/.test(p)) return null; // Rust's u16 parse accepts a leading '+'
  const port = Number(p.replace(/^\+/, ''));
  return port <= 65535 ? [label, port] : null;
}

/** Labels of a fully qualified, lower-cased name (root contributes none), or null when hickory would refuse it. */
function fqLabels(name: string): string[] | null {
  const n = name.toLowerCase();
  if (n === '.') return [];
  const body = n.endsWith('.') ? n.slice(0, -1) : n;
  if (body.length === 0 || body.length > 253) return null;
  const labels = body.split('.');
  for (const l of labels) if (l.length === 0 || l.length > 63) return null;
  return labels;
}

/**
 * kumod's `factor_names`: a pseudo-regex alternation of the host names, column by column from the TLD,
 * in first-seen order; a host shorter than the longest adds a `?` to each column it lacks.
 */
export function factorNames(hosts: readonly string[]): string {
  const split: string[][] = [];
  let maxCount = 0;
  for (const h of hosts) {
    const cp = hasColonPort(h);
    const labels = fqLabels(cp === null ? h : cp[0]);
    if (labels === null) continue; // fully_qualify failed: the host is skipped
    if (cp !== null && labels.length > 0) labels[labels.length - 1] += `:${cp[1]}`;
    labels.reverse();
    maxCount = Math.max(maxCount, labels.length);
    split.push(labels);
  }
  const columns: string[][] = [];
  const add = (field: string, i: number) => {
    const col = columns[i];
    if (col === undefined) columns.push([field]);
    else if (!col.includes(field)) col.push(field);
  };
  for (const fields of split) {
    fields.forEach((f, i) => add(f, i));
    for (let i = fields.length; i < maxCount; i++) add('?', i);
  }
  const out = columns.map((col) => {
    const hasQ = col.includes('?');
    const real = col.filter((e) => e !== '?');
    let text = real.length === 1 ? real[0] : `(${real.join('|')})`;
    if (hasQ) text += '?';
    return text;
  });
  return out.reverse().join('.');
}

export interface MxRecord {
  preference: number;
  exchange: string;
}

/** A DNS answer for the MX query of a domain, as the simulator is told it. */
export interface MxAnswer {
  records: MxRecord[];
  nxdomain?: boolean;
}

export type SiteResolution =
  | { ok: true; siteName: string; hosts: string[]; byPref: Array<[number, string[]]>; isDomainLiteral: boolean; isMx: boolean }
  | { ok: false; error: string };

function formatLiteral(addr: string, port: number | null): string | null {
  const kind = isIP(addr);
  if (kind === 0) return null;
  let text = addr;
  if (kind === 6) text = new URL(`http://[${addr}]/`).hostname.slice(1, -1); // RFC 5952 form, as Rust prints
  else text = addr.split('.').map(Number).join('.');
  if (port === null) return text;
  return kind === 6 ? `[${text}]:${port}` : `${text}:${port}`;
}

/**
 * `MailExchanger::resolve` on a given DNS answer: the ordered host list (preference ascending, hosts
 * sorted within a preference, lower-cased, trailing dot kept, `:port` appended when the domain had one)
 * and its `site_name`. No MX and no NXDOMAIN means the implicit MX (the domain itself). A null MX
 * (`0 .`) gives site name `""`. An IP literal (`[1.2.3.4]`) gives the address. MTA-STS pruning is not
 * modelled.
 */
export function resolveSite(domain: string, answer: MxAnswer): SiteResolution {
  const cp = hasColonPort(domain);
  let name = cp === null ? domain : cp[0];
  let port: number | null = cp === null ? null : cp[1];
  if (name.startsWith('[')) {
    if (!name.endsWith(']')) return { ok: false, error: `domain_name \`${name}\` is a malformed literal domain with no trailing \`]\`` };
    let lit = name.slice(1, -1).toLowerCase();
    const inner = hasColonPort(lit);
    if (inner !== null) {
      if (port !== null) return { ok: false, error: `invalid address: \`${name}\` specifies a port both inside and outside a literal address enclosed in square brackets` };
      lit = inner[0];
      port = inner[1];
    }
    if (lit.startsWith('ipv6:')) lit = lit.slice(5);
    const text = formatLiteral(lit, port);
    if (text === null) return { ok: false, error: `invalid address: \`${lit}\`` };
    return { ok: true, siteName: text, hosts: [text], byPref: [[1, [text]]], isDomainLiteral: true, isMx: false };
  }
  const labels = fqLabels(name);
  if (labels === null) return { ok: false, error: `invalid domain name ${name}` };
  name = labels.join('.') + '.';
  const suffix = port === null ? '' : `:${port}`;
  let byPref: Array<[number, string[]]>;
  let isMx = true;
  if (answer.records.length === 0) {
    if (answer.nxdomain) return { ok: false, error: `MX lookup for ${domain} failed: NXDOMAIN` };
    byPref = [[1, [name]]];
    isMx = false;
  } else {
    byPref = [];
    for (const r of answer.records) {
      let host = r.exchange.toLowerCase();
      if (!host.endsWith('.')) host += '.';
      const slot = byPref.find(([p]) => p === r.preference);
      if (slot) slot[1].push(host);
      else byPref.push([r.preference, [host]]);
    }
    byPref.sort((a, b) => a[0] - b[0]);
    for (const [, hs] of byPref) hs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  byPref = byPref.map(([p, hs]) => [p, hs.map((h) => h + suffix)]);
  const hosts = byPref.flatMap(([, hs]) => hs);
  return { ok: true, siteName: factorNames(hosts), hosts, byPref, isDomainLiteral: false, isMx };
}

/** The site name of a queue whose resolution failed, as used for metrics (`NXDOMAIN:` / `DNSFAIL:`). */
export function failedSiteName(routingDomain: string, nxdomain: boolean): string {
  return `${nxdomain ? 'NXDOMAIN' : 'DNSFAIL'}:${routingDomain}`;
}

/** `mx_list` smart-hosting: the site name is `mx_list:` plus the labels joined with `,`. */
export function mxListSiteName(labels: readonly string[]): string {
  return `mx_list:${labels.join(',')}`;
}

/** Ready queue (egress path) name: `{source}->{site_name}@{protocol}`, e.g. `ip-1->(mta5|mta6).am0.yahoodns.net@smtp_client`. */
export function readyQueueName(source: string, siteName: string, protocol = 'smtp_client'): string {
  return `${source}->${siteName}@${protocol}`;
}
