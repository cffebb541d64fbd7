/**
 * kumo.string.wrap as kumod does it (crates/kumo-wrap `wrap_impl`, then mod-string's `trim_end`), on bytes:
 * words are split at ASCII whitespace (space, \t, \n, \f, \r; not \v); a word joins the current line when the
 * line plus the word is shorter than the soft limit (the separating space is not counted); a word longer than
 * the hard limit is cut every `hard` bytes; breaks are `\r\n\t`; then trailing Unicode whitespace is trimmed.
 */

const CRLF_TAB = [0x0d, 0x0a];

const isAsciiWhitespace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d;

/** Unicode White_Space (Rust's `char::is_whitespace`, what bstr's `trim_end` strips). */
function isUnicodeWhitespace(cp: number): boolean {
  return (cp >= 0x09 && cp <= 0x0d) || cp === 0x20 || cp === 0x85 || cp === 0xa0 || cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

/** The last UTF-8 character ending at `end`: its code point and start, or undefined when the bytes are not valid UTF-8. */
function lastChar(b: Uint8Array, end: number): { cp: number; start: number } | undefined {
  let start = end - 1;
  while (start > 0 && end - start < 4 && (b[start] & 0xc0) === 0x80) start--;
  const lead = b[start];
  const len = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
  if (len !== end - start) return undefined;
  let cp = len === 1 ? lead : lead & (0x7f >> len);
  for (let i = start + 1; i < end; i++) {
    if ((b[i] & 0xc0) !== 0x80) return undefined;
    cp = (cp << 6) | (b[i] & 0x3f);
  }
  const overlong = (len === 3 && cp < 0x800) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff));
  if (overlong || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return { cp, start };
}

/** bstr's `ByteSlice::trim_end`. */
export function trimEndUnicode(b: Uint8Array): Uint8Array {
  let end = b.length;
  while (end > 0) {
    const c = lastChar(b, end);
    if (!c || !isUnicodeWhitespace(c.cp)) break;
    end = c.start;
  }
  return b.subarray(0, end);
}

/** `kumo_wrap::wrap_impl(value, soft, hard)`, before the trim. */
export function wrapImpl(value: Uint8Array, soft: number, hard: number): Uint8Array {
  const result: number[] = [];
  let line: number[] = [];
  const emit = () => {
    if (result.length > 0) result.push(0x09);
    for (const c of line) result.push(c);
  };
  let i = 0;
  while (i <= value.length) {
    let j = i;
    while (j < value.length && !isAsciiWhitespace(value[j])) j++;
    const word = value.subarray(i, j);
    i = j + 1;
    if (word.length === 0) continue;
    if (line.length + word.length < soft) {
      if (line.length > 0) line.push(0x20);
      for (const c of word) line.push(c);
      continue;
    }
    if (line.length > 0) {
      emit();
      result.push(...CRLF_TAB);
      line = [];
    }
    if (word.length <= hard) {
      line = Array.from(word);
    } else {
      for (const c of word) {
        line.push(c);
        if (line.length >= hard) {
          emit();
          result.push(...CRLF_TAB);
          line = [];
        }
      }
    }
  }
  if (line.length > 0) emit();
  return Uint8Array.from(result);
}

/** kumo.string.wrap(text, soft_limit, hard_limit) on the bytes of the Lua string. */
export function kumoWrap(text: Uint8Array, soft = 75, hard = 900): Uint8Array {
  return trimEndUnicode(wrapImpl(text, soft, hard));
}
