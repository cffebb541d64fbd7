/**
 * The server's Lua 5.4 parser. It produces exactly the tree luaparse 0.3 produces with `ranges: true` (the
 * node types, fields and `range: [start, end]` the analysis walks; string literal `value` null as in
 * luaparse's default encoding mode, `raw` the source text) and fails where luaparse fails, with its messages,
 * so the tolerant parsing in parse.ts keeps working unchanged. What it adds is speed (it runs on every
 * keystroke; see lua-lexer.ts) and Lua 5.4's local attributes (`<const>`, `<close>`), parsed natively and
 * reported beside the tree, so no source rewriting is needed first. server/analysis/lua-parser.test.ts
 * checks the tree and the errors against luaparse's over KumoMTA's Lua and the repository's own.
 *
 * Deliberate differences from luaparse + runtime/lua/attributes.ts: an attribute must be the three tokens
 * `<` NAME `>` as Lua 5.4 lexes them (`<const>=` is `<const` then `>=`, a syntax error in Lua too, where
 * blanking the attribute text accepted it); a `local x <const>` without a value ends after its attribute
 * (with the text blanked, luaparse ended it at the name); and the rare lexer errors luaparse raises before
 * it has a current token (a stray character or a `[=` at the very start of a file) say "near" that text,
 * where luaparse reads the previous parse's state or throws a TypeError.
 */
import type * as lp from 'luaparse';
import type { LocalAttribute } from '../../runtime/lua/attributes';
import { Lexer, LuaSyntaxError, MSG, Tok, TOKEN_TEXT, KEYWORD_FIRST, PUNCT_FIRST, lineAt } from './lua-lexer';

export { LuaSyntaxError } from './lua-lexer';

export interface LuaChunk {
  ast: lp.Chunk;
  attributes: LocalAttribute[];
}

/** Binary operator precedence by token kind (luaparse's binaryPrecedence); 0: not a binary operator. */
const PRECEDENCE = new Int8Array(Tok.Plus + 1);
PRECEDENCE[Tok.Caret] = 12;
PRECEDENCE[Tok.Star] = PRECEDENCE[Tok.Div] = PRECEDENCE[Tok.Percent] = PRECEDENCE[Tok.IDiv] = 10;
PRECEDENCE[Tok.Plus] = PRECEDENCE[Tok.Minus] = 9;
PRECEDENCE[Tok.Concat] = 8;
PRECEDENCE[Tok.Shl] = PRECEDENCE[Tok.Shr] = 7;
PRECEDENCE[Tok.Amp] = 6;
PRECEDENCE[Tok.Tilde] = 5;
PRECEDENCE[Tok.Pipe] = 4;
PRECEDENCE[Tok.Lt] = PRECEDENCE[Tok.Gt] = PRECEDENCE[Tok.Le] = PRECEDENCE[Tok.Ge] = PRECEDENCE[Tok.Eq] = PRECEDENCE[Tok.Ne] = 3;
PRECEDENCE[Tok.And] = 2;
PRECEDENCE[Tok.Or] = 1;

/** A `goto` whose label is not seen yet (luaparse's FullFlowContext, kept per function). */
interface PendingGoto {
  maxDepth: number;
  target: string;
  start: number;
  /** Locals declared in each enclosing scope of the function when the goto was seen. */
  localCounts: number[];
}

interface Label {
  name: string;
  /** Index of its scope in the scope stack. */
  scope: number;
  start: number;
}

type Expr = lp.Expression;
type Stat = lp.Statement;

class Parser extends Lexer {
  private attributes: LocalAttribute[] = [];

  // Control flow (goto, labels, break, `...`), luaparse's rules. Scopes of all open functions share one stack;
  // these fields belong to the innermost function and are saved and restored around nested ones.
  private fVararg = false;
  /** Stack index of the function's outermost scope. */
  private fBase = 0;
  private fLoops = 0;
  private fGotos: PendingGoto[] | null = null;
  private depth = 0;
  /** Per open scope: where its locals start in `localNames`. */
  private scopeLocals: number[] = [];
  private localNames: string[] = [];
  private localTop = 0;
  /** Labels of open scopes, innermost last. */
  private labels: Label[] = [];
  /** Gotos into the scope of a local, raised at the next statement of the label's scope (innermost last). */
  private deferred: Array<{ scope: number; goto: PendingGoto }> = [];

