import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as luaparse from 'luaparse';
import { stripAttributes } from '../../runtime/lua/attributes';
import { largePolicy } from '../../test/lsp/large-policy';
import { repoRoot } from '../../test/support/paths';
import { loadCorpus } from './corpus';
import { LuaSyntaxError, parseLua54, type LuaChunk } from './lua-parser';

/**
 * lua-parser.ts replaced luaparse (after runtime/lua/attributes.ts blanked the 5.4 attributes) in the server.
 * These tests hold it to that reference: the same tree, node for node with ranges, and the same first error
 * (offset and message) on broken text, except where lua-parser.ts documents a difference (see `compare`).
 */

const LUAPARSE_OPTIONS = { luaVersion: '5.3', ranges: true, locations: false, comments: false, scope: false } as const;

type Outcome = LuaChunk | { index: number; message: string };

function reference(src: string): Outcome {
  const { code, attributes } = stripAttributes(src);
  try {
    return { ast: luaparse.parse(code, LUAPARSE_OPTIONS as unknown as luaparse.Options & { wait?: false }) as luaparse.Chunk, attributes };
  } catch (e) {
    const err = e as { index?: number; message?: string };
    if (typeof err.index !== 'number') throw e;
    // Unfinished long strings end at length or length + 1; the server clamps to the length either way.
    return { index: Math.min(err.index, src.length), message: String(err.message).replace(/^\[\d+:\d+\]\s*/, '') };
  }
}

function ours(src: string): Outcome {
  try {
    return parseLua54(src);
  } catch (e) {
    if (!(e instanceof LuaSyntaxError)) throw e;
    return { index: Math.min(e.index, src.length), message: e.message };
  }
}

function isChunk(o: Outcome): o is LuaChunk {
  return 'ast' in o;
}

