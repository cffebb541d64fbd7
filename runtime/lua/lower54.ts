/**
 * Lowers the Lua 5.4 syntax kumod policies use to Lua 5.3 that fengari runs, keeping every line where it was:
 * - `<const>` and `<close>` are checked at compile time (assignment to a const/close local, unknown attribute,
 *   two to-be-closed variables in one list) with Lua 5.4's messages;
 * - `<close>` gets its closing semantics: the rest of the block after `local x <close> = v` runs inside a
 *   protected function, and `x`'s `__close(x, err)` runs when the block ends by falling off its end, `return`,
 *   `break` or an error (then the error is raised again). Nested `<close>` locals close in reverse order.
 * All inserted text goes on existing lines, so error messages and tracebacks keep their line numbers.
 * Limitation: a `goto` that jumps out of a block holding a `<close>` local is reported as an error, and the
 * condition of a `repeat ... until` cannot see a `<close>`-scoped local declared in its body after it.
 */
import * as luaparse from 'luaparse';
import { stripAttributes, LocalAttribute } from './attributes';

/** The name the lowered chunk uses to reach the close helpers (`package.loaded[CLOSE_MODULE]`). */
export const CLOSE_MODULE = '__kumo_close';

export class LuaCompileError extends Error {
  constructor(readonly line: number, readonly detail: string, chunkName: string) {
    super(`${chunkName}:${line}: ${detail}`);
  }
}

export interface Lowered {
  code: string;
  /** True when the chunk was rewritten beyond blanking attributes. */
  rewritten: boolean;
}

/** Lowers `source`; `chunkName` is used in compile-error messages. Throws LuaCompileError. */
export function lowerLua54(source: string, chunkName: string): Lowered {
  const stripped = stripAttributes(source);
  if (stripped.attributes.length === 0) return { code: source, rewritten: false };
  if (!needsAnalysis(stripped.code, stripped.attributes)) return { code: stripped.code, rewritten: false };
  let ast: any;
  try {
    ast = luaparse.parse(stripped.code, { luaVersion: '5.3', locations: true, ranges: true, comments: false, scope: false });
  } catch {
    // Syntax errors are reported by the Lua compiler itself, with its own messages.
    return { code: stripped.code, rewritten: false };
  }
  const lowering = new Lowering(stripped.code, stripped.attributes, chunkName);
  lowering.chunk(ast);
  return lowering.result();
}

/**
 * Whether the full parse is needed: always for `<close>` and unknown attributes; for `<const>` only when
 * some text outside the declarations could assign one of the names (`NAME =`, `NAME,`, `function NAME`).
 */
function needsAnalysis(code: string, attributes: LocalAttribute[]): boolean {
  if (attributes.some((a) => a.kind !== 'const')) return true;
  const declared = new Set(attributes.map((a) => a.nameOffset));
  for (const name of new Set(attributes.map((a) => a.name))) {
    const re = new RegExp(`(?<![\\w.:])${name}(?=\\s*(?:=(?!=)|,))|\\bfunction\\s+${name}\\b`, 'g');
    for (let m = re.exec(code); m; m = re.exec(code)) {
      if (!declared.has(m.index)) return true;
    }
  }
  return false;
}

interface LocalInfo {
  attr?: 'const' | 'close';
}

type Frame = { kind: 'loop' } | { kind: 'region'; region: Region };

interface FunctionCtx {
  vararg: boolean;
  frames: Frame[];
}

interface Region {
  id: number;
  hasBreak: boolean;
  labels: Set<string>;
}

interface Edit {
  at: number;
  /** Characters removed at `at` before inserting. */
  remove: number;
  text: string;
  order: number;
}

class Lowering {
  private readonly attrs = new Map<number, LocalAttribute>();
  private readonly scopes: Map<string, LocalInfo>[] = [];
  private readonly edits: Edit[] = [];
  private fn: FunctionCtx = { vararg: true, frames: [] };
  private regions = 0;
  private order = 0;

  constructor(private readonly code: string, attributes: LocalAttribute[], private readonly chunkName: string) {
    for (const a of attributes) this.attrs.set(a.nameOffset, a);
  }