  parseChunk(src: string): LuaChunk {
    this.reset(src);
    this.attributes = [];
    this.depth = this.localTop = this.fLoops = 0;
    // (Fresh arrays: truncating by `length = 0` costs more than a small parse.)
    if (this.labels.length) this.labels = [];
    if (this.deferred.length) this.deferred = [];
    this.fGotos = null;
    this.fVararg = true;
    this.fBase = 0;
    try {
      this.lex();
      this.next();
      const start = this.tStart;
      this.pushScope(false);
      const body = this.block();
      this.popScope(false);
      if (!this.is(Tok.EOF)) this.unexpected();
      const end = body.length ? this.prevEnd : this.tEnd;
      return { ast: { type: 'Chunk', body, range: [start, end] } as lp.Chunk, attributes: this.attributes };
    } finally {
      // Names may be slices that keep the source alive.
      this.src = '';
      if (this.localNames.length) this.localNames = [];
    }
  }

  // ---- tokens ----

  private expect(t: Tok): void {
    if (this.tok === t) this.next();
    else this.error(this.tStart, MSG.expected(TOKEN_TEXT[t], this.tokText()));
  }

  /** luaparse's `unexpected(token)`. */
  private unexpected(): never {
    const t = this.cur();
    const near = this.laText();
    let kind: string;
    if (t === Tok.EOF) return this.error(this.tStart, MSG.unexpectedEOF());
    if (t === Tok.Nil) return this.error(this.tStart, MSG.unexpected('symbol', 'nil', near));
    if (t === Tok.Name) kind = 'identifier';
    else if (t === Tok.String) kind = 'string';
    else if (t === Tok.Number) kind = 'number';
    else if (t === Tok.True || t === Tok.False) kind = 'boolean';
    else if (t === Tok.Vararg) kind = 'undefined'; // sic: luaparse has no name for it
    else if (t >= PUNCT_FIRST) kind = 'symbol';
    else kind = 'keyword';
    return this.error(this.tStart, MSG.unexpected(kind, this.tokText(), near));
  }

  /** The current token's `value` as luaparse stringifies it in a few messages. */
  private tokValue(): string {
    switch (this.cur()) {
      case Tok.String: case Tok.Nil: return 'null';
      case Tok.Number: return String(this.tNum);
      default: return this.tokText();
    }
  }

  // ---- scopes and control flow ----

  private pushScope(loop: boolean): void {
    this.scopeLocals[this.depth++] = this.localTop;
    if (loop) this.fLoops++;
  }

  private popScope(loop: boolean): void {
    const gotos = this.fGotos;
    if (gotos) {
      const d = this.depth - this.fBase;
      for (const g of gotos) if (g.maxDepth >= d && --g.maxDepth <= 0) this.error(g.start, MSG.labelNotVisible(g.target));
    }
    const scope = --this.depth;
    this.localTop = this.scopeLocals[scope];
    if (loop) this.fLoops--;
    const labels = this.labels;
    while (labels.length && labels[labels.length - 1].scope === scope) labels.pop();
    const deferred = this.deferred;
    while (deferred.length && deferred[deferred.length - 1].scope === scope) deferred.pop();
  }

  private addLocal(name: string): void {
    this.localNames[this.localTop++] = name;
  }

  private localCount(scope: number): number {
    return (scope + 1 < this.depth ? this.scopeLocals[scope + 1] : this.localTop) - this.scopeLocals[scope];
  }

  private addGoto(target: string, start: number): void {
    for (const l of this.labels) if (l.scope >= this.fBase && l.name === target) return;
    const localCounts: number[] = [];
    for (let s = this.fBase; s < this.depth; s++) localCounts.push(this.localCount(s));
    (this.fGotos ??= []).push({ maxDepth: this.depth - this.fBase, target, start, localCounts });
  }

