import type * as luaparse from 'luaparse';
import type { LocalAttribute } from '../../runtime/lua/attributes';
import { LuaSyntaxError, parseLua54, type LuaChunk } from './lua-parser';

/** luaparse's tree with ranges (lua-parser.ts produces the same); this is the shape the analysis walks. */
export type Node = luaparse.Node & { range: [number, number] };

export interface SyntaxProblem {
  message: string;
  start: number;
  end: number;
}

export interface ParsedChunk {
  /** The AST, with ranges mapped back onto the original text; undefined when nothing could be recovered. */
  ast?: luaparse.Chunk;
  /** The first syntax error (later ones are usually consequences of it). */
  errors: SyntaxProblem[];
  attributes: LocalAttribute[];
  /** True when the AST came from a repaired copy of the text. */
  recovered: boolean;
  /** Original offsets where the repair inserted text (placeholder names, closers). */
  insertions: number[];
}

interface ParseFailure {
  index: number;
  message: string;
}

/** One strict parse: Lua 5.4 (attributes included) by lua-parser.ts, which fails where luaparse would. */
function tryParse(code: string): LuaChunk | ParseFailure {
  try {
    return parseLua54(code);
  } catch (e) {
    if (!(e instanceof LuaSyntaxError)) throw e;
    return { index: e.index, message: e.message };
  }
}

/** Insertions made while repairing, in original-text coordinates, so ranges can be mapped back. */
class Patched {
  readonly inserts: Array<{ at: number; len: number }> = [];
  constructor(public code: string) {}

  /** Original offset of a position in the patched text. */
  toOriginal(n: number): number {
    let shift = 0;
    for (const ins of this.inserts) {
      const newAt = ins.at + shift;
      if (n < newAt) return n - shift;
      if (n < newAt + ins.len) return ins.at;
      shift += ins.len;
    }
    return n - shift;
  }

  insert(patchedOffset: number, text: string): void {
    const orig = this.toOriginal(patchedOffset);
    this.code = this.code.slice(0, patchedOffset) + text + this.code.slice(patchedOffset);
    this.inserts.push({ at: orig, len: text.length });
    this.inserts.sort((a, b) => a.at - b.at);
  }

  blank(start: number, end: number): void {
    let s = '';
    for (let i = start; i < end; i++) s += this.code[i] === '\n' || this.code[i] === '\r' ? this.code[i] : ' ';
    this.code = this.code.slice(0, start) + s + this.code.slice(end);
  }
}

/** The extent of the token starting at `index` (for the error range), at least one character. */
function tokenEnd(text: string, index: number): number {
  if (index >= text.length) return index;
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|\S)/.exec(text.slice(index, index + 200));
  return index + (m ? m[0].length : 1);
}

/** Lua 5.4 parse that keeps going: up to a few repairs of the first errors. */
export function parseLua(source: string): ParsedChunk {
  const first = tryParse(source);
  if (!isFailure(first)) return { ast: first.ast, errors: [], attributes: first.attributes, recovered: false, insertions: [] };

  const errorStart = Math.min(first.index, source.length);
  const errors: SyntaxProblem[] = [{ message: first.message, start: errorStart, end: Math.max(errorStart, tokenEnd(source, errorStart)) }];
  const patch = new Patched(source);
  let failure: ParseFailure = first;
  for (let attempt = 0; attempt < 40; attempt++) {
    repair(patch, failure);
    const result = tryParse(patch.code);
    if (!isFailure(result)) {
      mapRanges(result.ast, patch);
      const attributes = result.attributes.map((a) => ({ ...a, nameOffset: patch.toOriginal(a.nameOffset), start: patch.toOriginal(a.start), end: patch.toOriginal(a.end) }));
      return { ast: result.ast, errors, attributes, recovered: true, insertions: patch.inserts.map((i) => i.at) };
    }
    failure = result;
  }
  return { errors, attributes: [], recovered: true, insertions: [] };
}

function isFailure(r: LuaChunk | ParseFailure): r is ParseFailure {
  return (r as LuaChunk).ast === undefined;
}

/** One repair step at the failure point: insert what was expected, or fill a dangling `.`/`=`, or drop the line. */
function repair(patch: Patched, failure: ParseFailure): void {
  const code = patch.code;
  const at = Math.min(failure.index, code.length);
  const before = code.slice(0, at).replace(/\s+$/, '');
  const expected = /'([^']+)' expected/.exec(failure.message)?.[1];
  const atEof = at >= code.length || /^\s*$/.test(code.slice(at));
  const unfinished = /unfinished string/.exec(failure.message);
  if (unfinished) {
    let lineEnd = code.indexOf('\n', at);
    if (lineEnd < 0) lineEnd = code.length;
    const quote = code[at] === '"' || code[at] === "'" ? code[at] : "'";
    patch.insert(lineEnd, quote);
    return;
  }
  if (/[.:]$/.test(before) && !/\.\.$/.test(before)) {
    patch.insert(before.length, before.endsWith(':') ? '__()' : '__');
    return;
  }
  if (/(?:[=,(+\-*/%^<>~&|]|\.\.|\band|\bor|\bnot|\breturn|\blocal)$/.test(before) && !expected) {
    patch.insert(before.length, ' nil ');
    return;
  }
  if (expected && ['end', '}', ')', ']', 'then', 'do', 'until'].includes(expected) && (atEof || expected !== 'end')) {
    patch.insert(at, ` ${expected === 'until' ? 'until true' : expected} `);
    return;
  }
  if (expected === '=' || expected === 'in') {
    patch.insert(at, expected === '=' ? ' = nil ' : ' in pairs({}) ');
    return;
  }
  // Drop the rest of the offending line (or the whole line when the error is at its start).
  const lineStart = code.lastIndexOf('\n', at - 1) + 1;
  let lineEnd = code.indexOf('\n', at);
  if (lineEnd < 0) lineEnd = code.length;
  const from = /^\s*$/.test(code.slice(lineStart, at)) ? lineStart : at;
  if (from === lineEnd || /^\s*$/.test(code.slice(from, lineEnd))) {
    // Nothing left to drop on this line: close the innermost block instead.
    patch.insert(at, ' end ');
    return;
  }
  patch.blank(from, lineEnd);
}

