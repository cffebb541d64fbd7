/**
 * Number formatting as PUC Lua 5.4 does it with C's printf, where fengari differs: `tostring` of floats
 * (`%.14g`: 1e+15, inf, -nan, -0.0) and `string.format`'s numeric conversions (%d %x %o %e %f %g %a %c %q %s
 * with flags, width and precision). Installed over fengari's own versions by `installNumberFormatting`.
 */
import { lua, lauxlib, LuaState, lstr, raise, T, toLuaString } from './lua-api';

/** C's `%.14g` for a double, as Lua's tostring of a float uses it (before the '.0' suffix rule). */
export function formatG14(n: number): string {
  return formatFloat(n, 'g', 14, false);
}

/** The text Lua 5.4 shows for a float value (`tostring(1.0)` = `1.0`, `1e+15`, `inf`, `-nan`). */
export function luaFloatToString(n: number): string {
  const s = formatG14(n);
  return /^-?\d+$/.test(s) ? s + '.0' : s;
}

function nonFinite(n: number, upper: boolean): string {
  // glibc prints the NaN that 0/0 yields on x86 as "-nan"; JS cannot tell NaN signs apart.
  const s = Number.isNaN(n) ? '-nan' : n > 0 ? 'inf' : '-inf';
  return upper ? s.toUpperCase() : s;
}

function expDigits(e: string): string {
  // JS writes e+5; C writes e+05.
  return e.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** printf %e/%f/%g (and uppercase) of a finite or non-finite double, without width/flags except '#'. */
export function formatFloat(n: number, conv: 'e' | 'f' | 'g', precision: number, alt: boolean): string {
  if (!Number.isFinite(n)) return nonFinite(n, false);
  const neg = n < 0 || Object.is(n, -0);
  const a = Math.abs(n);
  let body: string;
  if (conv === 'e') body = expDigits(a.toExponential(precision));
  else if (conv === 'f') body = fixed(a, precision);
  else {
    const p = precision === 0 ? 1 : precision;
    const exp = a === 0 ? 0 : Number(a.toExponential(p - 1).split('e')[1]);
    if (exp < -4 || exp >= p) {
      body = a.toExponential(p - 1);
      if (!alt) body = body.replace(/\.?0+e/, 'e');
      body = expDigits(body);
    } else {
      body = fixed(a, p - 1 - exp);
      if (!alt && body.includes('.')) body = body.replace(/\.?0+$/, '');
    }
  }
  if (alt && !body.includes('.') && conv !== 'g') body = body.replace(/^(\d+)/, '$1.');
  return (neg ? '-' : '') + body;
}

function fixed(a: number, precision: number): string {
  if (a < 1e21) return a.toFixed(Math.min(precision, 100)) + (precision > 100 ? '0'.repeat(precision - 100) : '');
  const int = BigInt(a).toString();
  return precision > 0 ? `${int}.${'0'.repeat(precision)}` : int;
}

/** printf %a: hexadecimal floating point, as glibc prints it. */
export function formatHexFloat(n: number, upper: boolean, precision?: number): string {
  if (!Number.isFinite(n)) return nonFinite(n, upper);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? '-' : '';
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let lead = 1;
  let exp = biased - 1023;
  if (biased === 0) {
    if (mant === 0n) exp = 0;
    else exp = -1022;
    lead = 0;
  }
  let digits = mant.toString(16).padStart(13, '0');
  if (precision !== undefined) {
    if (precision < 13) {
      // Round to nearest, ties to even, on the hex digits.
      const shift = BigInt((13 - precision) * 4);
      const full = (BigInt(lead) << 52n) | mant;
      const half = 1n << (shift - 1n);
      let rounded = full >> shift;
      const rest = full & ((1n << shift) - 1n);
      if (rest > half || (rest === half && (rounded & 1n) === 1n)) rounded += 1n;
      lead = Number(rounded >> BigInt(precision * 4));
      mant = rounded & ((1n << BigInt(precision * 4)) - 1n);
      digits = precision > 0 ? mant.toString(16).padStart(precision, '0') : '';
    } else digits = digits.padEnd(precision, '0');
  } else digits = digits.replace(/0+$/, '');
  const text = `${sign}0x${lead}${digits ? '.' + digits : ''}p${exp >= 0 ? '+' : ''}${exp}`;
  return upper ? text.toUpperCase() : text;
}

interface Spec {
  flags: string;
  width: number;
  precision?: number;
  conv: string;
}

function pad(body: string, spec: Spec, numeric: boolean): string {
  if (body.length >= spec.width) return body;
  if (spec.flags.includes('-')) return body + ' '.repeat(spec.width - body.length);
  if (numeric && spec.flags.includes('0') && /^[-+ ]?(0[xX])?[0-9a-fA-F.]/.test(body) && !/(inf|nan)/i.test(body)) {
    const m = /^([-+ ]?(?:0[xX])?)(.*)$/.exec(body)!;
    return m[1] + '0'.repeat(spec.width - body.length) + m[2];
  }
  return ' '.repeat(spec.width - body.length) + body;
}

function signed(body: string, spec: Spec): string {
  if (body.startsWith('-')) return body;
  if (spec.flags.includes('+')) return '+' + body;
  if (spec.flags.includes(' ')) return ' ' + body;
  return body;
}

/** All the digits of an integer value, past 2^53 too (String(2 ** 60) would end in zeros). */
function integerText(v: number): string {
  return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
}

function checkInteger(L: LuaState, arg: number): number {
  const t = lua.lua_type(L, arg);
  if (t === T.NUMBER && !lua.lua_isinteger(L, arg)) {
    const v = lua.lua_tonumber(L, arg) as number;
    if (!Number.isInteger(v) || v < -(2 ** 63) || v >= 2 ** 63) return lauxlib.luaL_argerror(L, arg, lstr('number has no integer representation'));
    return v;
  }
  return lauxlib.luaL_checkinteger(L, arg) as number;
}

/** Lua 5.4's %q: a literal that reads back as the same value. */
function quoted(L: LuaState, arg: number): Uint8Array {
  const t = lua.lua_type(L, arg);
  if (t === T.STRING) {
    const s = lua.lua_tolstring(L, arg) as Uint8Array;
    const out: number[] = [34];
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c === 34 || c === 92 || c === 10) out.push(92, c);
      else if (c === 13) out.push(92, 114);
      else if (c < 32 || c === 127) {
        const next = s[i + 1];
        const digits = next !== undefined && next >= 48 && next <= 57 ? String(c).padStart(3, '0') : String(c);
        out.push(92, ...Buffer.from(digits, 'latin1'));
      } else out.push(c);
    }
    out.push(34);
    return Uint8Array.from(out);
  }
  if (t === T.NUMBER) {
    if (lua.lua_isinteger(L, arg)) {
      const v = lua.lua_tointeger(L, arg) as number;
      return toLuaString(v === -(2 ** 63) ? '0x8000000000000000' : integerText(v));
    }
    const v = lua.lua_tonumber(L, arg) as number;
    if (v === Infinity) return toLuaString('1e9999');
    if (v === -Infinity) return toLuaString('-1e9999');
    if (Number.isNaN(v)) return toLuaString('(0/0)');
    return toLuaString(formatHexFloat(v, false));
  }
  if (t === T.NIL) return toLuaString('nil');
  if (t === T.BOOLEAN) return toLuaString(lua.lua_toboolean(L, arg) ? 'true' : 'false');
  return lauxlib.luaL_argerror(L, arg, lstr('value has no literal form'));
}