  private addLabel(name: string, start: number): void {
    const scope = this.depth - 1;
    for (const l of this.labels) {
      if (l.scope === scope && l.name === name) this.error(start, MSG.labelAlreadyDefined(name, lineAt(this.src, l.start).line));
    }
    if (this.fGotos) {
      const d = this.depth - this.fBase;
      const locals = this.localCount(scope);
      this.fGotos = this.fGotos.filter((g) => {
        if (g.maxDepth < d || g.target !== name) return true;
        if (g.localCounts[d - 1] < locals) this.deferred.push({ scope, goto: g });
        return false;
      });
    }
    this.labels.push({ name, scope, start });
  }

  private raiseDeferred(): void {
    const deferred = this.deferred;
    const scope = this.depth - 1;
    if (!deferred.length || deferred[deferred.length - 1].scope !== scope) return;
    let i = deferred.length - 1;
    while (i > 0 && deferred[i - 1].scope === scope) i--;
    const g = deferred[i].goto;
    const local = this.localNames[this.scopeLocals[scope] + g.localCounts[this.depth - this.fBase - 1]];
    this.error(g.start, MSG.gotoJumpInLocalScope(g.target, local));
  }

  // ---- statements ----

  private block(): Stat[] {
    const body: Stat[] = [];
    for (;;) {
      const t = this.cur();
      if (t === Tok.EOF || t === Tok.End || t === Tok.Else || t === Tok.Elseif || t === Tok.Until) return body;
      if (t === Tok.Return) {
        body.push(this.statement()!);
        return body;
      }
      const s = this.statement();
      if (this.is(Tok.Semi)) this.next();
      if (s) body.push(s);
    }
  }

  private statement(): Stat | undefined {
    const start = this.tStart;
    const t = this.cur();
    if (t === Tok.DoubleColon) {
      this.next();
      return this.labelStatement(start);
    }
    if (t === Tok.Semi) {
      this.next();
      return undefined;
    }
    if (this.deferred.length) this.raiseDeferred();
    if (t >= KEYWORD_FIRST && t < PUNCT_FIRST) {
      switch (t) {
        case Tok.Local:
          this.next();
          return this.localStatement(start);
        case Tok.If:
          this.next();
          return this.ifStatement(start);
        case Tok.Return:
          this.next();
          return this.returnStatement(start);
        case Tok.Function: {
          this.next();
          const name = this.functionName();
          return this.functionBody(start, name, false);
        }
        case Tok.While:
          this.next();
          return this.whileStatement(start);
        case Tok.For:
          this.next();
          return this.forStatement(start);
        case Tok.Repeat:
          this.next();
          return this.repeatStatement(start);
        case Tok.Break:
          this.next();
          if (this.fLoops === 0) this.error(this.tStart, MSG.noLoopToBreak(this.tokValue()));
          return { type: 'BreakStatement', range: [start, this.prevEnd] } as lp.BreakStatement;
        case Tok.Do: {
          this.next();
          this.pushScope(false);
          const body = this.block();
          this.popScope(false);
          this.expect(Tok.End);
          return { type: 'DoStatement', body, range: [start, this.prevEnd] } as lp.DoStatement;
        }
        case Tok.Goto: {
          this.next();
          const gotoStart = this.prevStart;
          const label = this.identifier();
          this.addGoto(label.name, gotoStart);
          return { type: 'GotoStatement', label, range: [start, this.prevEnd] } as lp.GotoStatement;
        }
        default:
          break;
      }
    }
    return this.assignmentOrCall();
  }

  private labelStatement(start: number): lp.LabelStatement {
    const nameStart = this.tStart;
    const label = this.identifier();
    this.expect(Tok.DoubleColon);
    this.addLabel(label.name, nameStart);
    return { type: 'LabelStatement', label, range: [start, this.prevEnd] } as lp.LabelStatement;
  }

  private localStatement(start: number): Stat {
    if (this.is(Tok.Name)) {
      const variables: lp.Identifier[] = [];
      const init: Expr[] = [];
      for (;;) {
        const id = this.identifier();
        variables.push(id);
        this.addLocal(id.name);
        if (this.is(Tok.Lt)) this.attribute(id);
        if (!this.is(Tok.Comma)) break;
        this.next();
      }
      if (this.is(Tok.Assign)) {
        this.next();
        init.push(this.expectedExpr());
        while (this.is(Tok.Comma)) {
          this.next();
          init.push(this.expectedExpr());
        }
      }
      return { type: 'LocalStatement', variables, init, range: [start, this.prevEnd] } as lp.LocalStatement;
    }
    if (this.is(Tok.Function)) {
      this.next();
      const name = this.identifier();
      this.addLocal(name.name);
      return this.functionBody(start, name, true);
    }
    return this.error(this.tStart, MSG.expectedToken('<name>', this.tokText()));
  }

