/**
 * The lexer of the server's Lua 5.4 parser (lua-parser.ts). It keeps luaparse's token stream and error
 * behaviour (one token of lookahead, lexed when the previous one is consumed, and the same messages at the
 * same offsets), so the repair loop in parse.ts sees the failures it was written for. It is built for speed:
 * char codes only, no token objects (the current token, the lookahead and the previous token live in fields),
 * no line tracking (lines are only counted when an error message needs one), no string values (the server
 * decodes the few literals it reads from their raw text).
 */

/** Token kinds: literals, keywords (KEYWORD_FIRST..PUNCT_FIRST-1), punctuators (PUNCT_FIRST..). */
export const enum Tok {
  EOF = 0, Name, String, Number, True, False, Nil, Vararg,
  And = 10, Break, Do, Else, Elseif, End, For, Function, Goto, If, In, Local, Not, Or, Repeat, Return, Then, Until, While,
  Dot = 40, Concat, Assign, Eq, Gt, Shr, Ge, Lt, Shl, Le, Tilde, Ne, Colon, DoubleColon, LBracket, IDiv, Div,
  Amp, Pipe, Star, Caret, Percent, Comma, LBrace, RBrace, RBracket, LParen, RParen, Semi, Hash, Minus, Plus,
}
export const KEYWORD_FIRST = Tok.And;
export const PUNCT_FIRST = Tok.Dot;

/** A syntax error: `index` is the offset luaparse reports (the parse.ts repair loop works from it). */
export class LuaSyntaxError extends Error {
  constructor(readonly index: number, message: string, readonly line: number, readonly column: number) {
    super(message);
  }
}

/** luaparse's messages (its `errors` table), so repairs and tests keyed on wording keep working. */
export const MSG = {
  unexpected: (kind: string, text: string, near: string) => `unexpected ${kind} '${text}' near '${near}'`,
  unexpectedEOF: () => "unexpected symbol near '<eof>'",
  expected: (what: string, near: string) => `'${what}' expected near '${near}'`,
  expectedToken: (what: string, near: string) => `${what} expected near '${near}'`,
  unfinishedString: (near: string) => `unfinished string near '${near}'`,
  malformedNumber: (near: string) => `malformed number near '${near}'`,
  decimalEscapeTooLarge: (near: string) => `decimal escape too large near '${near}'`,
  invalidEscape: (near: string) => `invalid escape sequence near '${near}'`,
  hexadecimalDigitExpected: (near: string) => `hexadecimal digit expected near '${near}'`,
  braceExpected: (what: string, near: string) => `missing '${what}' near '${near}'`,
  tooLargeCodepoint: (near: string) => `UTF-8 value too large near '${near}'`,
  unfinishedLongString: (line: number, near: string) => `unfinished long string (starting at line ${line}) near '${near}'`,
  unfinishedLongComment: (line: number, near: string) => `unfinished long comment (starting at line ${line}) near '${near}'`,
  noLoopToBreak: (near: string) => `no loop to break near '${near}'`,
  labelAlreadyDefined: (name: string, line: number) => `label '${name}' already defined on line ${line}`,
  labelNotVisible: (name: string) => `no visible label '${name}' for <goto>`,
  gotoJumpInLocalScope: (name: string, local: string) => `<goto ${name}> jumps into the scope of local '${local}'`,
  cannotUseVararg: (near: string) => `cannot use '...' outside a vararg function near '${near}'`,
};

/** Keywords with a token kind each, in Tok order from Tok.And. */
const KEYWORDS = ['and', 'break', 'do', 'else', 'elseif', 'end', 'for', 'function', 'goto', 'if', 'in', 'local', 'not', 'or', 'repeat', 'return', 'then', 'until', 'while'];

/** Every reserved word of Lua 5.4: no name may be one (rename checks new names against it). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([...KEYWORDS, 'true', 'false', 'nil']);

/** Source text of every punctuator and keyword, by token kind (operators' `operator` field comes from here). */
export const TOKEN_TEXT: string[] = [];
{
  KEYWORDS.forEach((k, i) => (TOKEN_TEXT[Tok.And + i] = k));
  const punct = ['.', '..', '=', '==', '>', '>>', '>=', '<', '<<', '<=', '~', '~=', ':', '::', '[', '//', '/', '&', '|', '*', '^', '%', ',', '{', '}', ']', '(', ')', ';', '#', '-', '+'];
  punct.forEach((p, i) => (TOKEN_TEXT[Tok.Dot + i] = p));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

/** 1-based line and 0-based line start of an offset, counting `\r\n` and `\n\r` as one break (as luaparse does). */
export function lineAt(src: string, offset: number): { line: number; lineStart: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, src.length);
  for (let i = 0; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 10 || c === 13) {
      const d = src.charCodeAt(i + 1);
      if ((c === 10 && d === 13) || (c === 13 && d === 10)) i++;
      line++;
      lineStart = i + 1;
    }
  }
  return { line, lineStart };
}

