/**
 * Name resolution of one file: every local (and parameter) with its declaration and each reference to it,
 * following Lua's scoping (a `local` is visible after its statement, `local function` inside its own body,
 * loop variables in the loop, shadowing by inner declarations). Each reference says how it is used, so the
 * module-exports inference can tell a member definition from an escape. Run on demand (rename, references,
 * definition, a module's exports), never on the keystroke path.
 */
import type * as lp from 'luaparse';
import { parseSegments, stringValue, type ParseCache, type ParsedSegment } from './parse';

/** How a reference uses the name. */
export type RefUse =
  /** A value: stored, passed on, returned from a function (anything not listed below). */
  | { k: 'read' }
  /** `x = v`, or `function x() end` for a local `x`. */
  | { k: 'write' }
  /**
   * `x.name` / `x:name`: read, called (`x:name()` passes `x` on), or assigned (`x.name = v`, `function x.name() end`).
   * `probe`: only tested (`if x.name then`, `x.name or default`, `x.name == nil`), as code checking whether it exists does.
   */
  | { k: 'member'; name: string; start: number; end: number; indexer: '.' | ':'; write: boolean; call: boolean; probe?: boolean; value?: lp.Expression; valueBase?: number; statementStart?: number }
  /** `x[key]`, read or assigned; `key` when it is a string literal. */
  | { k: 'index'; key?: string; write: boolean; value?: lp.Expression; valueBase?: number; statementStart?: number }
  /** `x(...)`. */
  | { k: 'call' }
  /** Passed as argument `index` (0-based) to a call of the global or local named `callee`. */
  | { k: 'arg'; callee?: string; index: number }
  /** Only inspected: an operand of `==`, `~=`, `not`, `#`, or a condition. */
  | { k: 'inspect' }
  /** The operand of the chunk's own `return`. */
  | { k: 'return' };

export interface Ref {
  start: number;
  end: number;
  use: RefUse;
}

export interface Binding {
  name: string;
  kind: 'local' | 'function' | 'param' | 'for' | 'self';
  /** Declaration range of the name (for `self` of a method, empty at the function's start). */
  start: number;
  end: number;
  /** Visible from `from` (after its statement for `local x = ...`) to `scopeEnd`. */
  from: number;
  scopeEnd: number;
  refs: Ref[];
  /** Declared in the chunk's own scope. */
  topLevel: boolean;
  /** `local x = init`: the initializer and the offset its ranges are relative to. */
  init?: lp.Expression;
  initBase?: number;
  /** Offset of the declaring statement (for the comment above it). */
  statementStart: number;
  /**
   * For `self` (of `function t:m()`) and a first parameter named `self`: the binding of the table the function
   * is stored in (`t`), null when that cannot be told (a function expression elsewhere).
   */
  selfOf?: Binding | null;
}

export interface Resolution {
  bindings: Binding[];
  /** References to names no local declares. */
  globals: Array<{ name: string; start: number; end: number }>;
  /** The chunk's top-level `return` (the last one), its first value, and the offset its ranges are relative to. */
  topReturn?: { value: lp.Expression | undefined; count: number; base: number };
}

class RScope {
  private table?: Map<string, Binding>;
  constructor(readonly parent: RScope | undefined, readonly end: number) {}
  set(b: Binding): void {
    (this.table ??= new Map()).set(b.name, b);
  }
  lookup(name: string): Binding | undefined {
    for (let s: RScope | undefined = this; s; s = s.parent) {
      const v = s.table?.get(name);
      if (v) return v;
    }
    return undefined;
  }
}

const COMPARE = new Set(['==', '~=']);

class Resolver {
  readonly bindings: Binding[] = [];
  readonly globals: Resolution['globals'] = [];
  topReturn?: Resolution['topReturn'];
  private base = 0;
  private root = new RScope(undefined, Number.MAX_SAFE_INTEGER);

  run(segments: ParsedSegment[]): Resolution {
    for (const seg of segments) {
      this.base = seg.start;
      if (seg.chunk.ast) for (const s of seg.chunk.ast.body) this.statement(s, this.root);
    }
    return this.topReturn ? { bindings: this.bindings, globals: this.globals, topReturn: this.topReturn } : { bindings: this.bindings, globals: this.globals };
  }

