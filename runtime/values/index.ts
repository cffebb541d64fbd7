/**
 * Value-kind parsers, exact ports of kumod's. The language server and the runtime validate
 * literal values ONLY through `valueKinds` / `validateValue` below (or the per-kind functions), so
 * this is the single source of truth for value grammars.
 */
import { describeCidr, formatCidr, parseCidr, parseCidrLookupKey, type Cidr } from './cidr';
import { durationFromLua, formatDuration, humantimeFormat, type DurationValue } from './duration';
import { parseEnumValue } from './enum-value';
import { formatIp, parseIp, type IpAddress } from './ip';
import { describeLimit, formatLimit, limitFromLua, type LimitSpec } from './limit';
import { describeListenAddress, parseListenAddress, type ListenAddress } from './listen-address';
import { describeMinFree, minFreeFromLua, type MinFree } from './min-free';
import { parseRecordType, type RecordType } from './record-type';
import { describeThrottle, formatThrottle, throttleFromLua } from './throttle';
import { isLuaInteger } from './rust';
import type { ParseResult, ThrottleSpec } from './types';

export * from './types';
export * from './rust';
export * from './duration';
export * from './throttle';
export * from './limit';
export * from './ip';
export * from './cidr';
export * from './listen-address';
export * from './min-free';
export * from './enum-value';
export * from './record-type';

/** A Lua literal as the callers see it: string, or number (with `float` telling 10.0 from 10). */
export type LuaScalar = string | number | bigint;

export interface LuaScalarOptions {
  /** The number literal is a Lua float (`10.0`, `1e3`); inferred from non-integers when omitted. */
  float?: boolean;
}

/** What every kind returns on success. */
export interface NormalizedValue<T = unknown> {
  kind: string;
  /** kumod's canonical spelling (`100/h`, `1h 30m`, `10.0.0.0/8`, ...). */
  normalized: string;
  /** Short human description for hovers (`1 hour 30 minutes = 5400 s`). */
  description: string;
  value: T;
}

export interface ValueKind {
  name: string;
  /** One line for completion/hover documentation. */
  summary: string;
  /** Lua value types kumod accepts for this kind. */
  accepts: ReadonlyArray<'string' | 'integer' | 'float'>;
  validate(value: LuaScalar, opts?: LuaScalarOptions): ParseResult<NormalizedValue>;
}

function isFloat(value: LuaScalar, opts?: LuaScalarOptions): boolean {
  return typeof value === 'number' && (opts?.float ?? !isLuaInteger(value));
}