  /**
   * `<NAME>` after a local's name (the current token is `<`). Anything else is left alone: the statement
   * ends and the `<` fails as the start of the next one, as it did when attributes were blanked out first.
   */
  private attribute(id: lp.Identifier): void {
    if (this.la !== Tok.Name) return;
    // Peek at the token after the name, then put the lookahead back.
    // (A lexical error there is not reported early: as plain `<`, the `<` fails first.)
    const { pos, la, lStart, lEnd, lNum } = this;
    let closes = false;
    try {
      this.lex();
      closes = (this.la as Tok) === Tok.Gt; // (lex() changed it)
    } catch (e) {
      if (!(e instanceof LuaSyntaxError)) throw e;
    }
    const end = this.lEnd;
    this.pos = pos;
    this.la = la;
    this.lStart = lStart;
    this.lEnd = lEnd;
    this.lNum = lNum;
    if (!closes) return;
    const range = (id as { range?: [number, number] }).range!;
    this.attributes.push({ name: id.name, nameOffset: range[0], kind: this.src.slice(lStart, lEnd), start: this.tStart, end });
    this.next();
    this.next();
    this.next();
  }

  private ifStatement(start: number): lp.IfStatement {
    let condition = this.expectedExpr();
    this.expect(Tok.Then);
    this.pushScope(false);
    let body = this.block();
    this.popScope(false);
    const clauses: lp.IfStatement['clauses'] = [{ type: 'IfClause', condition, body, range: [start, this.prevEnd] } as lp.IfClause];
    let clauseStart = this.tStart;
    while (this.is(Tok.Elseif)) {
      this.next();
      condition = this.expectedExpr();
      this.expect(Tok.Then);
      this.pushScope(false);
      body = this.block();
      this.popScope(false);
      clauses.push({ type: 'ElseifClause', condition, body, range: [clauseStart, this.prevEnd] } as lp.ElseifClause);
      clauseStart = this.tStart;
    }
    if (this.is(Tok.Else)) {
      this.next();
      const elseStart = this.prevStart;
      this.pushScope(false);
      body = this.block();
      this.popScope(false);
      clauses.push({ type: 'ElseClause', body, range: [elseStart, this.prevEnd] } as lp.ElseClause);
    }
    this.expect(Tok.End);
    return { type: 'IfStatement', clauses, range: [start, this.prevEnd] } as lp.IfStatement;
  }

  private returnStatement(start: number): lp.ReturnStatement {
    const args: Expr[] = [];
    if (!this.is(Tok.End)) {
      const e = this.expr(0);
      if (e) args.push(e);
      while (this.is(Tok.Comma)) {
        this.next();
        args.push(this.expectedExpr());
      }
      if (this.is(Tok.Semi)) this.next();
    }
    return { type: 'ReturnStatement', arguments: args, range: [start, this.prevEnd] } as lp.ReturnStatement;
  }

  private whileStatement(start: number): lp.WhileStatement {
    const condition = this.expectedExpr();
    this.expect(Tok.Do);
    this.pushScope(true);
    const body = this.block();
    this.popScope(true);
    this.expect(Tok.End);
    return { type: 'WhileStatement', condition, body, range: [start, this.prevEnd] } as lp.WhileStatement;
  }

  private repeatStatement(start: number): lp.RepeatStatement {
    this.pushScope(true);
    const body = this.block();
    this.expect(Tok.Until);
    if (this.deferred.length) this.raiseDeferred();
    const condition = this.expectedExpr();
    this.popScope(true);
    return { type: 'RepeatStatement', condition, body, range: [start, this.prevEnd] } as lp.RepeatStatement;
  }