  private range(n: lp.Node): [number, number] {
    const r = (n as { range?: [number, number] }).range;
    return r ? [r[0] + this.base, r[1] + this.base] : [this.base, this.base];
  }

  private declare(scope: RScope, id: lp.Identifier, kind: Binding['kind'], statementStart: number, from: number | undefined, extra: Partial<Binding> = {}): Binding {
    const [a, b] = this.range(id);
    const binding: Binding = { name: id.name, kind, start: a, end: b, from: from ?? a, scopeEnd: scope.end, refs: [], topLevel: scope === this.root, statementStart, ...extra };
    scope.set(binding);
    this.bindings.push(binding);
    return binding;
  }

  private ref(id: lp.Identifier, scope: RScope, use: RefUse): Binding | undefined {
    const b = scope.lookup(id.name);
    const [s, e] = this.range(id);
    if (b) b.refs.push({ start: s, end: e, use });
    else this.globals.push({ name: id.name, start: s, end: e });
    return b;
  }

  private block(body: lp.Statement[], scope: RScope): void {
    for (const s of body) this.statement(s, scope);
  }

  private statement(s: lp.Statement, scope: RScope): void {
    const at = this.range(s)[0];
    switch (s.type) {
      case 'LocalStatement': {
        for (const e of s.init) this.expr(e, scope);
        s.variables.forEach((v, i) => {
          const init = s.init[i];
          this.declare(scope, v, 'local', at, this.range(s)[1], init ? { init, initBase: this.base } : {});
        });
        return;
      }
      case 'AssignmentStatement': {
        s.init.forEach((e, i) => {
          // `t.name = function(self) ... end`: that `self` is `t` when called as t:name().
          const v = s.variables[i];
          if (e.type === 'FunctionDeclaration' && v && v.type === 'MemberExpression' && v.base.type === 'Identifier') {
            this.functionDecl(e, scope, this.range(e)[0], scope.lookup(v.base.name) ?? null);
          } else if (e.type === 'Identifier' && v && v.type === 'MemberExpression' && v.base.type === 'Identifier' && v.base.name === e.name) {
            // `M.__index = M`: stored in itself, it goes nowhere new.
            this.ref(e, scope, { k: 'inspect' });
          } else this.expr(e, scope);
        });
        s.variables.forEach((v, i) => this.target(v, scope, s.init[i], at));
        return;
      }
      case 'CallStatement':
        this.expr(s.expression, scope);
        return;
      case 'FunctionDeclaration':
        this.functionDecl(s, scope, at);
        return;
      case 'ReturnStatement': {
        const top = scope === this.root;
        s.arguments.forEach((a, i) => {
          if (top && i === 0 && a.type === 'Identifier') this.ref(a, scope, { k: 'return' });
          else this.expr(a, scope);
        });
        if (top) this.topReturn = { value: s.arguments[0], count: s.arguments.length, base: this.base };
        return;
      }
      case 'IfStatement':
        for (const c of s.clauses) {
          if (c.type !== 'ElseClause') this.condition(c.condition, scope);
          this.block(c.body, new RScope(scope, this.range(c)[1]));
        }
        return;
      case 'WhileStatement':
        this.condition(s.condition, scope);
        this.block(s.body, new RScope(scope, this.range(s)[1]));
        return;
      case 'RepeatStatement': {
        const inner = new RScope(scope, this.range(s)[1]);
        this.block(s.body, inner);
        this.condition(s.condition, inner);
        return;
      }
      case 'DoStatement':
        this.block(s.body, new RScope(scope, this.range(s)[1]));
        return;
      case 'ForNumericStatement': {
        this.expr(s.start, scope);
        this.expr(s.end, scope);
        if (s.step) this.expr(s.step, scope);
        const inner = new RScope(scope, this.range(s)[1]);
        this.declare(inner, s.variable, 'for', at, this.range(s.step ?? s.end)[1]);
        this.block(s.body, inner);
        return;
      }
      case 'ForGenericStatement': {
        for (const e of s.iterators) this.expr(e, scope);
        const inner = new RScope(scope, this.range(s)[1]);
        const from = s.iterators.length ? this.range(s.iterators[s.iterators.length - 1])[1] : at;
        for (const v of s.variables) this.declare(inner, v, 'for', at, from);
        this.block(s.body, inner);
        return;
      }
      default:
        return;
    }
  }

