/**
 * What a Lua module file exports: the table its chunk returns, read from the two common shapes
 *   local mod = {} ... function mod.f(...) ... mod.x = ... ... return mod
 *   return { a = ..., b = function(...) ... end }
 * with each member's parameters, the doc comment above its definition and where it is defined. The member
 * list is `complete` only when the table is built from literal names and never escapes (passed to a function,
 * stored elsewhere, given a metatable, indexed with a computed key); only then is an unknown member reported.
 */
import type * as lp from 'luaparse';
import { stringValue } from './parse';
import type { Binding, Resolution } from './locals';

export interface ModuleMember {
  name: string;
  kind: 'function' | 'value';
  /** Parameter names of a function (without the implicit `self` of a `:` definition); `...` for varargs. */
  params: string[];
  /** Defined with `:` (`function mod:setup(...)`), so called as `m:setup(...)`. */
  method: boolean;
  /** The member's name where it is defined. */
  start: number;
  end: number;
  /** The comment lines directly above the definition, without the dashes. */
  doc?: string;
  /** `---@param name type description` annotations. */
  paramDocs?: Map<string, { type: string; description: string }>;
  /** `---@return type`. */
  returns?: string;
  /** The value is a table constructor: its keyed fields (never `complete`: other code may add to it). */
  table?: ModuleExports;
  /** The value is `require 'name'`. */
  requires?: string;
  /** A function whose every `return` gives the same kind of value (see MemberResult). */
  result?: MemberResult;
}

/**
 * What calling a module function returns, when every `return` of its body agrees:
 *   instance: `setmetatable({...}, M)` where M is the module's table and its own `__index` (the class shape):
 *             the constructor's fields plus the module's members;
 *   table:    `{ a = ..., f = function ... end }`: those fields;
 *   call:     `kumo.make_queue_config { ... }`: the catalog function's result (typed by the service).
 */
export type MemberResult =
  | { kind: 'instance'; fields: Map<string, ModuleMember> }
  | { kind: 'table'; fields: Map<string, ModuleMember> }
  | { kind: 'call'; callee: string };

export interface ModuleExports {
  members: Map<string, ModuleMember>;
  /** Every member is known (so a member not in `members` does not exist). */
  complete: boolean;
  /** The returned table's declaration (or the returned constructor). */
  start: number;
  end: number;
}

/** Functions that only read a table passed to them. */
const READERS = new Set(['pairs', 'ipairs', 'next', 'type', 'tostring', 'print', 'rawequal', 'rawlen', 'rawget', 'getmetatable', 'select']);

function range(n: lp.Node, base: number): [number, number] {
  const r = (n as { range?: [number, number] }).range;
  return r ? [r[0] + base, r[1] + base] : [base, base];
}

/** The comment lines directly above the line holding `offset`. */
export function docAbove(text: string, offset: number): string | undefined {
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lines: string[] = [];
  while (lineStart > 0 && lines.length < 60) {
    const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
    const line = text.slice(prevStart, lineStart - 1).trim();
    if (!line.startsWith('--') || line.startsWith('--[[') || line.startsWith('--]]')) break;
    lines.unshift(line.replace(/^-+\s?/, '').trimEnd());
    lineStart = prevStart;
  }
  const doc = lines.join('\n').trim();
  return doc || undefined;
}

class Inference {
  private readonly byRef: Map<number, Binding>;
  complete = true;
  readonly members = new Map<string, ModuleMember>();
  /** The module's table (`local M = {}` ... `return M`), for telling `setmetatable(obj, M)` apart. */
  mod?: Binding;

  constructor(private readonly text: string, private readonly res: Resolution, byRef?: Map<number, Binding>) {
    if (byRef) this.byRef = byRef;
    else {
      this.byRef = new Map();
      for (const b of res.bindings) for (const r of b.refs) this.byRef.set(r.start, b);
    }
  }

  /** A fresh inference over the same file (nested tables, returned tables). */
  private nested(): Inference {
    const inf = new Inference(this.text, this.res, this.byRef);
    if (this.mod) inf.mod = this.mod;
    return inf;
  }

  /** Adds a member; a function definition wins over a plain value of the same name. */
  private add(m: ModuleMember): void {
    const prev = this.members.get(m.name);
    if (!prev || (prev.kind === 'value' && m.kind === 'function')) this.members.set(m.name, m);
  }