  private forStatement(start: number): Stat {
    const variable = this.identifier();
    if (this.is(Tok.Assign)) {
      this.next();
      const from = this.expectedExpr();
      this.expect(Tok.Comma);
      const to = this.expectedExpr();
      let step: Expr | null = null;
      if (this.is(Tok.Comma)) {
        this.next();
        step = this.expectedExpr();
      }
      this.expect(Tok.Do);
      this.pushScope(true);
      const body = this.block();
      this.popScope(true);
      this.expect(Tok.End);
      return { type: 'ForNumericStatement', variable, start: from, end: to, step, body, range: [start, this.prevEnd] } as lp.ForNumericStatement;
    }
    const variables = [variable];
    while (this.is(Tok.Comma)) {
      this.next();
      variables.push(this.identifier());
    }
    this.expect(Tok.In);
    const iterators: Expr[] = [this.expectedExpr()];
    while (this.is(Tok.Comma)) {
      this.next();
      iterators.push(this.expectedExpr());
    }
    this.expect(Tok.Do);
    this.pushScope(true);
    const body = this.block();
    this.popScope(true);
    this.expect(Tok.End);
    return { type: 'ForGenericStatement', variables, iterators, body, range: [start, this.prevEnd] } as lp.ForGenericStatement;
  }

  /** `Name {'.' Name} [':' Name]` after `function`. */
  private functionName(): lp.Identifier | lp.MemberExpression {
    const start = this.tStart;
    let base: lp.Identifier | lp.MemberExpression = this.identifier();
    while (this.is(Tok.Dot)) {
      this.next();
      const identifier = this.identifier();
      base = { type: 'MemberExpression', indexer: '.', identifier, base, range: [start, this.prevEnd] } as lp.MemberExpression;
    }
    if (this.is(Tok.Colon)) {
      this.next();
      const identifier = this.identifier();
      base = { type: 'MemberExpression', indexer: ':', identifier, base, range: [start, this.prevEnd] } as lp.MemberExpression;
    }
    return base;
  }

  /** Parameters and body of a function; each function has its own control-flow state. */
  private functionBody(start: number, identifier: lp.Identifier | lp.MemberExpression | null, isLocal: boolean): lp.FunctionDeclaration {
    const { fVararg, fBase, fLoops, fGotos } = this;
    this.fVararg = false;
    this.fBase = this.depth;
    this.fLoops = 0;
    this.fGotos = null;
    this.pushScope(false);
    const parameters: Array<lp.Identifier | lp.VarargLiteral> = [];
    this.expect(Tok.LParen);
    if (this.is(Tok.RParen)) this.next();
    else {
      for (;;) {
        if (this.is(Tok.Name)) {
          parameters.push(this.identifier());
          if (this.is(Tok.Comma)) {
            this.next();
            continue;
          }
        } else if (this.is(Tok.Vararg)) {
          this.fVararg = true;
          parameters.push(this.primary() as lp.VarargLiteral);
        } else this.error(this.tStart, MSG.expectedToken("<name> or '...'", this.tokText()));
        this.expect(Tok.RParen);
        break;
      }
    }
    const body = this.block();
    this.popScope(false);
    this.expect(Tok.End);
    this.fVararg = fVararg;
    this.fBase = fBase;
    this.fLoops = fLoops;
    this.fGotos = fGotos;
    return { type: 'FunctionDeclaration', identifier, isLocal, parameters, body, range: [start, this.prevEnd] } as lp.FunctionDeclaration;
  }