  private target(v: lp.Expression, scope: RScope, value: lp.Expression | undefined, at: number): void {
    if (v.type === 'Identifier') {
      this.ref(v, scope, { k: 'write' });
      return;
    }
    if (v.type === 'MemberExpression') {
      if (v.base.type === 'Identifier') {
        const [ms, me] = this.range(v.identifier);
        this.ref(v.base, scope, {
          k: 'member', name: v.identifier.name, start: ms, end: me, indexer: v.indexer === ':' ? ':' : '.', write: true, call: false,
          ...(value ? { value, valueBase: this.base } : {}), statementStart: at,
        });
      } else this.expr(v.base, scope);
      return;
    }
    if (v.type === 'IndexExpression') {
      if (v.base.type === 'Identifier') {
        const key = v.index.type === 'StringLiteral' ? stringValue(v.index.raw) : undefined;
        this.ref(v.base, scope, { k: 'index', write: true, ...(key !== undefined ? { key } : {}), ...(value ? { value, valueBase: this.base } : {}), statementStart: at });
      } else this.expr(v.base, scope);
      this.expr(v.index, scope);
    }
  }

  private functionDecl(s: lp.FunctionDeclaration, scope: RScope, at: number, selfOf?: Binding | null): void {
    const id = s.identifier;
    let owner: Binding | null | undefined = selfOf;
    if (id && id.type === 'Identifier') {
      if (s.isLocal) this.declare(scope, id, 'function', at, undefined, { init: s, initBase: this.base });
      else this.ref(id, scope, { k: 'write' });
    } else if (id && id.type === 'MemberExpression') {
      if (id.base.type === 'Identifier') {
        const [ms, me] = this.range(id.identifier);
        owner = this.ref(id.base, scope, {
          k: 'member', name: id.identifier.name, start: ms, end: me, indexer: id.indexer === ':' ? ':' : '.', write: true, call: false,
          value: s, valueBase: this.base, statementStart: at,
        }) ?? null;
      } else {
        this.expr(id.base, scope);
        owner = null;
      }
    }
    const [fa, fb] = this.range(s);
    const inner = new RScope(scope, fb);
    if (id && id.type === 'MemberExpression' && id.indexer === ':') {
      const self: Binding = { name: 'self', kind: 'self', start: fa, end: fa, from: fa, scopeEnd: fb, refs: [], topLevel: false, statementStart: at, selfOf: owner ?? null };
      inner.set(self);
      this.bindings.push(self);
    }
    s.parameters.forEach((p, i) => {
      if (p.type !== 'Identifier') return;
      this.declare(inner, p, 'param', at, undefined, i === 0 && p.name === 'self' ? { selfOf: owner ?? null } : {});
    });
    this.block(s.body, inner);
  }

  private condition(e: lp.Expression, scope: RScope): void {
    if (e.type === 'Identifier') this.ref(e, scope, { k: 'inspect' });
    else if (!this.probe(e, scope)) this.expr(e, scope);
  }

  /** `x.name` that is only tested; false (nothing done) for anything else. */
  private probe(e: lp.Expression, scope: RScope): boolean {
    if (e.type !== 'MemberExpression' || e.base.type !== 'Identifier') return false;
    const [ms, me] = this.range(e.identifier);
    this.ref(e.base, scope, { k: 'member', name: e.identifier.name, start: ms, end: me, indexer: e.indexer === ':' ? ':' : '.', write: false, call: false, probe: true });
    return true;
  }

  /** An operand that is only inspected when it is a plain name. */
  private inspected(e: lp.Expression, scope: RScope): void {
    this.condition(e, scope);
  }

  private args(callee: lp.Expression, args: lp.Expression[], scope: RScope): void {
    const calleeName = callee.type === 'Identifier' ? callee.name : undefined;
    args.forEach((a, index) => {
      if (a.type === 'Identifier') this.ref(a, scope, calleeName ? { k: 'arg', callee: calleeName, index } : { k: 'arg', index });
      else this.expr(a, scope);
    });
  }

  private callee(base: lp.Expression, scope: RScope): void {
    if (base.type === 'Identifier') this.ref(base, scope, { k: 'call' });
    else if (base.type === 'MemberExpression' && base.base.type === 'Identifier') {
      const [ms, me] = this.range(base.identifier);
      this.ref(base.base, scope, { k: 'member', name: base.identifier.name, start: ms, end: me, indexer: base.indexer === ':' ? ':' : '.', write: false, call: true });
    } else this.expr(base, scope);
  }