/** Where two values first differ, as a path. */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return `${path}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    const d = firstDifference(ra[k], rb[k], `${path}.${k}`);
    if (d) return d;
  }
  return `${path}: differs`;
}

/**
 * The documented differences, applied before comparing:
 * - a `local x <const>` without `=` ends at its attribute (luaparse saw blanks there and ended at the name);
 * - `<NAME>=` is no attribute (Lua 5.4 lexes `>=`; blanking the attribute text made it `=`);
 * - an error at a file's very first token: luaparse names a token of the previous parse (or throws) there.
 */
function compare(src: string): string | undefined {
  const mine = ours(src);
  if (isChunk(mine) && mine.attributes.length) {
    const named = new Set(mine.attributes.map((a) => a.nameOffset));
    const visit = (n: unknown): void => {
      if (!n || typeof n !== 'object') return;
      if (Array.isArray(n)) return n.forEach(visit);
      const node = n as { type?: string; init?: unknown[]; variables?: Array<{ range: [number, number] }>; range?: [number, number] };
      if (node.type === 'LocalStatement' && node.init!.length === 0) {
        const last = node.variables![node.variables!.length - 1];
        if (named.has(last.range[0])) node.range![1] = last.range[1];
      }
      for (const v of Object.values(node)) if (v && typeof v === 'object') visit(v);
    };
    visit(mine.ast);
  }
  if (/<\s*[A-Za-z_]\w*\s*>=/.test(src)) return undefined;
  if (!isChunk(mine) && /^\s*(?:--[^\n]*\n\s*)*$/.test(src.slice(0, mine.index))) return undefined;
  return firstDifference(mine, reference(src));
}

function luaFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) luaFiles(full, out);
    else if (name.endsWith('.lua')) out.push(full);
  }
  return out;
}

let loaded: Array<{ name: string; text: string }> | undefined;

function sources(): Array<{ name: string; text: string }> {
  if (loaded) return loaded;
  const root = repoRoot();
  const own = [...luaFiles(join(root, 'test')), ...luaFiles(join(root, 'samples'))].map((f) => ({ name: f.slice(root.length + 1), text: readFileSync(f, 'utf8') }));
  const corpus = loadCorpus();
  return (loaded = [...own, { name: 'large-policy', text: largePolicy(5000) }, ...(corpus ? [...corpus.extras, ...corpus.docBlocks] : [])]);
}

test('same tree (with ranges) and attributes as luaparse over KumoMTA\'s Lua and the repository\'s own', (t) => {
  const all = sources();
  if (all.length < 100) t.diagnostic('KumoMTA mirror not present: repository files only');
  const differences: string[] = [];
  let parsed = 0;
  for (const f of all) {
    const d = compare(f.text);
    if (d) differences.push(`${f.name} ${d}`);
    if (isChunk(ours(f.text))) parsed++;
  }
  assert.deepEqual(differences, []);
  assert.ok(parsed > all.length / 2, `${parsed} of ${all.length} parse`);
});

test('same first error (offset and message) as luaparse on broken text', () => {
  // Deterministic damage: cut, delete a few characters, or insert a token that breaks something.
  const SNIPPETS = ['=', 'end', '(', ')', "'", '"', '[[', '[=', 'local', 'goto x', '::a::', '...', 'break', '\\q', '{', '}', ',', '.',
    ':', '<const>', '< x', '0x', '1e', '--[[', 'function', 'return', 'until', '#', '\n', 'then', 'do', '@', '\\u{', '"\\x4"', 'elseif', '~'];
  let seed = 12345;
  const random = (k: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % k;
  };
  const differences: string[] = [];
  let broken = 0;
  for (const f of sources()) {
    for (let i = 0; i < 3; i++) {
      const at = random(f.text.length + 1);
      const kind = random(3);
      const text = kind === 0 ? f.text.slice(0, at) : kind === 1 ? f.text.slice(0, at) + f.text.slice(at + 1 + random(10)) : f.text.slice(0, at) + SNIPPETS[random(SNIPPETS.length)] + f.text.slice(at);
      if (!isChunk(ours(text))) broken++;
      const d = compare(text);
      if (d) differences.push(`${f.name} variant ${i}: ${d}\n${text.slice(Math.max(0, at - 60), at + 60)}`);
    }
  }
  assert.deepEqual(differences, []);
  assert.ok(broken > 100, `${broken} broken variants`);
});

test('Lua 5.4 attributes are parsed natively and reported beside the tree', () => {
  const src = 'local a <const>, b < close > = 1, nil\nlocal c <frozen> = 2\nlocal function f() end\n';
  const r = parseLua54(src);
  assert.deepEqual(r.attributes, [
    { name: 'a', nameOffset: 6, kind: 'const', start: 8, end: 15 },
    { name: 'b', nameOffset: 17, kind: 'close', start: 19, end: 28 },
    { name: 'c', nameOffset: 44, kind: 'frozen', start: 46, end: 54 },
  ]);
  const first = r.ast.body[0] as luaparse.LocalStatement & { range: [number, number] };
  assert.deepEqual(first.variables.map((v) => v.name), ['a', 'b']);
  assert.deepEqual(first.range, [0, 37]);
  assert.deepEqual(stripAttributes(src).attributes, r.attributes);
  // Not an attribute: the statement ends and `<` starts the next one, as luaparse saw it.
  assert.throws(() => parseLua54('local x < y\n'), { index: 8, message: "unexpected symbol '<' near 'y'" });
  // ... also when the text after it would not even lex: the `<` fails first.
  assert.throws(() => parseLua54('local x <y\\q> = 1\n'), { index: 8, message: "unexpected symbol '<' near 'y'" });
  // `>=` is one token in Lua 5.4.
  assert.throws(() => parseLua54('local x <const>= 1\n'), { index: 8, message: "unexpected symbol '<' near 'const'" });
});

test('integer division, bitwise operators, goto and labels', () => {
  const r = parseLua54('local c = 7 // 2 & 3 | 1 ~ 2 << 1 >> ~x\ngoto done\n::done::\n');
  const init = (r.ast.body[0] as luaparse.LocalStatement).init[0] as luaparse.BinaryExpression;
  assert.equal(init.operator, '|');
  assert.deepEqual(r.ast, (reference('local c = 7 // 2 & 3 | 1 ~ 2 << 1 >> ~x\ngoto done\n::done::\n') as LuaChunk).ast);
  assert.equal(r.ast.body[1].type, 'GotoStatement');
  assert.equal(r.ast.body[2].type, 'LabelStatement');
});

test('control-flow and lexical errors: luaparse\'s offsets and messages', () => {
  const cases: Array<[string, number, string]> = [
    ['goto a\nlocal x = 1\n::a::\nprint(x)\n', 0, "<goto a> jumps into the scope of local 'x'"],
    ['do goto a end\n', 3, "no visible label 'a' for <goto>"],
    ['::a::\n::a::\n', 8, "label 'a' already defined on line 1"],
    ['x = 1\nbreak\n', 12, "no loop to break near '<eof>'"],
    ['local function f() return ... end\n', 26, "cannot use '...' outside a vararg function near '...'"],
    ['local x = = 1\n', 10, "<expression> expected near '='"],
    ['x = 1 @\n', 6, "unexpected symbol '@' near '1'"],
    ["local s = 'abc\nx = 1\n", 15, "unfinished string near ''abc'"],
    ['local s = [==[\nabc]=]\n', 22, "unfinished long string (starting at line 1) near '<eof>'"],
    ['x = 1\n--[[ open\n', 16, "unfinished long comment (starting at line 2) near '<eof>'"],
    ['local n = 0x\n', 12, "malformed number near '0x'"],
    ['local n = 1e+\n', 13, "malformed number near '1e+'"],
    ["local s = '\\q'\n", 12, "invalid escape sequence near '\\q'"],
    ["local s = '\\300'\n", 15, "decimal escape too large near '\\300'"],
    ["local s = '\\xZZ'\n", 12, "hexadecimal digit expected near '\\xZ'"],
    ["local s = '\\u{110000}'\n", 21, "UTF-8 value too large near '\\u{110000}'"],
    ['f(\n', 3, "')' expected near '<eof>'"],
    ['if x then\n', 10, "'end' expected near '<eof>'"],
    ['local t = { a = }\n', 16, "<expression> expected near '}'"],
    ['x.y:z\n', 6, "function arguments expected near '<eof>'"],
    ['return return\n', 7, "unexpected keyword 'return' near '<eof>'"],
  ];
  for (const [src, index, message] of cases) {
    const r = reference(src);
    // Each expectation is luaparse's own answer (clamped as the server clamps it).
    assert.deepEqual(isChunk(r) ? 'parsed' : { index: r.index, message: r.message }, { index, message }, `luaparse on ${JSON.stringify(src)}`);
    assert.throws(() => parseLua54(src), (e: unknown) => e instanceof LuaSyntaxError && Math.min(e.index, src.length) === index && e.message === message, JSON.stringify(src));
  }
});

test('empty and comment-only chunks, a shebang line, `;` and the quirks luaparse accepts', () => {
  for (const src of ['', '  \n', '-- only a comment\n', '#!/usr/bin/env lua\nprint(1)\n', ';;\n', 'return , 1\n', 'f(, 2)\n', 'local x <const> = 1; ::l:: goto l\n', 'while x do break; break end\n']) {
    assert.equal(compare(src), undefined, JSON.stringify(src));
    assert.ok(isChunk(ours(src)), JSON.stringify(src));
  }
});