  private assignmentOrCall(): Stat {
    const start = this.tStart;
    const targets: Expr[] = [];
    let lvalue: boolean | null = false;
    let targetStart = start;
    for (;;) {
      targetStart = this.tStart;
      let base: Expr;
      if (this.is(Tok.Name)) {
        base = this.identifier();
        lvalue = true;
      } else if (this.is(Tok.LParen)) {
        this.next();
        base = this.expectedExpr();
        this.expect(Tok.RParen);
        lvalue = false;
      } else return this.unexpected();
      for (;;) {
        const t = this.cur();
        if (t === Tok.Dot || t === Tok.LBracket) lvalue = true;
        else if (t === Tok.Colon || t === Tok.LParen || t === Tok.LBrace || t === Tok.String) lvalue = null;
        else break;
        base = this.suffix(base, targetStart)!;
      }
      targets.push(base);
      if (!this.is(Tok.Comma)) break;
      if (!lvalue) return this.unexpected();
      this.next();
    }
    if (targets.length === 1 && lvalue === null) {
      return { type: 'CallStatement', expression: targets[0], range: [targetStart, this.prevEnd] } as lp.CallStatement;
    }
    if (!lvalue) return this.unexpected();
    this.expect(Tok.Assign);
    const init: Expr[] = [this.expectedExpr()];
    while (this.is(Tok.Comma)) {
      this.next();
      init.push(this.expectedExpr());
    }
    return { type: 'AssignmentStatement', variables: targets, init, range: [start, this.prevEnd] } as lp.AssignmentStatement;
  }

  // ---- expressions ----

  private identifier(): lp.Identifier {
    if (!this.is(Tok.Name)) this.error(this.tStart, MSG.expectedToken('<name>', this.tokText()));
    const a = this.tStart;
    const b = this.tEnd;
    const name = this.src.slice(a, b);
    this.next();
    return { type: 'Identifier', name, range: [a, b] } as lp.Identifier;
  }

  private expectedExpr(): Expr {
    const e = this.expr(0);
    if (!e) return this.error(this.tStart, MSG.expectedToken('<expression>', this.tokText()));
    return e;
  }

  /** Operator-precedence parsing, as luaparse's parseSubExpression (and Lua's own subexpr). */
  private expr(minPrecedence: number): Expr | null {
    const start = this.tStart;
    const t = this.cur();
    let e: Expr | null;
    if (t === Tok.Minus || t === Tok.Not || t === Tok.Hash || t === Tok.Tilde) {
      this.next();
      const argument = this.expr(10);
      if (!argument) return this.error(this.tStart, MSG.expectedToken('<expression>', this.tokText()));
      e = { type: 'UnaryExpression', operator: TOKEN_TEXT[t], argument, range: [start, this.prevEnd] } as lp.UnaryExpression;
    } else {
      e = this.primary() ?? this.prefixExpr();
      if (!e) return null;
    }
    for (;;) {
      const op = this.cur();
      let precedence = op <= Tok.Plus ? PRECEDENCE[op] : 0;
      if (precedence === 0 || precedence <= minPrecedence) return e;
      if (op === Tok.Caret || op === Tok.Concat) precedence--; // right associative
      this.next();
      const right = this.expr(precedence);
      if (!right) return this.error(this.tStart, MSG.expectedToken('<expression>', this.tokText()));
      e = { type: op === Tok.And || op === Tok.Or ? 'LogicalExpression' : 'BinaryExpression', operator: TOKEN_TEXT[op], left: e, right, range: [start, this.prevEnd] } as lp.BinaryExpression;
    }
  }

  /** Literals, `function ... end` and table constructors; null for anything else. */
  private primary(): Expr | null {
    const t = this.cur();
    const a = this.tStart;
    let value: string | number | boolean | null;
    let type: string;
    switch (t) {
      case Tok.String: type = 'StringLiteral'; value = null; break;
      case Tok.Number: type = 'NumericLiteral'; value = this.tNum; break;
      case Tok.True: type = 'BooleanLiteral'; value = true; break;
      case Tok.False: type = 'BooleanLiteral'; value = false; break;
      case Tok.Nil: type = 'NilLiteral'; value = null; break;
      case Tok.Vararg:
        if (!this.fVararg) this.error(a, MSG.cannotUseVararg('...'));
        type = 'VarargLiteral';
        value = '...';
        break;
      case Tok.Function:
        this.next();
        return this.functionBody(a, null, false);
      case Tok.LBrace:
        this.next();
        return this.table(a);
      default:
        return null;
    }
    const b = this.tEnd;
    const raw = this.src.slice(a, b);
    this.next();
    return { type, value, raw, range: [a, b] } as unknown as Expr;
  }

