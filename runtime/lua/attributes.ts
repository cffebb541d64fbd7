/**
 * Lua 5.4 local attributes (`local x <const> = 1`, `local f <close> = io.open(p)`) for front ends that only
 * know Lua 5.3 (luaparse, fengari). The attribute text is blanked out with spaces, so every other character
 * keeps its offset, line and column; what was removed is returned beside the code.
 */

export type AttributeKind = 'const' | 'close';

export interface LocalAttribute {
  /** The local's name, and the offset of its first character in the source. */
  name: string;
  nameOffset: number;
  kind: AttributeKind | string;
  /** Span of the whole `<...>` text that was blanked. */
  start: number;
  end: number;
}

export interface StrippedSource {
  code: string;
  attributes: LocalAttribute[];
}

/** Character classes by code unit, cheaper than a RegExp test per character. */
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Every attribute is `<name>`: sources without that shape need no scan. */
const MAYBE_ATTRIBUTE = /<\s*[A-Za-z_][A-Za-z0-9_]*\s*>/;

/** Blanks `<attrib>` after names declared by `local`; unknown attribute names are kept in the list for diagnostics. */
export function stripAttributes(source: string): StrippedSource {
  const attributes: LocalAttribute[] = [];
  if (!MAYBE_ATTRIBUTE.test(source)) return { code: source, attributes };
  let chars: string[] | undefined;
  const scan = new Scanner(source);
  let token = scan.next();
  while (token) {
    if (token.text === 'local') {
      // local NAME [attrib] {, NAME [attrib]}  -- but not `local function`.
      let name = scan.next();
      while (name && name.kind === 'name' && name.text !== 'function') {
        let after = scan.next();
        if (after && after.text === '<') {
          const attr = scan.next();
          const close = attr && attr.kind === 'name' ? scan.next() : undefined;
          if (attr && close && close.text === '>') {
            attributes.push({ name: name.text, nameOffset: name.start, kind: attr.text, start: after.start, end: close.end });
            chars ??= source.split(''); // UTF-16 code units, so offsets match the string's
            blank(chars, after.start, close.end);
            after = scan.next();
          } else {
            token = close ?? attr;
            break;
          }
        }
        if (!after || after.text !== ',') {
          token = after;
          break;
        }
        name = scan.next();
        token = name;
      }
      if (!name || name.kind !== 'name' || name.text === 'function') token = scan.next();
      continue;
    }
    token = scan.next();
  }
  return { code: chars ? chars.join('') : source, attributes };
}

/** Replaces the UTF-16 range [start, end) with spaces, keeping line breaks so lines and columns stay put. */
function blank(units: string[], start: number, end: number): void {
  for (let i = start; i < end; i++) if (units[i] !== '\n' && units[i] !== '\r') units[i] = ' ';
}

interface Token {
  kind: 'name' | 'punct';
  text: string;
  start: number;
  end: number;
}

/** Just enough of a Lua lexer to find names and punctuation outside strings and comments. */
class Scanner {
  private pos = 0;
  constructor(private readonly src: string) {}

  next(): Token | undefined {
    const s = this.src;
    for (;;) {
      while (this.pos < s.length && isSpace(s.charCodeAt(this.pos))) this.pos++;
      if (this.pos >= s.length) return undefined;
      const c = s[this.pos];
      if (c === '-' && s[this.pos + 1] === '-') {
        this.pos += 2;
        const level = this.longBracketLevel(this.pos);
        if (level >= 0) this.skipLongBracket(level);
        else while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c === '"' || c === "'") {
        this.skipQuoted(c);
        continue;
      }
      if (c === '[') {
        const level = this.longBracketLevel(this.pos);
        if (level >= 0) {
          this.skipLongBracket(level);
          continue;
        }
      }
      const start = this.pos;
      const code = s.charCodeAt(this.pos);
      if (isIdentStart(code)) {
        while (this.pos < s.length && isIdentPart(s.charCodeAt(this.pos))) this.pos++;
        return { kind: 'name', text: s.slice(start, this.pos), start, end: this.pos };
      }
      if (isDigit(code) || (c === '.' && isDigit(s.charCodeAt(this.pos + 1)))) {
        // Numbers, including hex, exponents and fractions; only their extent matters here.
        this.pos++;
        while (this.pos < s.length && (isIdentPart(s.charCodeAt(this.pos)) || s[this.pos] === '.')) {
          if ((s[this.pos] === 'e' || s[this.pos] === 'E' || s[this.pos] === 'p' || s[this.pos] === 'P') && /[+-]/.test(s[this.pos + 1] ?? '')) this.pos++;
          this.pos++;
        }
        continue;
      }
      this.pos++;
      return { kind: 'punct', text: c, start, end: this.pos };
    }
  }

  /** At `[` followed by `=`* and `[`, the number of `=`; otherwise -1. */
  private longBracketLevel(at: number): number {
    const s = this.src;
    if (s[at] !== '[') return -1;
    let i = at + 1;
    while (s[i] === '=') i++;
    return s[i] === '[' ? i - at - 1 : -1;
  }

  private skipLongBracket(level: number): void {
    const close = ']' + '='.repeat(level) + ']';
    const end = this.src.indexOf(close, this.pos + level + 2);
    this.pos = end < 0 ? this.src.length : end + close.length;
  }

  private skipQuoted(quote: string): void {
    const s = this.src;
    this.pos++;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (c === quote || c === '\n') return;
    }
  }
}