  member(name: string, start: number, end: number, value: lp.Expression | undefined, base: number, statementStart: number, method: boolean): void {
    let fn: lp.FunctionDeclaration | undefined;
    let docAt = statementStart;
    if (value?.type === 'FunctionDeclaration') fn = value;
    else if (value?.type === 'Identifier') {
      // mod.f = f, where f is a local function (or a local holding one)
      const b = this.byRef.get(range(value, base)[0]);
      if (b && b.init?.type === 'FunctionDeclaration' && b.initBase !== undefined && (b.kind === 'function' || b.kind === 'local')) {
        fn = b.init;
        docAt = b.statementStart;
      }
    }
    const doc = docAbove(this.text, docAt);
    const m: ModuleMember = { name, kind: fn ? 'function' : 'value', params: [], method: fn ? method : false, start, end };
    if (fn) {
      for (const p of fn.parameters) m.params.push(p.type === 'Identifier' ? p.name : '...');
      const result = this.result(fn, fn === value ? base : (this.byRef.get(range(value!, base)[0])?.initBase ?? base));
      if (result) m.result = result;
    } else if (value?.type === 'TableConstructorExpression') {
      const inner = this.nested();
      inner.fields(value, base);
      m.table = { members: inner.members, complete: false, start, end };
    } else if (value && (value.type === 'CallExpression' || value.type === 'StringCallExpression') && value.base.type === 'Identifier' && value.base.name === 'require'
      && !this.byRef.has(range(value.base, base)[0])) {
      const arg = value.type === 'CallExpression' ? value.arguments[0] : value.argument;
      if (arg?.type === 'StringLiteral' && (value.type === 'StringCallExpression' || value.arguments.length === 1)) m.requires = stringValue(arg.raw);
    }
    if (doc) {
      m.doc = doc;
      for (const line of doc.split('\n')) {
        const p = /^@param\s+([A-Za-z_]\w*|\.\.\.)\??\s+(\S+)\s*(.*)$/.exec(line);
        if (p) (m.paramDocs ??= new Map()).set(p[1], { type: p[2], description: p[3] });
        const r = /^@return\s+(\S+)/.exec(line);
        if (r) m.returns = r[1];
      }
    }
    this.add(m);
  }

  /** What `fn` returns when every `return` of its own body (not of nested functions) agrees; undefined when unsure. */
  private result(fn: lp.FunctionDeclaration, base: number): MemberResult | undefined {
    const returns: lp.ReturnStatement[] = [];
    collectReturns(fn.body, returns);
    let out: MemberResult | undefined;
    for (const r of returns) {
      if (r.arguments.length !== 1) return undefined;
      const one = this.returned(r.arguments[0], base);
      if (!one) return undefined;
      if (!out) out = one;
      else if (out.kind !== one.kind) return undefined;
      else if (out.kind === 'call' && one.kind === 'call') {
        if (out.callee !== one.callee) return undefined;
      } else if (out.kind !== 'call' && one.kind !== 'call') {
        for (const [k, v] of one.fields) if (!out.fields.has(k)) out.fields.set(k, v);
      }
    }
    return out;
  }

  private returned(e: lp.Expression, base: number): MemberResult | undefined {
    if (e.type === 'TableConstructorExpression') {
      const inner = this.nested();
      inner.fields(e, base);
      return { kind: 'table', fields: inner.members };
    }
    if (e.type === 'Identifier') {
      // `local obj = setmetatable({}, M)` ... `return obj`, obj never assigned again.
      const b = this.byRef.get(range(e, base)[0]);
      if (!b || b.kind !== 'local' || !b.init || b.initBase === undefined || b.refs.some((r) => r.use.k === 'write')) return undefined;
      return b.init.type === 'CallExpression' ? this.instance(b.init, b.initBase) : undefined;
    }
    if (e.type === 'CallExpression' && e.base.type === 'Identifier' && e.base.name === 'setmetatable') return this.instance(e, base);
    if (e.type === 'CallExpression' || e.type === 'TableCallExpression' || e.type === 'StringCallExpression') {
      const callee = this.kumoPath(e.base, base);
      return callee ? { kind: 'call', callee } : undefined;
    }
    return undefined;
  }

