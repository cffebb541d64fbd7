/**
 * CIDR values as kumod's `cidr_map::parse_cidr` reads them (cidr crate 0.3 `AnyIpCidr::from_str`
 * with kumo's friendlier error):
 *   - no `/`: the literal `any` (matches every address), else a single address (Rust grammar);
 *   - `ADDR/LEN` split at the LAST `/`; LEN is a Rust u8 parse (a leading `+` is accepted);
 *     LEN above 32/128 is an error; the host bits must be zero, and kumod then suggests the
 *     network (`10.0.0.1/24` -> `Did you mean 10.0.0.0/24?`).
 * Lists (`relay_hosts`, `trusted_hosts`, ...) report every bad entry, joined with ", ".
 * Map lookups/keys of `kumo.cidr.make_map` also accept `ip:port` and `[ipv6]:port` (the port is
 * never checked); config tables keyed by CIDR (`peer`, `via`) go through serde and do not.
 */
import { formatIp, parseIpAddr, type IpAddress } from './ip';
import { parseRustUnsigned, U8_MAX } from './rust';
import type { ParseResult, ValueError } from './types';

export type Cidr = { any: true } | { any: false; ip: IpAddress; prefix: number };

/** kumod's Display form: `any`, a bare address for a full-length prefix, else `addr/len`. */
export function formatCidr(c: Cidr): string {
  if (c.any) return 'any';
  const max = c.ip.family === 4 ? 32 : 128;
  return c.prefix === max ? formatIp(c.ip) : `${formatIp(c.ip)}/${c.prefix}`;
}

function maskHostBits(ip: IpAddress, prefix: number): IpAddress {
  const bytes = ip.bytes.map((b, k) => {
    const keep = Math.max(0, Math.min(8, prefix - k * 8));
    return keep === 8 ? b : b & ((0xff << (8 - keep)) & 0xff);
  });
  return { family: ip.family, bytes };
}

/** The cidr crate's own error (without kumo's prefix); `loose` is the masked network when only host bits were wrong. */
function strictParse(s: string): { ok: true; value: Cidr } | { ok: false; message: string; start: number; end: number; loose?: Cidr } {
  const slash = s.lastIndexOf('/');
  if (slash < 0) {
    if (s === 'any') return { ok: true, value: { any: true } };
    const ip = parseIpAddr(s);
    if (ip === undefined) return { ok: false, message: "couldn't parse address in network: invalid IP address syntax", start: 0, end: s.length };
    return { ok: true, value: { any: false, ip, prefix: ip.family === 4 ? 32 : 128 } };
  }
  const addrText = s.slice(0, slash);
  const lenText = s.slice(slash + 1);
  const ip = parseIpAddr(addrText);
  if (ip === undefined) {
    return { ok: false, message: "couldn't parse address in network: invalid IP address syntax", start: 0, end: slash };
  }
  const len = parseRustUnsigned(lenText, U8_MAX);
  if (!len.ok) {
    return { ok: false, message: `couldn't parse length in network: ${len.message}`, start: slash + 1, end: s.length };
  }
  const prefix = Number(len.value);
  const max = ip.family === 4 ? 32 : 128;
  if (prefix > max) {
    return {
      ok: false,
      message: `invalid length for network: Network length ${prefix} is too long for ${ip.family === 4 ? 'Ipv4' : 'Ipv6'} (maximum: ${max})`,
      start: slash + 1,
      end: s.length,
    };
  }
  const masked = maskHostBits(ip, prefix);
  if (masked.bytes.some((b, k) => b !== ip.bytes[k])) {
    return {
      ok: false,
      message: 'host part of address was not zero',
      start: 0,
      end: slash,
      loose: { any: false, ip: masked, prefix },
    };
  }
  return { ok: true, value: { any: false, ip, prefix } };
}

/** `cidr` kind: one address or network, with kumod's exact messages. */
export function parseCidr(text: string): ParseResult<Cidr> {
  const r = strictParse(text);
  if (r.ok) return { ok: true, value: r.value };
  const suggestion = r.loose !== undefined ? formatCidr(r.loose) : undefined;
  const message = `${text} is not a valid CIDR: ${r.message}${suggestion !== undefined ? `. Did you mean ${suggestion}?` : ''}`;
  const error: ValueError = { message, start: r.start, end: r.end };
  if (suggestion !== undefined) error.hint = `did you mean ${suggestion}?`;
  else if (text.trim() !== text) error.hint = 'remove the surrounding whitespace';
  else if (/^\[/.test(text) || /^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) error.hint = 'a port is not accepted here';
  return { ok: false, error };
}

/** An `array<cidr>` (CidrSet): every bad entry is reported; kumod joins them as `entry: error, ...`. */
export function parseCidrList(entries: readonly string[]): {
  ok: boolean;
  value: Cidr[];
  errors: Array<{ index: number; error: ValueError }>;
  /** kumod's combined message when any entry is bad. */
  message?: string;
} {
  const value: Cidr[] = [];
  const errors: Array<{ index: number; error: ValueError }> = [];
  entries.forEach((e, index) => {
    const r = parseCidr(e);
    if (r.ok) value.push(r.value);
    else errors.push({ index, error: r.error });
  });
  if (errors.length === 0) return { ok: true, value, errors };
  const message = errors.map((x) => `${entries[x.index]}: ${x.error.message}`).join(', ');
  return { ok: false, value, errors, message };
}

/**
 * A key for `kumo.cidr.make_map` tables and CidrMap indexing (`parse_cidr_from_ip_and_or_port`):
 * a CIDR, else `[ip]...` (the bracketed part), else the part before the LAST `:`. The port is
 * not validated at all. Beware: an unbracketed IPv6 with port (`::1:25`) parses as an address.
 */
export function parseCidrLookupKey(text: string): ParseResult<Cidr> {
  const direct = parseCidr(text);
  if (direct.ok) return direct;
  if (text.startsWith('[')) {
    const close = text.indexOf(']', 1);
    if (close >= 0) {
      const ip = text.slice(1, close);
      const r = parseCidr(ip);
      if (r.ok) return r;
      return {
        ok: false,
        error: {
          message: `failed to parse '${ip}', the []-enclosed portion of '${text}', as an IP address: ${r.error.message}`,
          start: 1 + r.error.start,
          end: 1 + r.error.end,
          ...(r.error.hint !== undefined ? { hint: r.error.hint } : {}),
        },
      };
    }
  }
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    const ip = text.slice(0, colon);
    const r = parseCidr(ip);
    if (r.ok) return r;
    return {
      ok: false,
      error: {
        message: `failed to parse '${ip}', the :-delimited portion of '${text}', as an IP address: ${r.error.message}`,
        start: r.error.start,
        end: r.error.end,
        ...(r.error.hint !== undefined ? { hint: r.error.hint } : {}),
      },
    };
  }
  return direct;
}

/** Does `ip` fall inside `cidr`? */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.any) return true;
  if (cidr.ip.family !== ip.family) return false;
  const masked = maskHostBits(ip, cidr.prefix);
  return masked.bytes.every((b, k) => b === cidr.ip.bytes[k]);
}

export function describeCidr(c: Cidr): string {
  if (c.any) return 'any address (IPv4 or IPv6)';
  const max = c.ip.family === 4 ? 32 : 128;
  if (c.prefix === max) return `the single IPv${c.ip.family} address ${formatIp(c.ip)}`;
  const size = c.ip.family === 4 ? `${2 ** (32 - c.prefix)} addresses` : `a /${c.prefix} IPv6 network`;
  return `IPv${c.ip.family} network ${formatCidr(c)} (${size})`;
}
