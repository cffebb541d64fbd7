/**
 * An offline DNS resolver answering from zone-file text (the form kumo.dns.configure_test_resolver takes):
 * `$ORIGIN`, `$TTL`, `@`, relative and absolute owner names, optional TTL and class, and A, AAAA, MX, TXT,
 * PTR and CNAME records. Names are compared lower-cased and fully qualified. Owners listed as servfail
 * fail every query.
 */
import { isIP } from 'node:net';

export type RecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'PTR' | 'CNAME';

export interface ZoneRecord {
  name: string;
  type: RecordType | string;
  ttl: number;
  /** A/AAAA: address; MX: `pref exchange`; TXT: the joined strings; PTR/CNAME: target. */
  data: string;
  preference?: number;
}

export interface DnsAnswer {
  records: ZoneRecord[];
  nxdomain: boolean;
}

export class DnsError extends Error {}

export function fqdn(name: string, origin = '.'): string {
  if (name === '@') return origin;
  let n = name.toLowerCase();
  if (!n.endsWith('.')) n = origin === '.' ? n + '.' : `${n}.${origin}`;
  return n;
}

/** Splits a zone line into fields, keeping quoted strings (TXT) together and dropping comments. */
function fields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ';') break;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '"') {
      let s = '"';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) s += line[i++];
        s += line[i++];
      }
      out.push(s + '"');
      i++;
      continue;
    }
    let s = '';
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') s += line[i++];
    out.push(s);
  }
  return out;
}

const TYPES = new Set(['A', 'AAAA', 'MX', 'TXT', 'PTR', 'CNAME', 'NS', 'SOA', 'SRV', 'CAA', 'TLSA']);

export function parseZone(text: string, defaultOrigin = '.'): ZoneRecord[] {
  const records: ZoneRecord[] = [];
  let origin = fqdn(defaultOrigin);
  let ttl = 3600;
  let lastOwner = origin;
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    if (!raw.trim() || raw.trim().startsWith(';')) continue;
    const f = fields(raw);
    if (f.length === 0) continue;
    if (f[0] === '$ORIGIN') {
      origin = fqdn(f[1] ?? '.');
      lastOwner = origin;
      continue;
    }
    if (f[0] === '$TTL') {
      ttl = Number(f[1]);
      continue;
    }
    const continued = raw.startsWith(' ') || raw.startsWith('\t');
    let owner = continued ? lastOwner : fqdn(f.shift()!, origin);
    lastOwner = owner;
    let recTtl = ttl;
    while (f.length && !TYPES.has(f[0].toUpperCase())) {
      const x = f.shift()!;
      if (/^\d+$/.test(x)) recTtl = Number(x);
      else if (!/^(IN|CH|HS)$/i.test(x)) throw new DnsError(`zone line ${n + 1}: unexpected '${x}'`);
    }
    const type = (f.shift() ?? '').toUpperCase();
    if (!type) throw new DnsError(`zone line ${n + 1}: record type missing`);
    owner = owner.toLowerCase();
    switch (type) {
      case 'A':
      case 'AAAA':
        if (isIP(f[0] ?? '') !== (type === 'A' ? 4 : 6)) throw new DnsError(`zone line ${n + 1}: '${f[0]}' is not an ${type === 'A' ? 'IPv4' : 'IPv6'} address`);
        records.push({ name: owner, type, ttl: recTtl, data: f[0] });
        break;
      case 'MX': {
        const pref = Number(f[0]);
        if (!Number.isInteger(pref) || f[1] === undefined) throw new DnsError(`zone line ${n + 1}: MX needs a preference and an exchange`);
        records.push({ name: owner, type, ttl: recTtl, data: fqdn(f[1], origin), preference: pref });
        break;
      }
      case 'TXT':
        records.push({ name: owner, type, ttl: recTtl, data: f.map((s) => (s.startsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s)).join('') });
        break;
      case 'PTR':
      case 'CNAME':
        records.push({ name: owner, type, ttl: recTtl, data: fqdn(f[0], origin) });
        break;
      default:
        records.push({ name: owner, type, ttl: recTtl, data: f.join(' ') });
    }
  }
  return records;
}

export class OfflineResolver {
  private readonly byName = new Map<string, ZoneRecord[]>();
  private readonly servfail = new Set<string>();

  addZone(text: string): void {
    for (const r of parseZone(text)) {
      const list = this.byName.get(r.name) ?? [];
      list.push(r);
      this.byName.set(r.name, list);
    }
  }

  addServfail(name: string): void {
    this.servfail.add(fqdn(name));
  }

  /** True when some name at or under `name` exists (so an empty answer is NODATA, not NXDOMAIN). */
  private exists(name: string): boolean {
    if (this.byName.has(name)) return true;
    for (const k of this.byName.keys()) if (k.endsWith('.' + name)) return true;
    return false;
  }

  query(name: string, type: RecordType, depth = 0): DnsAnswer {
    const n = fqdn(name);
    if (this.servfail.has(n)) throw new DnsError(`SERVFAIL for ${n} (${type})`);
    const here = this.byName.get(n) ?? [];
    const cname = here.find((r) => r.type === 'CNAME');
    if (cname && type !== 'CNAME' && depth < 8) return this.query(cname.data, type, depth + 1);
    const records = here.filter((r) => r.type === type);
    return { records, nxdomain: records.length === 0 && !this.exists(n) };
  }
}

/** `1.2.3.4` -> `4.3.2.1`; IPv6 -> reversed nibbles (as kumod's reverse_ip). */
export function reverseIp(ip: string): string {
  const kind = isIP(ip);
  if (kind === 4) return ip.split('.').reverse().join('.');
  if (kind === 6) {
    const [head, tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return groups.map((g) => g.padStart(4, '0')).join('').split('').reverse().join('.');
  }
  throw new DnsError(`invalid IP address syntax: ${ip}`);
}

export function ptrHost(ip: string): string {
  return reverseIp(ip) + (isIP(ip) === 4 ? '.in-addr.arpa' : '.ip6.arpa');
}
