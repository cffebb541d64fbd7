/**
 * The `listen` string of start_esmtp_listener / start_http_listener (and the proxy listener).
 *
 * kumod keeps `listen` as a plain String and hands it to `TcpListener::bind(&str)` (tokio for
 * SMTP, std for HTTP). Both resolve a `&str` the same way:
 *   1. `SocketAddr::from_str` (Rust grammar: `0.0.0.0:25`, `[::]:25`, `[fe80::1%2]:25`);
 *   2. otherwise split at the LAST `:`; no colon -> "invalid socket address"; the right side is
 *      parsed as u16 (Rust: a leading `+` is allowed) or "invalid port value"; the left side goes to
 *      the system resolver (getaddrinfo). With glibc that accepts the legacy numeric IPv4 forms
 *      (`0` = 0.0.0.0, `127.1`, octal `010.0.0.1` = 8.0.0.1, hex), unbracketed IPv6 (`::1:25`),
 *      and host names (`localhost:25`), resolved when the listener starts.
 * So `0:25` is NOT a Rust SocketAddr, but kumod still binds it (to 0.0.0.0:25) on Linux.
 * Errors surface only when the listener starts: "failed to bind to <listen>" (SMTP) or
 * "listen on <listen>" (HTTP).
 */
import { formatIp, parseInetAton, parseIpv4, parseIpv6, parseSocketAddr, type IpAddress } from './ip';
import { parseRustUnsigned, U16_MAX } from './rust';
import type { ParseResult, ValueWarning } from './types';

export interface ListenAddress {
  /** Literal address, when known without a DNS lookup. */
  ip?: IpAddress;
  /** Host name to be resolved at startup, when `ip` is absent. */
  hostname?: string;
  port: number;
  /** How kumod gets there: a strict Rust SocketAddr, or the resolver fallback. */
  via: 'socket-addr' | 'resolver';
  /** Canonical `ip:port` / `[v6]:port` (or `host:port`). */
  normalized: string;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

function norm(ip: IpAddress, port: number, scope = 0): string {
  return ip.family === 4 ? `${formatIp(ip)}:${port}` : `[${formatIp(ip)}${scope !== 0 ? `%${scope}` : ''}]:${port}`;
}

export function parseListenAddress(text: string): ParseResult<ListenAddress> {
  const sa = parseSocketAddr(text);
  if (sa !== undefined) {
    const value: ListenAddress = { ip: sa.ip, port: sa.port, via: 'socket-addr', normalized: norm(sa.ip, sa.port, sa.scopeId) };
    if (sa.port === 0) {
      return {
        ok: true,
        value,
        warnings: [{ code: 'listen-port-zero', message: 'port 0 binds a random free port', start: text.lastIndexOf(':') + 1, end: text.length }],
      };
    }
    return { ok: true, value };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) {
    return {
      ok: false,
      error: {
        message: 'invalid socket address',
        start: 0,
        end: text.length,
        hint: /^\d+$/.test(text) ? `add the address, e.g. "0.0.0.0:${text}"` : 'write ADDRESS:PORT, e.g. "0.0.0.0:25" or "[::]:25"',
      },
    };
  }
  const host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  const port = parseRustUnsigned(portText, U16_MAX);
  if (!port.ok) {
    return {
      ok: false,
      error: {
        message: 'invalid port value',
        start: colon + 1,
        end: text.length,
        hint: portText === '' ? 'add a port number after ":"' : 'the port must be a number from 0 to 65535',
      },
    };
  }
  const p = Number(port.value);
  const warnings: ValueWarning[] = [];
  const hostSpan = { start: 0, end: colon };
  const strict = parseIpv4(host);
  if (strict !== undefined) {
    // Only the port is unusual (`+25`): Rust's SocketAddr refuses it, the fallback's u16 parse takes it.
    warnings.push({
      code: 'listen-port-format',
      message: `the port "${portText}" only works through the resolver fallback; write "${norm(strict, p)}"`,
      start: colon + 1,
      end: text.length,
    });
    return { ok: true, value: { ip: strict, port: p, via: 'resolver', normalized: norm(strict, p) }, warnings };
  }
  const v4 = parseInetAton(host);
  if (v4 !== undefined) {
    warnings.push({
      code: 'listen-legacy-ipv4',
      message: `"${host}" is not a standard address; the system resolver reads it as ${formatIp(v4)}. Write "${norm(v4, p)}"`,
      ...hostSpan,
    });
    return { ok: true, value: { ip: v4, port: p, via: 'resolver', normalized: norm(v4, p) }, warnings };
  }
  const pct = host.indexOf('%');
  const v6 = parseIpv6(pct >= 0 ? host.slice(0, pct) : host);
  if (v6 !== undefined && (pct < 0 || /^[A-Za-z0-9_.-]+$/.test(host.slice(pct + 1)))) {
    warnings.push({
      code: 'listen-unbracketed-ipv6',
      message: `an IPv6 address with a port should be bracketed: "${norm(v6, p)}"`,
      ...hostSpan,
    });
    return { ok: true, value: { ip: v6, port: p, via: 'resolver', normalized: norm(v6, p) }, warnings };
  }
  // A name whose last label is all digits is never a resolvable host name (`1.2.3.256`).
  if (host !== '' && HOSTNAME.test(host) && !/(^|\.)\d+\.?$/.test(host)) {
    warnings.push({
      code: 'listen-hostname',
      message: `"${host}" is resolved by DNS when the listener starts; kumod binds the first address that works`,
      ...hostSpan,
    });
    return { ok: true, value: { hostname: host, port: p, via: 'resolver', normalized: `${host}:${p}` }, warnings };
  }
  let hint = 'write ADDRESS:PORT, e.g. "0.0.0.0:25" or "[::]:25"';
  if (host === '') hint = `add the address, e.g. "0.0.0.0:${p}"`;
  else if (host.trim() !== host) hint = 'remove the whitespace';
  else if (host.startsWith('[')) hint = 'the bracketed IPv6 address is not valid';
  return {
    ok: false,
    error: {
      message: `failed to resolve "${host}": not an address, and not a valid host name`,
      kumodMessage: `failed to bind to ${text}`,
      start: 0,
      end: colon,
      hint,
    },
  };
}

export function describeListenAddress(v: ListenAddress): string {
  const where =
    v.ip === undefined
      ? `host ${v.hostname} (resolved at startup)`
      : v.ip.bytes.every((b) => b === 0)
        ? `all IPv${v.ip.family} interfaces`
        : `${formatIp(v.ip)}`;
  return `listen on ${where}, port ${v.port}`;
}