const SPEC = /^([-+ #0]*)(\d*)(?:\.(\d*))?([a-zA-Z%]?)/;

/** string.format with C printf semantics for every conversion Lua 5.4 accepts. */
export function stringFormat(L: LuaState): number {
  const fmt = lauxlib.luaL_checklstring(L, 1) as Uint8Array;
  const top = lua.lua_gettop(L);
  const parts: Uint8Array[] = [];
  let arg = 1;
  let i = 0;
  let literalStart = 0;
  while (i < fmt.length) {
    if (fmt[i] !== 37) {
      i++;
      continue;
    }
    if (i > literalStart) parts.push(fmt.subarray(literalStart, i));
    if (fmt[i + 1] === 37) {
      parts.push(Uint8Array.of(37));
      i += 2;
      literalStart = i;
      continue;
    }
    const rest = Buffer.from(fmt.subarray(i + 1, i + 40)).toString('latin1');
    const m = SPEC.exec(rest)!;
    const whole = m[0];
    if (m[1].length > 5 || m[2].length > 2 || (m[3] ?? '').length > 2 || !m[4]) {
      return raise(L, `invalid conversion '%${whole}' to 'format'`);
    }
    const spec: Spec = { flags: m[1], width: m[2] ? Number(m[2]) : 0, precision: m[3] !== undefined ? Number(m[3] || '0') : undefined, conv: m[4] };
    i += 1 + whole.length;
    literalStart = i;
    if (++arg > top) return lauxlib.luaL_argerror(L, arg, lstr('no value'));
    let text: string | undefined;
    switch (spec.conv) {
      case 'c':
        parts.push(toLatin1(pad(String.fromCharCode(checkInteger(L, arg) & 0xff), spec, false)));
        continue;
      case 'd':
      case 'i': {
        const v = checkInteger(L, arg);
        let digits = integerText(Math.abs(v));
        if (spec.precision !== undefined) digits = spec.precision === 0 && v === 0 ? '' : digits.padStart(spec.precision, '0');
        text = pad(signed((v < 0 ? '-' : '') + digits, spec), spec.precision !== undefined ? { ...spec, flags: spec.flags.replace('0', '') } : spec, true);
        break;
      }
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        if (spec.conv === 'u') return raise(L, `invalid conversion '%${whole}' to 'format'`);
        const v = BigInt.asUintN(64, BigInt(checkInteger(L, arg)));
        let digits = v.toString(spec.conv === 'o' ? 8 : 16);
        if (spec.conv === 'X') digits = digits.toUpperCase();
        if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
        if (spec.flags.includes('#') && v !== 0n) digits = (spec.conv === 'o' ? '0' : spec.conv === 'x' ? '0x' : '0X') + digits;
        text = pad(digits, spec, true);
        break;
      }
      case 'a':
      case 'A':
        text = pad(signed(formatHexFloat(lauxlib.luaL_checknumber(L, arg) as number, spec.conv === 'A', spec.precision), spec), spec, true);
        break;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        const n = lauxlib.luaL_checknumber(L, arg) as number;
        const lower = spec.conv.toLowerCase() as 'e' | 'f' | 'g';
        let body = formatFloat(n, lower, spec.precision ?? 6, spec.flags.includes('#'));
        if (spec.conv !== lower) body = body.toUpperCase();
        text = pad(signed(body, spec), spec, true);
        break;
      }
      case 'q':
        if (whole !== 'q') return raise(L, "specifier '%q' cannot have modifiers");
        parts.push(quoted(L, arg));
        continue;
      case 's': {
        const s = lauxlib.luaL_tolstring(L, arg) as Uint8Array;
        lua.lua_pop(L, 1);
        let bytes = spec.precision !== undefined ? s.subarray(0, spec.precision) : s;
        if (bytes.length < spec.width) {
          const fill = new Uint8Array(spec.width - bytes.length).fill(32);
          bytes = spec.flags.includes('-') ? concat([bytes, fill]) : concat([fill, bytes]);
        }
        parts.push(bytes);
        continue;
      }
      default:
        return raise(L, `invalid conversion '%${whole}' to 'format'`);
    }
    parts.push(toLatin1(text));
  }
  if (fmt.length > literalStart) parts.push(fmt.subarray(literalStart));
  lua.lua_pushstring(L, concat(parts));
  return 1;
}

