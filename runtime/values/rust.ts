/**
 * Small re-implementations of Rust standard-library behaviour that kumod's parsers lean on:
 * integer `FromStr`, `char::is_whitespace`, UTF-8 byte offsets (Rust error messages count bytes).
 */

export const U64_MAX = (1n << 64n) - 1n;
export const U32_MAX = (1n << 32n) - 1n;
export const U16_MAX = 65535n;
export const U8_MAX = 255n;

/** Why `str::parse::<uN>()` failed, with the text Rust's `ParseIntError` displays. */
export type IntErrorKind = 'empty' | 'invalid-digit' | 'overflow';

export const INT_ERROR_TEXT: Record<IntErrorKind, string> = {
  empty: 'cannot parse integer from empty string',
  'invalid-digit': 'invalid digit found in string',
  overflow: 'number too large to fit in target type',
};

export type UIntParse =
  | { ok: true; value: bigint }
  | { ok: false; kind: IntErrorKind; message: string; /** index (UTF-16) of the offending char, if any */ at?: number };

/**
 * Rust's `<uN as FromStr>::from_str` (radix 10): an optional single leading `+`, then ASCII digits
 * only. Digits are checked one at a time, so in `99999999999999999999x` the overflow is reported
 * before the bad digit, exactly as Rust does.
 */
export function parseRustUnsigned(s: string, max: bigint): UIntParse {
  if (s.length === 0) return { ok: false, kind: 'empty', message: INT_ERROR_TEXT.empty };
  let i = 0;
  if (s[0] === '+' || s[0] === '-') {
    if (s.length === 1) return { ok: false, kind: 'invalid-digit', message: INT_ERROR_TEXT['invalid-digit'], at: 0 };
    // A leading '-' is not a sign for unsigned types: it is simply an invalid digit.
    if (s[0] === '+') i = 1;
  }
  let value = 0n;
  for (; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 48 || code > 57) return { ok: false, kind: 'invalid-digit', message: INT_ERROR_TEXT['invalid-digit'], at: i };
    value = value * 10n + BigInt(code - 48);
    if (value > max) return { ok: false, kind: 'overflow', message: INT_ERROR_TEXT.overflow, at: i };
  }
  return { ok: true, value };
}

/** Rust's `char::is_whitespace` (the Unicode White_Space property). Differs from JS `\s` (U+0085 yes, U+FEFF no). */
export function isRustWhitespace(cp: number): boolean {
  return (
    (cp >= 0x09 && cp <= 0x0d) ||
    cp === 0x20 ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** One Unicode scalar of a JS string with its UTF-16 and UTF-8 start offsets. */
export interface CharPos {
  ch: string;
  cp: number;
  /** UTF-16 offset (what ValueError spans use). */
  u16: number;
  /** UTF-8 byte offset (what Rust error messages print). */
  byte: number;
}

/** Splits a string into scalars; `chars[chars.length]` positions are given by `endU16`/`endByte`. */
export function scalars(s: string): { chars: CharPos[]; endU16: number; endByte: number } {
  const chars: CharPos[] = [];
  let u16 = 0;
  let byte = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    chars.push({ ch, cp, u16, byte });
    u16 += ch.length;
    byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return { chars, endU16: u16, endByte: byte };
}

/** Rust's `{:?}` for a string: double quotes with escapes. Enough for error texts. */
export function rustDebugString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp === 0) out += '\\0';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

/** Bigint to number, exact when it fits in 2^53. */
export function toNumber(v: bigint): number {
  return Number(v);
}

export function isSafe(v: bigint): boolean {
  return v <= BigInt(Number.MAX_SAFE_INTEGER);
}

/**
 * Whether a JS number can be a Lua 5.4 integer: integral and within i64. Callers that know the
 * literal's Lua subtype (`10` vs `10.0`) should say so explicitly instead.
 */
export function isLuaInteger(v: number): boolean {
  return Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63;
}
