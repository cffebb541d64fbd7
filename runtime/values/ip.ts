/**
 * IP addresses and socket addresses with Rust's standard-library grammar (`core::net` parser),
 * which is what kumod uses for `IpAddr`/`SocketAddr`/CIDR parsing, plus the glibc resolver's
 * numeric forms that `TcpListener::bind("host:port")` falls back to.
 *
 * Rust's grammar is strict: IPv4 is exactly four decimal parts of 1-3 digits, each <= 255, with no
 * leading zeros (`01.2.3.4` is rejected); IPv6 groups are 1-4 hex digits, `::` at most once and
 * standing for at least one group, an embedded dotted IPv4 only in the last 32 bits; no zone id
 * in a bare address. Socket addresses are `a.b.c.d:port` or `[v6]:port` / `[v6%scope]:port`,
 * where the numeric scope and the port may have leading zeros.
 */
import type { ParseResult } from './types';

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: number[];
}

export interface SocketAddress {
  ip: IpAddress;
  port: number;
  /** IPv6 numeric scope id (0 when absent). */
  scopeId: number;
}

/** A tiny backtracking reader over ASCII text, mirroring Rust's `read_atomically` style. */
class Reader {
  pos = 0;
  constructor(readonly s: string) {}
  atEnd(): boolean {
    return this.pos >= this.s.length;
  }
  peek(): string | undefined {
    return this.s[this.pos];
  }
  atomically<T>(f: () => T | undefined): T | undefined {
    const save = this.pos;
    const r = f();
    if (r === undefined) this.pos = save;
    return r;
  }
  char(c: string): true | undefined {
    return this.atomically(() => {
      if (this.s[this.pos] === c) {
        this.pos++;
        return true;
      }
      return undefined;
    });
  }
  /** Rust's `read_number`: `maxDigits` set means a small type, checked after; `max` is the type's maximum. */
  number(radix: 10 | 16, maxDigits: number | undefined, allowZeroPrefix: boolean, max: number): number | undefined {
    return this.atomically(() => {
      let result = 0;
      let count = 0;
      const leadingZero = this.s[this.pos] === '0';
      for (;;) {
        const ch = this.s[this.pos];
        if (ch === undefined) break;
        const d = radix === 10 ? (/[0-9]/.test(ch) ? ch.charCodeAt(0) - 48 : -1) : /[0-9a-fA-F]/.test(ch) ? parseInt(ch, 16) : -1;
        if (d < 0) break;
        this.pos++;
        result = result * radix + d;
        count++;
        if (maxDigits !== undefined) {
          if (count > maxDigits) return undefined;
        } else if (result > max) return undefined;
      }
      if (count === 0) return undefined;
      if (!allowZeroPrefix && leadingZero && count > 1) return undefined;
      if (result > max) return undefined;
      return result;
    });
  }
  separated<T>(sep: string, index: number, f: () => T | undefined): T | undefined {
    return this.atomically(() => {
      if (index > 0 && this.char(sep) === undefined) return undefined;
      return f();
    });
  }
  ipv4(): number[] | undefined {
    return this.atomically(() => {
      const out: number[] = [];
      for (let i = 0; i < 4; i++) {
        const v = this.separated('.', i, () => this.number(10, 3, false, 255));
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    });
  }
  ipv6(): number[] | undefined {
    return this.atomically(() => {
      const readGroups = (groups: number[], limit: number): [number, boolean] => {
        for (let i = 0; i < limit; i++) {
          if (i < limit - 1) {
            const v4 = this.separated(':', i, () => this.ipv4());
            if (v4 !== undefined) {
              groups[i] = (v4[0] << 8) | v4[1];
              groups[i + 1] = (v4[2] << 8) | v4[3];
              return [i + 2, true];
            }
          }
          const g = this.separated(':', i, () => this.number(16, 4, true, 0xffff));
          if (g === undefined) return [i, false];
          groups[i] = g;
        }
        return [limit, false];
      };
      const head = new Array<number>(8).fill(0);
      const [headSize, headV4] = readGroups(head, 8);
      if (headSize === 8) return head;
      if (headV4) return undefined;
      if (this.char(':') === undefined || this.char(':') === undefined) return undefined;
      const tail = new Array<number>(7).fill(0);
      const [tailSize] = readGroups(tail, 8 - (headSize + 1));
      for (let k = 0; k < tailSize; k++) head[8 - tailSize + k] = tail[k];
      return head;
    });
  }
}

function v6bytes(groups: number[]): number[] {
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** Rust `Ipv4Addr::from_str`. */
export function parseIpv4(s: string): IpAddress | undefined {
  const r = new Reader(s);
  const v = r.ipv4();
  return v !== undefined && r.atEnd() ? { family: 4, bytes: v } : undefined;
}

/** Rust `Ipv6Addr::from_str`. */
export function parseIpv6(s: string): IpAddress | undefined {
  const r = new Reader(s);
  const v = r.ipv6();
  return v !== undefined && r.atEnd() ? { family: 6, bytes: v6bytes(v) } : undefined;
}

/** Rust `IpAddr::from_str`. */
export function parseIpAddr(s: string): IpAddress | undefined {
  return parseIpv4(s) ?? parseIpv6(s);
}

/** Rust `SocketAddr::from_str`: `a.b.c.d:port` or `[v6]:port` / `[v6%scope]:port`. */
export function parseSocketAddr(s: string): SocketAddress | undefined {
  const r4 = new Reader(s);
  const v4 = r4.atomically(() => {
    const ip = r4.ipv4();
    if (ip === undefined || r4.char(':') === undefined) return undefined;
    const port = r4.number(10, undefined, true, 0xffff);
    return port === undefined ? undefined : { ip: { family: 4 as const, bytes: ip }, port, scopeId: 0 };
  });
  if (v4 !== undefined && r4.atEnd()) return v4;
  const r6 = new Reader(s);
  const v6 = r6.atomically(() => {
    if (r6.char('[') === undefined) return undefined;
    const ip = r6.ipv6();
    if (ip === undefined) return undefined;
    const scope =
      r6.atomically(() => (r6.char('%') === undefined ? undefined : r6.number(10, undefined, true, 0xffffffff))) ?? 0;
    if (r6.char(']') === undefined || r6.char(':') === undefined) return undefined;
    const port = r6.number(10, undefined, true, 0xffff);
    return port === undefined ? undefined : { ip: { family: 6 as const, bytes: v6bytes(ip) }, port, scopeId: scope };
  });
  if (v6 !== undefined && r6.atEnd()) return v6;
  return undefined;
}

/** Rust's Display for an IP address (RFC 5952 for IPv6; `::ffff:a.b.c.d` for IPv4-mapped). */
export function formatIp(ip: IpAddress): string {
  const b = ip.bytes;
  if (ip.family === 4) return b.join('.');
  const g: number[] = [];
  for (let k = 0; k < 16; k += 2) g.push((b[k] << 8) | b[k + 1]);
  if (g.every((x) => x === 0)) return '::';
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${b.slice(12).join('.')}`;
  // Longest run of zero groups, length > 1, leftmost on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let k = 0; k < 8; ) {
    if (g[k] !== 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && g[e] === 0) e++;
    if (e - k > bestLen) {
      bestStart = k;
      bestLen = e - k;
    }
    k = e;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (bestLen > 1) return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
  return hex(g);
}

/** `ip` kind: a bare IPv4/IPv6 address, Rust grammar. */
export function parseIp(text: string): ParseResult<IpAddress> {
  const ip = parseIpAddr(text);
  if (ip !== undefined) return { ok: true, value: ip };
  let hint: string | undefined;
  if (text.trim() !== text) hint = 'remove the surrounding whitespace';
  else if (/^\[.*\](:\d*)?$/.test(text)) hint = 'write the address without brackets or port';
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) hint = 'write the address without a port';
  else if (/\/\d*$/.test(text)) hint = 'a CIDR is not accepted here; write a single address';
  else if (/(^|\.)0\d/.test(text) && /^[\d.]+$/.test(text)) hint = 'leading zeros are not accepted in IPv4 parts';
  else if (/%/.test(text)) hint = 'zone ids (%eth0) are not accepted';
  return {
    ok: false,
    error: { message: 'invalid IP address syntax', start: 0, end: text.length, ...(hint !== undefined ? { hint } : {}) },
  };
}

/**
 * glibc's exact `inet_aton` (as `getaddrinfo` applies it to numeric hosts): 1 to 4 parts, each
 * decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes. `0` is
 * 0.0.0.0, `127.1` is 127.0.0.1, `010.0.0.1` is 8.0.0.1.
 */
export function parseInetAton(s: string): IpAddress | undefined {
  const parts: number[] = [];
  let i = 0;
  let val = 0;
  for (;;) {
    if (!/[0-9]/.test(s[i] ?? '')) return undefined;
    let base = 10;
    if (s[i] === '0') {
      i++;
      if (s[i] === 'x' || s[i] === 'X') {
        base = 16;
        i++;
      } else base = 8;
    }
    val = 0;
    for (;;) {
      const c = s[i];
      if (c !== undefined && /[0-9]/.test(c)) {
        if (base === 8 && (c === '8' || c === '9')) return undefined;
        val = val * base + (c.charCodeAt(0) - 48);
      } else if (base === 16 && c !== undefined && /[a-fA-F]/.test(c)) {
        val = val * 16 + parseInt(c, 16);
      } else break;
      if (val > 0xffffffff) return undefined;
      i++;
    }
    if (s[i] === '.') {
      if (parts.length > 2 || val > 0xff) return undefined;
      parts.push(val);
      i++;
    } else break;
  }
  if (i !== s.length) return undefined;
  const max = [0xffffffff, 0xffffff, 0xffff, 0xff][parts.length];
  if (val > max) return undefined;
  const bytes = [...parts];
  const rest = 4 - parts.length;
  for (let k = rest - 1; k >= 0; k--) bytes.push(Math.floor(val / 2 ** (8 * k)) % 256);
  return { family: 4, bytes };
}