  /** `setmetatable({...}, M)` (or `{ __index = M }`) where M is the module table with `M.__index = M`. */
  private instance(e: lp.CallExpression, base: number): MemberResult | undefined {
    if (e.base.type !== 'Identifier' || e.base.name !== 'setmetatable' || this.byRef.has(range(e.base, base)[0]) || e.arguments.length !== 2) return undefined;
    const [obj, mt] = e.arguments;
    if (obj.type !== 'TableConstructorExpression' || !this.mod) return undefined;
    const isMod = (x: lp.Expression | undefined): boolean => {
      if (x?.type !== 'Identifier') return false;
      const b = this.byRef.get(range(x, base)[0]);
      return !!b && (b === this.mod || (b.name === 'self' && b.selfOf === this.mod));
    };
    let ok = false;
    if (isMod(mt)) {
      // The class shape: `M.__index = M`.
      ok = this.mod.refs.some((r) => r.use.k === 'member' && r.use.write && r.use.name === '__index' && r.use.value?.type === 'Identifier' && r.use.value.name === this.mod!.name);
    } else if (mt.type === 'TableConstructorExpression') {
      ok = mt.fields.some((f) => f.type === 'TableKeyString' && f.key.name === '__index' && isMod(f.value));
    }
    if (!ok) return undefined;
    const inner = this.nested();
    inner.fields(obj, base);
    return { kind: 'instance', fields: inner.members };
  }

  /** `kumo.a.b` where kumo is the global or a local holding `require 'kumo'`. */
  private kumoPath(e: lp.Expression, base: number): string | undefined {
    const parts: string[] = [];
    let x = e;
    while (x.type === 'MemberExpression' && x.indexer === '.') {
      parts.unshift(x.identifier.name);
      x = x.base;
    }
    if (x.type !== 'Identifier' || x.name !== 'kumo' || !parts.length) return undefined;
    const b = this.byRef.get(range(x, base)[0]);
    if (b) {
      const init = b.init;
      const isRequire = b.kind === 'local' && !b.refs.some((r) => r.use.k === 'write') && init && (init.type === 'CallExpression' || init.type === 'StringCallExpression')
        && init.base.type === 'Identifier' && init.base.name === 'require'
        && ((init.type === 'StringCallExpression' && init.argument.type === 'StringLiteral' && stringValue(init.argument.raw) === 'kumo')
          || (init.type === 'CallExpression' && init.arguments[0]?.type === 'StringLiteral' && stringValue(init.arguments[0].raw) === 'kumo'));
      if (!isRequire) return undefined;
    }
    return `kumo.${parts.join('.')}`;
  }

  /** The keyed fields of a table constructor. */
  fields(t: lp.TableConstructorExpression, base: number): void {
    for (const f of t.fields) {
      if (f.type === 'TableKeyString') {
        const [a, b] = range(f.key, base);
        this.member(f.key.name, a, b, f.value, base, range(f, base)[0], false);
      } else if (f.type === 'TableKey') {
        if (f.key.type === 'StringLiteral') {
          const [a, b] = range(f.key, base);
          this.member(stringValue(f.key.raw), a + 1, b - 1, f.value, base, range(f, base)[0], false);
        } else this.complete = false;
      }
    }
  }

  /** Every use of the module table (or a `self` that may be it) that adds members or lets it escape. */
  uses(b: Binding, isModule: boolean, colonCalls: Set<string>): void {
    for (const r of b.refs) {
      const u = r.use;
      switch (u.k) {
        case 'member':
          if (u.write) this.member(u.name, u.start, u.end, u.value, u.valueBase ?? 0, u.statementStart ?? u.start, u.indexer === ':');
          else if (u.call && u.indexer === ':') colonCalls.add(u.name);
          break;
        case 'index':
          if (u.write) {
            if (u.key !== undefined) this.member(u.key, r.start, r.end, u.value, u.valueBase ?? 0, u.statementStart ?? r.start, false);
            else this.complete = false;
          }
          break;
        case 'write':
          if (isModule) this.complete = false;
          break;
        case 'arg':
          // Read by the callee, or the metatable of another table (`setmetatable(obj, M)`): its members stay.
          if (!u.callee || !(READERS.has(u.callee) || (u.callee === 'setmetatable' && u.index === 1))) this.complete = false;
          break;
        case 'read':
          this.complete = false;
          break;
        default:
          break;
      }
    }
  }
}