/** serde's type error for a number where a string is required. */
function wantString<T>(value: LuaScalar, opts: LuaScalarOptions | undefined, what: string): ParseResult<T> {
  const shown = String(value);
  const f = isFloat(value, opts);
  return {
    ok: false,
    error: {
      message: `invalid type: ${f ? `floating point \`${Number.isInteger(value) ? `${shown}.0` : shown}\`` : `integer \`${shown}\``}, expected ${what}`,
      start: 0,
      end: shown.length,
      hint: 'write it as a quoted string',
    },
  };
}

function wrap<T>(kind: string, r: ParseResult<T>, normalize: (v: T) => string, describe: (v: T) => string): ParseResult<NormalizedValue> {
  if (!r.ok) return r;
  const out: NormalizedValue<T> = { kind, normalized: normalize(r.value), description: describe(r.value), value: r.value };
  return r.warnings !== undefined ? { ok: true, value: out, warnings: r.warnings } : { ok: true, value: out };
}

function stringKind<T>(
  name: string,
  summary: string,
  parse: (s: string) => ParseResult<T>,
  normalize: (v: T) => string,
  describe: (v: T) => string,
): ValueKind {
  return {
    name,
    summary,
    accepts: ['string'],
    validate(value, opts) {
      if (typeof value !== 'string') return wantString(value, opts, 'a string');
      return wrap(name, parse(value), normalize, describe);
    },
  };
}

/** An enum kind over a fixed list of case-sensitive names. */
export function enumKind(values: readonly string[], name = 'enum'): ValueKind {
  return stringKind(
    name,
    `one of ${values.join(', ')} (case-sensitive)`,
    (s) => parseEnumValue(s, values),
    (v) => v,
    (v) => `"${v}"`,
  );
}

export const valueKinds: Readonly<Record<string, ValueKind>> = Object.freeze({
  duration: {
    name: 'duration',
    summary: 'seconds as an integer or float, or a humantime string such as "5 minutes", "1h 30m", "500ms"',
    accepts: ['string', 'integer', 'float'],
    validate(value, opts) {
      return wrap<DurationValue>(
        'duration',
        durationFromLua(value, { float: isFloat(value, opts) }),
        (v) => humantimeFormat(v.secs, v.nanos),
        (v) => formatDuration(v.seconds),
      );
    },
  },
  duration_float_or_string: {
    name: 'duration_float_or_string',
    summary: 'a float number of seconds or a humantime string; a Lua integer is rejected (HttpRequest:timeout, WebSocketStream:recv_batch)',
    accepts: ['string', 'float'],
    validate(value, opts) {
      return wrap<DurationValue>(
        'duration_float_or_string',
        durationFromLua(value, { float: isFloat(value, opts), callSite: 'http_timeout' }),
        (v) => humantimeFormat(v.secs, v.nanos),
        (v) => formatDuration(v.seconds),
      );
    },
  },
  throttle: {
    name: 'throttle',
    summary: 'a rate string "[local:]LIMIT/[N]UNIT[,max_burst=B]", e.g. "100/h", "1,000/5m", "local:10/s"',
    accepts: ['string'],
    validate(value) {
      return wrap<ThrottleSpec>('throttle', throttleFromLua(value), formatThrottle, describeThrottle);
    },
  },
  limit: {
    name: 'limit',
    summary: 'a connection limit: an integer >= 1, or a string "[local:]N"',
    accepts: ['string', 'integer'],
    validate(value, opts) {
      return wrap<LimitSpec>('limit', limitFromLua(value, { float: isFloat(value, opts) }), formatLimit, describeLimit);
    },
  },
  min_free: {
    name: 'min_free',
    summary: 'free space to keep: a percentage string "N%" (N <= 255) or a number of bytes',
    accepts: ['string', 'integer'],
    validate(value, opts) {
      return wrap<MinFree>(
        'min_free',
        minFreeFromLua(value, { float: isFloat(value, opts) }),
        (v) => (v.kind === 'percent' ? `${v.percent}%` : `${v.value}`),
        describeMinFree,
      );
    },
  },
  cidr: stringKind<Cidr>('cidr', 'an IPv4/IPv6 address or CIDR network ("10.0.0.0/8", "::1", "any")', parseCidr, formatCidr, describeCidr),
  cidr_key: stringKind<Cidr>(
    'cidr_key',
    'a kumo.cidr map key: a CIDR, or an address with a port ("10.0.0.1:25", "[::1]:25")',
    parseCidrLookupKey,
    formatCidr,
    describeCidr,
  ),
  ip: stringKind<IpAddress>('ip', 'an IPv4 or IPv6 address', parseIp, formatIp, (v) => `IPv${v.family} address ${formatIp(v)}`),
  listen_address: stringKind<ListenAddress>(
    'listen_address',
    'an address and port to listen on, e.g. "0.0.0.0:25", "[::]:25", "127.0.0.1:2025"',
    parseListenAddress,
    (v) => v.normalized,
    describeListenAddress,
  ),
  record_type: stringKind<RecordType>(
    'record_type',
    'a log record type such as "Delivery", "Bounce", "TransientFailure" (case-sensitive)',
    (s) => parseRecordType(s),
    (v) => v,
    (v) => (v === 'Any' ? 'every record type (per_record wildcard)' : `${v} records`),
  ),
});

/** Aliases used in some catalog type strings. */
const ALIASES: Readonly<Record<string, string>> = { socket_address: 'listen_address', listen: 'listen_address', RecordType: 'record_type' };

/** Looks a kind up by its catalog name (aliases included). */
export function getValueKind(name: string): ValueKind | undefined {
  const key = Object.prototype.hasOwnProperty.call(valueKinds, name) ? name : ALIASES[name];
  return key !== undefined ? valueKinds[key] : undefined;
}

/** Validates `value` as `kind`; undefined when the kind is not a value kind (e.g. `string`). */
export function validateValue(kind: string, value: LuaScalar, opts?: LuaScalarOptions): ParseResult<NormalizedValue> | undefined {
  return getValueKind(kind)?.validate(value, opts);
}