  private table(start: number): lp.TableConstructorExpression {
    const fields: lp.TableConstructorExpression['fields'] = [];
    for (;;) {
      const fieldStart = this.tStart;
      if (this.is(Tok.LBracket)) {
        this.next();
        const key = this.expectedExpr();
        this.expect(Tok.RBracket);
        this.expect(Tok.Assign);
        const value = this.expectedExpr();
        fields.push({ type: 'TableKey', key, value, range: [fieldStart, this.prevEnd] } as lp.TableKey);
      } else if (this.is(Tok.Name)) {
        if (this.la === Tok.Assign) {
          const key = this.identifier();
          this.next();
          const value = this.expectedExpr();
          fields.push({ type: 'TableKeyString', key, value, range: [fieldStart, this.prevEnd] } as lp.TableKeyString);
        } else {
          const value = this.expectedExpr();
          fields.push({ type: 'TableValue', value, range: [fieldStart, this.prevEnd] } as lp.TableValue);
        }
      } else {
        const value = this.expr(0);
        if (!value) break;
        fields.push({ type: 'TableValue', value, range: [fieldStart, this.prevEnd] } as lp.TableValue);
      }
      if (this.is(Tok.Comma) || this.is(Tok.Semi)) {
        this.next();
        continue;
      }
      break;
    }
    this.expect(Tok.RBrace);
    return { type: 'TableConstructorExpression', fields, range: [start, this.prevEnd] } as lp.TableConstructorExpression;
  }

  /** `Name` or `( exp )`, then any suffixes. */
  private prefixExpr(): Expr | null {
    const start = this.tStart;
    let base: Expr;
    if (this.is(Tok.Name)) base = this.identifier();
    else if (this.is(Tok.LParen)) {
      this.next();
      base = this.expectedExpr();
      this.expect(Tok.RParen);
    } else return null;
    for (;;) {
      const next = this.suffix(base, start);
      if (!next) return base;
      base = next;
    }
  }

  /** One of `[exp]`, `.Name`, `:Name args`, `args` after `base`; null when none follows. */
  private suffix(base: Expr, start: number): Expr | null {
    switch (this.cur()) {
      case Tok.LBracket: {
        this.next();
        const index = this.expectedExpr();
        this.expect(Tok.RBracket);
        return { type: 'IndexExpression', base, index, range: [start, this.prevEnd] } as lp.IndexExpression;
      }
      case Tok.Dot: {
        this.next();
        const identifier = this.identifier();
        return { type: 'MemberExpression', indexer: '.', identifier, base, range: [start, this.prevEnd] } as lp.MemberExpression;
      }
      case Tok.Colon: {
        this.next();
        const identifier = this.identifier();
        const method = { type: 'MemberExpression', indexer: ':', identifier, base, range: [start, this.prevEnd] } as lp.MemberExpression;
        return this.callArgs(method, start);
      }
      case Tok.LParen: case Tok.LBrace: case Tok.String:
        return this.callArgs(base, start);
      default:
        return null;
    }
  }

  private callArgs(base: Expr, start: number): Expr {
    switch (this.cur()) {
      case Tok.LParen: {
        this.next();
        const args: Expr[] = [];
        const first = this.expr(0);
        if (first) args.push(first);
        while (this.is(Tok.Comma)) {
          this.next();
          args.push(this.expectedExpr());
        }
        this.expect(Tok.RParen);
        return { type: 'CallExpression', base, arguments: args, range: [start, this.prevEnd] } as lp.CallExpression;
      }
      case Tok.LBrace: {
        const tableStart = this.tStart;
        this.next();
        const table = this.table(tableStart);
        return { type: 'TableCallExpression', base, arguments: table, range: [start, this.prevEnd] } as lp.TableCallExpression;
      }
      case Tok.String: {
        const argument = this.primary()!;
        return { type: 'StringCallExpression', base, argument, range: [start, this.prevEnd] } as lp.StringCallExpression;
      }
      default:
        return this.error(this.tStart, MSG.expectedToken('function arguments', this.tokText()));
    }
  }
}

const parser = new Parser();

/**
 * Parses Lua 5.4 source: luaparse's tree with ranges, and the local attributes beside it. Throws
 * LuaSyntaxError (`index`, `message` as luaparse's, without its `[line:column]` prefix) on the first error.
 */
export function parseLua54(source: string): LuaChunk {
  return parser.parseChunk(source);
}