/** The exports of a module from its name resolution; undefined when the chunk does not return a table we can read. */
export function inferExports(text: string, res: Resolution): ModuleExports | undefined {
  const ret = res.topReturn;
  if (!ret || ret.count !== 1 || !ret.value) return undefined;
  const inf = new Inference(text, res);
  const value = ret.value;
  if (value.type === 'TableConstructorExpression') {
    inf.fields(value, ret.base);
    const [a, b] = range(value, ret.base);
    return { members: inf.members, complete: inf.complete && !dynamicEnvironment(text), start: a, end: Math.min(b, a + 1) };
  }
  if (value.type !== 'Identifier') return undefined;
  const at = range(value, ret.base)[0];
  const mod = res.bindings.find((b) => b.refs.some((r) => r.start === at && r.use.k === 'return'));
  if (!mod || mod.kind !== 'local') return undefined;
  inf.mod = mod;
  if (mod.init?.type === 'TableConstructorExpression' && mod.initBase !== undefined) inf.fields(mod.init, mod.initBase);
  else inf.complete = false;
  const colonCalls = new Set<string>();
  inf.uses(mod, true, colonCalls);
  for (const b of res.bindings) {
    // `self` in `function mod:f()` (or a first parameter named self of a function stored in mod) is mod.
    if (b.name === 'self' && b.selfOf !== undefined && (b.selfOf === mod || b.selfOf === null)) inf.uses(b, false, colonCalls);
  }
  // mod:f() passes mod to f: fine when f is a method (its self is covered above), not when f takes it by another name.
  for (const name of colonCalls) {
    const m = inf.members.get(name);
    if (m && m.kind === 'function' && !m.method && m.params[0] !== 'self') inf.complete = false;
  }
  return { members: inf.members, complete: inf.complete && !dynamicEnvironment(text), start: mod.start, end: mod.end };
}

/** The `return` statements of a function body, not those of functions nested in it. */
function collectReturns(body: lp.Statement[], out: lp.ReturnStatement[]): void {
  for (const s of body) {
    switch (s.type) {
      case 'ReturnStatement': out.push(s); break;
      case 'IfStatement': for (const c of s.clauses) collectReturns(c.body, out); break;
      case 'WhileStatement': case 'RepeatStatement': case 'DoStatement': case 'ForNumericStatement': case 'ForGenericStatement':
        collectReturns(s.body, out); break;
      default: break;
    }
  }
}

/** Code that can reach any table by name (package.loaded, _G, _ENV, debug) defeats the member list. */
function dynamicEnvironment(text: string): boolean {
  return /\b(?:package\s*\.\s*loaded|_G|_ENV|setfenv|debug\s*\.)/.test(text);
}

/** `mod.setup(a, b)` / `mod:setup(a, b)` with the `---@param` types when the doc gives them. */
export function memberSignature(moduleLabel: string, m: ModuleMember): string {
  if (m.kind !== 'function') return `${moduleLabel}.${m.name}`;
  return `${moduleLabel}${m.method ? ':' : '.'}${m.name}(${paramLabels(m).join(', ')})${m.returns ? ` -> ${m.returns}` : ''}`;
}

/** Each parameter as `name` or `name: type`. */
export function paramLabels(m: ModuleMember): string[] {
  return m.params.map((p) => {
    const t = m.paramDocs?.get(p)?.type;
    return t ? `${p}: ${t}` : p;
  });
}

/** The doc comment as markdown: its prose, then the `@param` and `@return` lines as a list. */
export function renderDoc(doc: string): string {
  const prose: string[] = [];
  const tags: string[] = [];
  for (const line of doc.split('\n')) {
    const p = /^@param\s+(\S+?)\??\s+(\S+)\s*(.*)$/.exec(line);
    const r = /^@return\s+(\S+)\s*(.*)$/.exec(line);
    if (p) tags.push(`- \`${p[1]}\` (${p[2]})${p[3] ? `: ${p[3]}` : ''}`);
    else if (r) tags.push(`- returns ${r[1]}${r[2] ? `: ${r[2]}` : ''}`);
    else prose.push(line);
  }
  return [prose.join('\n').trim(), tags.join('\n')].filter(Boolean).join('\n\n');
}