  private expr(e: lp.Expression | undefined, scope: RScope): void {
    if (!e) return;
    switch (e.type) {
      case 'Identifier':
        this.ref(e, scope, { k: 'read' });
        return;
      case 'MemberExpression':
        if (e.base.type === 'Identifier') {
          const [ms, me] = this.range(e.identifier);
          this.ref(e.base, scope, { k: 'member', name: e.identifier.name, start: ms, end: me, indexer: e.indexer === ':' ? ':' : '.', write: false, call: false });
        } else this.expr(e.base, scope);
        return;
      case 'IndexExpression':
        if (e.base.type === 'Identifier') {
          const key = e.index.type === 'StringLiteral' ? stringValue(e.index.raw) : undefined;
          this.ref(e.base, scope, key !== undefined ? { k: 'index', key, write: false } : { k: 'index', write: false });
        } else this.expr(e.base, scope);
        this.expr(e.index, scope);
        return;
      case 'CallExpression':
        this.callee(e.base, scope);
        this.args(e.base, e.arguments, scope);
        return;
      case 'StringCallExpression':
        this.callee(e.base, scope);
        this.expr(e.argument, scope);
        return;
      case 'TableCallExpression':
        this.callee(e.base, scope);
        this.expr(e.arguments, scope);
        return;
      case 'FunctionDeclaration':
        this.functionDecl(e, scope, this.range(e)[0], null);
        return;
      case 'BinaryExpression':
        if (COMPARE.has(e.operator)) {
          this.inspected(e.left, scope);
          this.inspected(e.right, scope);
        } else {
          this.expr(e.left, scope);
          this.expr(e.right, scope);
        }
        return;
      case 'LogicalExpression':
        if (!this.probe(e.left, scope)) this.expr(e.left, scope);
        if (!this.probe(e.right, scope)) this.expr(e.right, scope);
        return;
      case 'UnaryExpression':
        if (e.operator === 'not' || e.operator === '#') this.inspected(e.argument, scope);
        else this.expr(e.argument, scope);
        return;
      case 'TableConstructorExpression':
        for (const f of e.fields) {
          if (f.type === 'TableKey') this.expr(f.key, scope);
          this.expr(f.value, scope);
        }
        return;
      default:
        return;
    }
  }
}

/** Resolves the names of parsed segments (ranges in the file's offsets). */
export function resolveNames(segments: ParsedSegment[]): Resolution {
  return new Resolver().run(segments);
}

/** Resolves the names of a text; `cache` is a document's parse cache, read (never written) to reuse its pieces. */
export function resolveText(text: string, cache?: ParseCache): Resolution {
  return resolveNames(parseSegments(text, cache));
}

/** The binding declared or referenced by the name at `offset`, and that occurrence's range. */
export function bindingAt(res: Resolution, offset: number): { binding: Binding; start: number; end: number } | undefined {
  for (const b of res.bindings) {
    if (b.kind !== 'self' && b.start <= offset && offset <= b.end) return { binding: b, start: b.start, end: b.end };
    for (const r of b.refs) if (r.start <= offset && offset <= r.end) return { binding: b, start: r.start, end: r.end };
  }
  return undefined;
}

/**
 * Why renaming `b` to `name` would change what some name refers to, or undefined when it is safe: a local
 * `name` declared inside b's reach would capture b's references, or b would capture references to an outer
 * local or global `name`.
 */
export function renameConflict(res: Resolution, b: Binding, name: string): string | undefined {
  if (name === b.name) return undefined;
  const inReach = (x: number, of: Binding) => x >= of.from && x <= of.scopeEnd;
  for (const other of res.bindings) {
    if (other.name !== name || other === b) continue;
    // A later `name` whose reach covers one of b's references would take it over.
    if (other.start > b.start && b.refs.some((r) => inReach(r.start, other))) return `a local '${name}' declared on the way would take over references to '${b.name}'`;
    // References to an earlier `name` inside b's reach would turn into references to b.
    if (other.start < b.start && other.refs.some((r) => inReach(r.start, b))) return `'${b.name}' would hide the local '${name}' used in its scope`;
  }
  if (res.globals.some((g) => g.name === name && inReach(g.start, b))) return `'${b.name}' would hide the global '${name}' used in its scope`;
  return undefined;
}