/** Keyword (or true/false/nil) kind of `src[start, start+len)`, or Tok.Name. */
function keywordOf(s: string, a: number, len: number): Tok {
  const c0 = s.charCodeAt(a);
  switch (len) {
    case 2: {
      const c1 = s.charCodeAt(a + 1);
      if (c0 === 100 && c1 === 111) return Tok.Do; // do
      if (c0 === 105) return c1 === 102 ? Tok.If : c1 === 110 ? Tok.In : Tok.Name; // if in
      if (c0 === 111 && c1 === 114) return Tok.Or; // or
      return Tok.Name;
    }
    case 3:
      switch (c0) {
        case 97: return s.charCodeAt(a + 1) === 110 && s.charCodeAt(a + 2) === 100 ? Tok.And : Tok.Name; // and
        case 101: return s.charCodeAt(a + 1) === 110 && s.charCodeAt(a + 2) === 100 ? Tok.End : Tok.Name; // end
        case 102: return s.charCodeAt(a + 1) === 111 && s.charCodeAt(a + 2) === 114 ? Tok.For : Tok.Name; // for
        case 110: {
          const c1 = s.charCodeAt(a + 1);
          if (c1 === 111 && s.charCodeAt(a + 2) === 116) return Tok.Not; // not
          if (c1 === 105 && s.charCodeAt(a + 2) === 108) return Tok.Nil; // nil
          return Tok.Name;
        }
        default: return Tok.Name;
      }
    case 4:
      switch (c0) {
        case 101: return s.startsWith('else', a) ? Tok.Else : Tok.Name;
        case 116: return s.startsWith('then', a) ? Tok.Then : s.startsWith('true', a) ? Tok.True : Tok.Name;
        case 103: return s.startsWith('goto', a) ? Tok.Goto : Tok.Name;
        default: return Tok.Name;
      }
    case 5:
      switch (c0) {
        case 98: return s.startsWith('break', a) ? Tok.Break : Tok.Name;
        case 108: return s.startsWith('local', a) ? Tok.Local : Tok.Name;
        case 117: return s.startsWith('until', a) ? Tok.Until : Tok.Name;
        case 119: return s.startsWith('while', a) ? Tok.While : Tok.Name;
        case 102: return s.startsWith('false', a) ? Tok.False : Tok.Name;
        default: return Tok.Name;
      }
    case 6:
      switch (c0) {
        case 101: return s.startsWith('elseif', a) ? Tok.Elseif : Tok.Name;
        case 114: return s.startsWith('repeat', a) ? Tok.Repeat : s.startsWith('return', a) ? Tok.Return : Tok.Name;
        default: return Tok.Name;
      }
    case 8:
      return c0 === 102 && s.startsWith('function', a) ? Tok.Function : Tok.Name;
    default:
      return Tok.Name;
  }
}

export class Lexer {
  protected src = '';
  protected len = 0;
  /** Where lexing continues (just after the lookahead token). */
  protected pos = 0;
  /** Offset of the next `\r` at or after some earlier position (line comments end at `\n` or `\r`). */
  private nextCR = -1;

  /** The current token: kind, range, numeric value. */
  protected tok: Tok = Tok.EOF;
  protected tStart = 0;
  protected tEnd = 0;
  protected tNum = 0;
  /** The lookahead token. */
  protected la: Tok = Tok.EOF;
  protected lStart = 0;
  protected lEnd = 0;
  protected lNum = 0;
  /** The previous token's range (node ends are the end of the last token consumed). */
  protected prevStart = 0;
  protected prevEnd = 0;
  /** False until the first token became current (error messages near "the current token"). */
  protected hasToken = false;