function mapRanges(node: unknown, patch: Patched): void {
  if (!patch.inserts.length) return;
  const seen = new Set<unknown>();
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object' || seen.has(n)) return;
    seen.add(n);
    if (Array.isArray(n)) {
      for (const c of n) visit(c);
      return;
    }
    const rec = n as Record<string, unknown>;
    const r = rec.range as [number, number] | undefined;
    if (r) rec.range = [patch.toOriginal(r[0]), patch.toOriginal(r[1])];
    for (const k in rec) if (k !== 'range') visit(rec[k]);
  };
  visit(node);
}

/** The value of a Lua string literal from its source text (escapes decoded; good enough for names and values). */
export function stringValue(raw: string): string {
  if (raw[0] !== '[') {
    const body = raw.slice(1, -1);
    if (!body.includes('\\')) return body;
  }
  const long = /^\[(=*)\[\n?([\s\S]*)\]\1\]$/.exec(raw);
  if (long) return long[2];
  const body = raw.slice(1, -1);
  if (!body.includes('\\')) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|\d{1,3}|u\{[0-9a-fA-F]+\}|z\s*|[\s\S])/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case 'x': return String.fromCharCode(parseInt(e.slice(1), 16));
      case 'u': return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
      case 'z': return '';
      case '\n': return '\n';
      default: return /\d/.test(e[0]) ? String.fromCharCode(parseInt(e, 10)) : e;
    }
  });
}

/** One top-level piece of a file, parsed on its own; its AST ranges are relative to `start`. */
export interface ParsedSegment {
  start: number;
  end: number;
  text: string;
  chunk: ParsedChunk;
}

/** Parsed pieces by their text, reused while the user edits elsewhere (null: the text alone does not parse). */
export type ParseCache = Map<string, ParsedChunk | null>;

/** A top-level statement starting in column 0; `end`, `else`, ... never start one. */
const TOP_LEVEL = /^(?!(?:end|else|elseif|until|then|and|or|not|in)\b)(?:(?:local|function|return|if|for|while|do|repeat|goto)\b|::|[A-Za-z_]\w*\s*(?:[.:(=[,'"{]|\r?$))/gm;
const MAX_MERGE = 8;

function strictParse(text: string): ParsedChunk | null {
  const r = tryParse(text);
  return isFailure(r) ? null : { ast: r.ast, errors: [], attributes: r.attributes, recovered: false, insertions: [] };
}

/**
 * Splits at top-level statements in column 0 and parses each piece, reusing pieces whose text did not change.
 * A piece that does not parse alone is merged with the following ones (a split inside a long string or an
 * unindented block); if that does not help either, it is parsed alone with repairs, so an error while typing
 * stays local to its statement.
 */
export function parseSegments(source: string, cache?: ParseCache, used?: ParseCache): ParsedSegment[] {
  if (!cache) {
    // One-off analyses (CLI) gain nothing from pieces: a file that parses is one segment.
    const whole = strictParse(source);
    if (whole) return [{ start: 0, end: source.length, text: source, chunk: whole }];
  }
  // Long strings and comments (`--[[ ... ]]`) often hold code in column 0: no boundary inside them.
  const skip: Array<[number, number]> = [];
  for (let i = source.indexOf('['); i >= 0; ) {
    const m = /^\[(=*)\[/.exec(source.slice(i, i + 64));
    if (m) {
      const close = source.indexOf(`]${m[1]}]`, i + m[0].length);
      const end = close < 0 ? source.length : close + m[1].length + 2;
      skip.push([i, end]);
      i = source.indexOf('[', end);
    } else i = source.indexOf('[', i + 1);
  }
  const bounds = [0];
  let k = 0;
  for (const m of source.matchAll(TOP_LEVEL)) {
    const at = m.index!;
    while (k < skip.length && skip[k][1] <= at) k++;
    if (at > 0 && !(k < skip.length && skip[k][0] < at && at < skip[k][1])) bounds.push(at);
  }
  bounds.push(source.length);
  const get = (text: string, tolerant: boolean): ParsedChunk | null => {
    const key = tolerant ? `\u0001${text}` : text;
    let r = cache?.get(key);
    if (r === undefined) r = tolerant ? parseLua(text) : strictParse(text);
    used?.set(key, r);
    return r;
  };
  const out: ParsedSegment[] = [];
  let i = 0;
  while (i < bounds.length - 1) {
    const start = bounds[i];
    let done = false;
    for (let k = 1; k <= MAX_MERGE && i + k < bounds.length; k++) {
      const end = bounds[i + k];
      const text = source.slice(start, end);
      const chunk = get(text, false);
      if (chunk) {
        out.push({ start, end, text, chunk });
        i += k;
        done = true;
        break;
      }
    }
    if (!done) {
      const end = bounds[i + 1];
      const text = source.slice(start, end);
      out.push({ start, end, text, chunk: get(text, true)! });
      i += 1;
    }
  }
  return out;
}