  result(): Lowered {
    if (this.regions === 0) return { code: this.code, rewritten: false };
    let out = this.code;
    // Apply from the end so earlier offsets stay valid; at one offset, later-registered edits go first.
    const sorted = [...this.edits].sort((a, b) => b.at - a.at || b.order - a.order);
    for (const e of sorted) out = out.slice(0, e.at) + e.text + out.slice(e.at + e.remove);
    const head = out.startsWith('#') ? out.indexOf('\n') + 1 || out.length : 0;
    out = out.slice(0, head) + `local __kc = require "${CLOSE_MODULE}"; ` + out.slice(head);
    return { code: out, rewritten: true };
  }

  private fail(node: any, message: string): never {
    throw new LuaCompileError(node.loc?.start.line ?? 1, message, this.chunkName);
  }

  private edit(at: number, text: string, remove = 0): void {
    this.edits.push({ at, remove, text, order: this.order++ });
  }

  chunk(ast: any): void {
    this.scopes.push(new Map());
    this.block(ast.body);
    this.scopes.pop();
  }

  private declare(name: string, info: LocalInfo): void {
    this.scopes[this.scopes.length - 1].set(name, info);
  }

  private lookup(name: string): LocalInfo | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i].get(name);
      if (v) return v;
    }
    return undefined;
  }

  private regionsOnStack(): Region[] {
    return this.fn.frames.filter((f): f is { kind: 'region'; region: Region } => f.kind === 'region').map((f) => f.region);
  }

  /** Statements of one block, in a new scope. */
  private block(body: any[], extra?: (scope: Map<string, LocalInfo>) => void): void {
    const scope = new Map<string, LocalInfo>();
    this.scopes.push(scope);
    extra?.(scope);
    this.statements(body, 0);
    this.scopes.pop();
  }

  private statements(body: any[], from: number): void {
    for (let i = from; i < body.length; i++) {
      const stmt = body[i];
      if (stmt.type === 'LocalStatement') {
        const close = this.localStatement(stmt);
        if (close) {
          this.closeRegion(close, stmt, body, i + 1);
          return;
        }
      } else this.statement(stmt);
    }
  }

  /** Declares the locals; returns the name of a `<close>` variable if the statement has one. */
  private localStatement(stmt: any): string | undefined {
    for (const e of stmt.init) this.expression(e);
    let close: string | undefined;
    for (const v of stmt.variables) {
      const a = this.attrs.get(v.range[0]);
      let attr: LocalInfo['attr'];
      if (a) {
        if (a.kind !== 'const' && a.kind !== 'close') this.fail(stmt, `unknown attribute '${a.kind}'`);
        attr = a.kind;
        if (a.kind === 'close') {
          if (close) this.fail(stmt, 'multiple to-be-closed variables in local list');
          close = v.name;
        }
      }
      this.declare(v.name, { attr });
    }
    return close;
  }

  private closeRegion(name: string, local: any, body: any[], from: number): void {
    const region: Region = { id: ++this.regions, hasBreak: false, labels: new Set() };
    const id = region.id;
    const vararg = this.fn.vararg;
    const rest = body.slice(from);
    for (const s of rest) collectLabels(s, region.labels);
    this.edit(local.range[1], `; __kc.check(${name}, "${name}"); local __t${id}, __n${id}, __v${id} = __kc.run(${name}, __kc.pcall(function(${vararg ? '...' : ''}) `);
    this.fn.frames.push({ kind: 'region', region });
    this.statements(body, from);
    this.fn.frames.pop();
    const last = rest[rest.length - 1];
    const endAt = last ? last.range[1] : local.range[1];
    const outer = this.regionsOnStack();
    const ret = outer.length > 0 ? 'return 1, ' : 'return ';
    let suffix = `${last && last.type === 'ReturnStatement' ? '' : ' return 0'} end${vararg ? ', ...' : ''})) if __t${id} == 1 then ${ret}__kc.unpack(__v${id}, 1, __n${id})`;
    if (region.hasBreak) suffix += ` elseif __t${id} == 2 then ${this.breakText()}`;
    suffix += ' end ';
    this.edit(endAt, suffix);
  }

  /** What `break` becomes here: a real break inside a loop, or a tagged return out of a close region. */
  private breakText(): string {
    const frames = this.fn.frames;
    const top = frames[frames.length - 1];
    if (!top || top.kind === 'loop') return 'break';
    top.region.hasBreak = true;
    return 'do return 2 end';
  }

  private statement(s: any): void {
    switch (s.type) {
      case 'AssignmentStatement':
        for (const e of s.init) this.expression(e);
        for (const v of s.variables) {
          if (v.type === 'Identifier') {
            const info = this.lookup(v.name);
            if (info?.attr) this.fail(s, `attempt to assign to const variable '${v.name}'`);
          } else this.expression(v);
        }
        return;
      case 'CallStatement':
        this.expression(s.expression);
        return;
      case 'FunctionDeclaration':
        if (s.isLocal && s.identifier) this.declare(s.identifier.name, {});
        else if (s.identifier?.type === 'Identifier' && this.lookup(s.identifier.name)?.attr) {
          this.fail(s, `attempt to assign to const variable '${s.identifier.name}'`);
        } else if (s.identifier) this.expression(s.identifier);
        this.functionBody(s);
        return;
      case 'ReturnStatement':
        for (const e of s.arguments) this.expression(e);
        if (this.regionsOnStack().length > 0) this.edit(s.range[0] + 'return'.length, s.arguments.length ? ' 1,' : ' 1');
        return;
      case 'BreakStatement': {
        const text = this.breakText();
        if (text !== 'break') this.edit(s.range[0], text, 'break'.length);
        return;
      }
      case 'GotoStatement': {
        const regions = this.regionsOnStack();
        const inner = regions[regions.length - 1];
        if (inner && !inner.labels.has(s.label.name)) {
          this.fail(s, `goto '${s.label.name}' leaves the scope of a <close> variable (not supported by the simulator)`);
        }
        return;
      }
      case 'LabelStatement':
        return;
      case 'DoStatement':
        this.block(s.body);
        return;
      case 'WhileStatement':
        this.expression(s.condition);
        this.loop(() => this.block(s.body));
        return;
      case 'RepeatStatement':
        this.loop(() => {
          this.scopes.push(new Map());
          this.statements(s.body, 0);
          this.expression(s.condition);
          this.scopes.pop();
        });
        return;
      case 'IfStatement':
        for (const c of s.clauses) {
          if (c.condition) this.expression(c.condition);
          this.block(c.body);
        }
        return;
      case 'ForNumericStatement':
        this.expression(s.start);
        this.expression(s.end);
        if (s.step) this.expression(s.step);
        this.loop(() => this.block(s.body, (scope) => scope.set(s.variable.name, {})));
        return;
      case 'ForGenericStatement':
        for (const e of s.iterators) this.expression(e);
        this.loop(() => this.block(s.body, (scope) => { for (const v of s.variables) scope.set(v.name, {}); }));
        return;
      default:
        return;
    }
  }

  private loop(body: () => void): void {
    this.fn.frames.push({ kind: 'loop' });
    body();
    this.fn.frames.pop();
  }

  private functionBody(f: any): void {
    const saved = this.fn;
    const vararg = f.parameters.some((p: any) => p.type === 'VarargLiteral');
    this.fn = { vararg, frames: [] };
    this.block(f.body, (scope) => {
      for (const p of f.parameters) if (p.type === 'Identifier') scope.set(p.name, {});
    });
    this.fn = saved;
  }

  private expression(e: any): void {
    if (!e || typeof e !== 'object') return;
    switch (e.type) {
      case 'FunctionDeclaration':
        this.functionBody(e);
        return;
      case 'TableConstructorExpression':
        for (const f of e.fields) {
          if (f.key) this.expression(f.key);
          this.expression(f.value);
        }
        return;
      case 'BinaryExpression':
      case 'LogicalExpression':
        this.expression(e.left);
        this.expression(e.right);
        return;
      case 'UnaryExpression':
        this.expression(e.argument);
        return;
      case 'MemberExpression':
        this.expression(e.base);
        return;
      case 'IndexExpression':
        this.expression(e.base);
        this.expression(e.index);
        return;
      case 'CallExpression':
        this.expression(e.base);
        for (const a of e.arguments) this.expression(a);
        return;
      case 'TableCallExpression':
        this.expression(e.base);
        this.expression(e.arguments);
        return;
      case 'StringCallExpression':
        this.expression(e.base);
        return;
      default:
        return;
    }
  }
}

/** Labels declared at the function level of `s` (not inside nested functions). */
function collectLabels(s: any, out: Set<string>): void {
  if (!s || typeof s !== 'object') return;
  if (s.type === 'LabelStatement') out.add(s.label.name);
  if (s.type === 'FunctionDeclaration') return;
  for (const key of ['body', 'clauses']) {
    const v = s[key];
    if (Array.isArray(v)) for (const c of v) collectLabels(c, out);
  }
}