function toLatin1(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

let patched = false;

/**
 * Replaces fengari's float-to-string conversion (used by tostring, print, concatenation and lua_tolstring)
 * with Lua 5.4's, and string.format with the one above. The conversion patch is process-wide (fengari has
 * one module instance); string.format is set per state.
 */
export function installNumberFormatting(L: LuaState): void {
  if (!patched) {
    patched = true;
    const lobject = require('fengari/src/lobject.js');
    const lstring = require('fengari/src/lstring.js');
    const original = lobject.luaO_tostring;
    lobject.luaO_tostring = (L1: unknown, obj: { ttisinteger(): boolean; value: number; setsvalue(v: unknown): void }) => {
      if (obj.ttisinteger()) return original(L1, obj);
      obj.setsvalue(lstring.luaS_bless(L1, toLuaString(luaFloatToString(obj.value))));
    };
    // luaL_tolstring and error messages format floats through lua_pushfstring's %f: turn those into %s.
    const pushv = lobject.luaO_pushvfstring;
    lobject.luaO_pushvfstring = (L1: unknown, fmt: Uint8Array, argp: unknown[]) => {
      let copy: Uint8Array | undefined;
      for (let i = 0, a = 0; i < fmt.length - 1; i++) {
        if (fmt[i] !== 37) continue;
        const c = fmt[++i];
        if (c === 37) continue;
        if (c === 102) {
          copy ??= fmt.slice();
          copy[i] = 115;
          argp = argp === undefined ? argp : [...argp];
          argp[a] = toLuaString(luaFloatToString(argp[a] as number));
        }
        a++;
      }
      return pushv(L1, copy ?? fmt, argp);
    };
  }
  lua.lua_getglobal(L, lstr('string'));
  lua.lua_pushcfunction(L, stringFormat);
  lua.lua_setfield(L, -2, lstr('format'));
  lua.lua_pop(L, 1);
}