  protected reset(src: string): void {
    this.src = src;
    this.len = src.length;
    this.pos = 0;
    this.nextCR = -1;
    this.hasToken = false;
    this.tok = this.la = Tok.EOF;
    this.tStart = this.tEnd = this.lStart = this.lEnd = this.prevStart = this.prevEnd = 0;
    // A first line starting with `#!` is skipped (luaparse blanks it).
    if (src.charCodeAt(0) === 35 && src.charCodeAt(1) === 33) {
      let p = 2;
      while (p < this.len) {
        const c = src.charCodeAt(p);
        if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) break;
        p++;
      }
      this.pos = p;
    }
  }

  /** Makes the lookahead current and lexes the next lookahead. */
  protected next(): void {
    this.prevStart = this.tStart;
    this.prevEnd = this.tEnd;
    this.tok = this.la;
    this.tStart = this.lStart;
    this.tEnd = this.lEnd;
    this.tNum = this.lNum;
    this.hasToken = true;
    this.lex();
  }

  /** Token tests as calls, so TypeScript does not narrow `tok` across `next()`. */
  protected is(t: Tok): boolean {
    return this.tok === t;
  }

  protected cur(): Tok {
    return this.tok;
  }

  // ---- errors ----

  protected error(index: number, message: string): never {
    const { line, lineStart } = lineAt(this.src, index);
    throw new LuaSyntaxError(index, message, line, index - lineStart);
  }

  /** The current token's text, as luaparse quotes it in messages (`<eof>` at the end). */
  protected tokText(): string {
    return this.tok === Tok.EOF ? '<eof>' : this.src.slice(this.tStart, this.tEnd);
  }

  protected laText(): string {
    return this.la === Tok.EOF ? '<eof>' : this.src.slice(this.lStart, this.lEnd);
  }

  // ---- lexing ----

  /** Lexes one token into the lookahead fields. */
  protected lex(): void {
    const s = this.src;
    const n = this.len;
    let p = this.pos;
    let c = 0;
    for (;;) {
      c = p < n ? s.charCodeAt(p) : -1;
      while (c === 32 || c === 10 || c === 9 || c === 13 || c === 11 || c === 12) c = ++p < n ? s.charCodeAt(p) : -1;
      if (c === 45 && s.charCodeAt(p + 1) === 45) {
        p = this.skipComment(p);
        continue;
      }
      break;
    }
    this.lStart = p;
    if (p >= n) {
      this.pos = this.lEnd = p;
      this.la = Tok.EOF;
      return;
    }
    if (isIdentStart(c)) {
      let e = p + 1;
      while (e < n && isIdentPart(s.charCodeAt(e))) e++;
      const len = e - p;
      this.la = len >= 2 && len <= 8 ? keywordOf(s, p, len) : Tok.Name;
      this.pos = this.lEnd = e;
      return;
    }
    const d = s.charCodeAt(p + 1);
    let t: Tok;
    let w = 1;
    switch (c) {
      case 39: case 34: // ' "
        this.pos = this.lEnd = this.scanString(p, c);
        this.la = Tok.String;
        return;
      case 48: case 49: case 50: case 51: case 52: case 53: case 54: case 55: case 56: case 57:
        this.pos = this.lEnd = this.scanNumber(p);
        this.la = Tok.Number;
        return;
      case 46: // .
        if (isDigit(d)) {
          this.pos = this.lEnd = this.scanNumber(p);
          this.la = Tok.Number;
          return;
        }
        if (d === 46) {
          if (s.charCodeAt(p + 2) === 46) {
            t = Tok.Vararg;
            w = 3;
          } else {
            t = Tok.Concat;
            w = 2;
          }
        } else t = Tok.Dot;
        break;
      case 61: // =
        if (d === 61) (t = Tok.Eq), (w = 2);
        else t = Tok.Assign;
        break;
      case 62: // >
        if (d === 62) (t = Tok.Shr), (w = 2);
        else if (d === 61) (t = Tok.Ge), (w = 2);
        else t = Tok.Gt;
        break;
      case 60: // <
        if (d === 60) (t = Tok.Shl), (w = 2);
        else if (d === 61) (t = Tok.Le), (w = 2);
        else t = Tok.Lt;
        break;
      case 126: // ~
        if (d === 61) (t = Tok.Ne), (w = 2);
        else t = Tok.Tilde;
        break;
      case 58: // :
        if (d === 58) (t = Tok.DoubleColon), (w = 2);
        else t = Tok.Colon;
        break;
      case 91: // [
        if (d === 91 || d === 61) {
          this.pos = this.lEnd = this.scanLongString(p);
          this.la = Tok.String;
          return;
        }
        t = Tok.LBracket;
        break;
      case 47: // /
        if (d === 47) (t = Tok.IDiv), (w = 2);
        else t = Tok.Div;
        break;
      case 38: t = Tok.Amp; break;
      case 124: t = Tok.Pipe; break;
      case 42: t = Tok.Star; break;
      case 94: t = Tok.Caret; break;
      case 37: t = Tok.Percent; break;
      case 44: t = Tok.Comma; break;
      case 123: t = Tok.LBrace; break;
      case 125: t = Tok.RBrace; break;
      case 93: t = Tok.RBracket; break;
      case 40: t = Tok.LParen; break;
      case 41: t = Tok.RParen; break;
      case 59: t = Tok.Semi; break;
      case 35: t = Tok.Hash; break;
      case 45: t = Tok.Minus; break;
      case 43: t = Tok.Plus; break;
      default: {
        // luaparse: unexpected symbol 'c' near <the current token> (the lookahead being replaced).
        const ch = s.charAt(p);
        this.error(p, MSG.unexpected('symbol', ch, this.hasToken ? this.tokText() : ch));
      }
    }
    this.la = t;
    this.pos = this.lEnd = p + w;
  }

  /** Skips a `--` comment starting at `p`; returns the offset after it. */
  private skipComment(p: number): number {
    const s = this.src;
    p += 2;
    if (s.charCodeAt(p) === 91) {
      const end = this.longBracketEnd(p, true);
      if (end >= 0) return end;
    }
    // A line comment ends before the next `\n` or `\r`.
    let e = s.indexOf('\n', p);
    if (e < 0) e = this.len;
    if (this.nextCR < p && this.nextCR !== Infinity) {
      const r = s.indexOf('\r', p);
      this.nextCR = r < 0 ? Infinity : r;
    }
    return this.nextCR < e ? this.nextCR : e;
  }

  /**
   * A long bracket (`[[`, `[==[`) at `p`: the offset after its closing bracket, or -1 when `p` does not open
   * one. An unclosed one is an error.
   */
  private longBracketEnd(p: number, comment: boolean): number {
    const s = this.src;
    let q = p + 1;
    while (s.charCodeAt(q) === 61) q++;
    if (s.charCodeAt(q) !== 91) return -1;
    const level = q - p - 1;
    for (let i = s.indexOf(']', q + 1); i >= 0; i = s.indexOf(']', i + 1)) {
      let k = 0;
      while (k < level && s.charCodeAt(i + 1 + k) === 61) k++;
      if (k === level && s.charCodeAt(i + 1 + level) === 93) return i + level + 2;
    }
    const line = lineAt(s, p).line;
    return this.error(this.len, comment ? MSG.unfinishedLongComment(line, '<eof>') : MSG.unfinishedLongString(line, '<eof>'));
  }

  private scanLongString(p: number): number {
    const end = this.longBracketEnd(p, false);
    if (end >= 0) return end;
    // `[=` without a second `[`: luaparse reports it at the current token.
    if (this.hasToken) this.error(this.tStart, MSG.expected('[', this.tokText()));
    return this.error(p, MSG.expected('[', this.src.slice(p, p + 2)));
  }

  /** A quoted string starting at `p`; escapes are validated as luaparse (Lua 5.3 rules) does. */
  private scanString(p: number, quote: number): number {
    const s = this.src;
    const n = this.len;
    const start = p;
    p++;
    for (;;) {
      const c = p < n ? s.charCodeAt(p) : -1;
      p++;
      if (c === quote) return p;
      if (p > n || c === 10 || c === 13) this.error(p, MSG.unfinishedString(s.slice(start, p - 1)));
      if (c === 92) p = this.escape(p);
    }
  }

  /** Validates the escape after a backslash (`p` is just past it); returns the offset after the escape. */
  private escape(p: number): number {
    const s = this.src;
    const c = s.charCodeAt(p);
    switch (c) {
      case 97: case 110: case 114: case 116: case 118: case 98: case 102: // a n r t v b f
      case 92: case 34: case 39: // \ " '
        return p + 1;
      case 13: case 10: { // backslash-newline: one line break (\r\n or \n\r counts once)
        const d = s.charCodeAt(p + 1);
        return (c === 10 && d === 13) || (c === 13 && d === 10) ? p + 2 : p + 1;
      }
      case 122: { // \z skips whitespace, line breaks included
        p++;
        for (;;) {
          const d = s.charCodeAt(p);
          if (d === 32 || d === 9 || d === 11 || d === 12 || d === 10 || d === 13) p++;
          else return p;
        }
      }
      case 120: // \xXX
        if (isHexDigit(s.charCodeAt(p + 1)) && isHexDigit(s.charCodeAt(p + 2))) return p + 3;
        return this.error(p, MSG.hexadecimalDigitExpected(`\\${s.slice(p, p + 2)}`));
      case 117: // \u{XXX}
        return this.unicodeEscape(p);
      default:
        if (isDigit(c)) {
          const seq = p;
          while (isDigit(s.charCodeAt(p)) && p - seq < 3) p++;
          const ddd = parseInt(s.slice(seq, p), 10);
          if (ddd > 255) this.error(p, MSG.decimalEscapeTooLarge(`\\${ddd}`));
          return p;
        }
        return this.error(p, MSG.invalidEscape(`\\${s.slice(p, p + 1)}`));
    }
  }

  private unicodeEscape(p: number): number {
    const s = this.src;
    const seq = p++;
    if (s.charCodeAt(p++) !== 123) this.error(p, MSG.braceExpected('{', `\\${s.slice(seq, p)}`));
    if (!isHexDigit(s.charCodeAt(p))) this.error(p, MSG.hexadecimalDigitExpected(`\\${s.slice(seq, p)}`));
    while (s.charCodeAt(p) === 48) p++;
    const escStart = p;
    while (isHexDigit(s.charCodeAt(p))) {
      p++;
      if (p - escStart > 6) this.error(p, MSG.tooLargeCodepoint(`\\${s.slice(seq, p)}`));
    }
    const b = s.charAt(p++);
    if (b !== '}') {
      // luaparse reports a quote here at the quote itself.
      if (b === '"' || b === "'") this.error(p - 1, MSG.braceExpected('}', `\\${s.slice(seq, p)}`));
      else this.error(p, MSG.hexadecimalDigitExpected(`\\${s.slice(seq, p)}`));
    }
    const codepoint = parseInt(s.slice(escStart, p - 1) || '0', 16);
    if (codepoint > 0x10ffff) this.error(p, MSG.tooLargeCodepoint(`\\${s.slice(seq, p)}`));
    return p;
  }

  /** A numeral starting at `p` (its value goes to lNum); returns the offset after it. */
  private scanNumber(p: number): number {
    const s = this.src;
    const start = p;
    const c1 = s.charCodeAt(p + 1);
    if (s.charCodeAt(p) === 48 && (c1 === 120 || c1 === 88)) {
      // Hexadecimal, with optional fraction and binary exponent (computed as luaparse does).
      p += 2;
      const digitStart = p;
      if (!isHexDigit(s.charCodeAt(p))) this.error(p, MSG.malformedNumber(s.slice(start, p)));
      while (isHexDigit(s.charCodeAt(p))) p++;
      const digit = parseInt(s.slice(digitStart, p), 16);
      let fraction = 0;
      let exponent = 1;
      if (s.charCodeAt(p) === 46) {
        const fractionStart = ++p;
        while (isHexDigit(s.charCodeAt(p))) p++;
        fraction = fractionStart === p ? 0 : parseInt(s.slice(fractionStart, p), 16) / Math.pow(16, p - fractionStart);
      }
      const e = s.charCodeAt(p);
      if (e === 112 || e === 80) {
        p++;
        let sign = 1;
        const sc = s.charCodeAt(p);
        if (sc === 43 || sc === 45) {
          sign = sc === 43 ? 1 : -1;
          p++;
        }
        const expStart = p;
        if (!isDigit(s.charCodeAt(p))) this.error(p, MSG.malformedNumber(s.slice(start, p)));
        while (isDigit(s.charCodeAt(p))) p++;
        exponent = Math.pow(2, Number(s.slice(expStart, p)) * sign);
      }
      this.lNum = (digit + fraction) * exponent;
      return p;
    }
    while (isDigit(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) === 46) {
      p++;
      while (isDigit(s.charCodeAt(p))) p++;
    }
    const e = s.charCodeAt(p);
    if (e === 101 || e === 69) {
      p++;
      const sc = s.charCodeAt(p);
      if (sc === 43 || sc === 45) p++;
      if (!isDigit(s.charCodeAt(p))) this.error(p, MSG.malformedNumber(s.slice(start, p)));
      while (isDigit(s.charCodeAt(p))) p++;
    }
    this.lNum = parseFloat(s.slice(start, p));
    return p;
  }
}
