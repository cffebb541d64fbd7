/**
 * A fast path for the most common tailer filters: a function whose body is one `return` of comparisons of the
 * record's top-level fields with literals, combined with and/or/not, e.g.
 *   function(record) return record.type == 'Delivery' or record.type == 'TransientFailure' end
 * is turned into an equivalent JS predicate, so the record never enters the Lua VM. Anything else (upvalues,
 * globals, calls, nested fields, other operators, Lua 5.4-only syntax) keeps running in Lua.
 * The function's source is found through its chunk name and line range; the result is cross-checked against
 * the Lua function on the first records and then periodically, and dropped at the first disagreement.
 * Set KUMO_TAIL_COMPILE_FILTERS=0 to turn the fast path off.
 */
import { readFileSync } from 'node:fs';
import * as luaparse from 'luaparse';
import { lua, LuaState, toJsString } from '../vm/lua-api';
import type { LuaHost } from '../vm/host';

type Value = unknown;
type Expr = (record: Record<string, unknown>) => Value;

const own = Object.prototype.hasOwnProperty;
const truthy = (v: Value) => v !== null && v !== undefined && v !== false;
const NIL = Symbol('nil');

interface Node {
  type: string;
  [k: string]: any;
}

function literal(n: Node): Value | typeof NIL | undefined {
  switch (n.type) {
    case 'StringLiteral': {
      const m = /^'([^'\\\n]*)'$|^"([^"\\\n]*)"$/.exec(n.raw);
      return m ? (m[1] ?? m[2]) : undefined;
    }
    case 'NumericLiteral': return typeof n.value === 'number' && Number.isFinite(n.value) ? n.value : undefined;
    case 'BooleanLiteral': return n.value === true || n.value === false ? n.value : undefined;
    case 'NilLiteral': return NIL;
    default: return undefined;
  }
}

/** Lua `a == lit` where `a` is a JSON value seen through a record view. */
function equalsLiteral(lit: Value | typeof NIL): (v: Value) => boolean {
  if (lit === NIL) return (v) => v === null || v === undefined;
  if (typeof lit === 'string') return (v) => v === lit;
  if (typeof lit === 'number') return (v) => typeof v === 'number' && v === lit;
  return (v) => v === lit;
}

function compileExpr(n: Node, param: string): Expr | undefined {
  switch (n.type) {
    case 'MemberExpression': {
      if (n.base?.type !== 'Identifier' || n.base.name !== param || n.indexer !== '.') return undefined;
      const key = n.identifier.name as string;
      return (r) => (own.call(r, key) ? r[key] : undefined);
    }
    case 'IndexExpression': {
      if (n.base?.type !== 'Identifier' || n.base.name !== param) return undefined;
      const key = literal(n.index);
      if (typeof key !== 'string') return undefined;
      return (r) => (own.call(r, key) ? r[key] : undefined);
    }
    case 'BinaryExpression': {
      if (n.operator !== '==' && n.operator !== '~=') return undefined;
      let field: Expr | undefined;
      let lit: Value | typeof NIL | undefined;
      if ((lit = literal(n.right)) !== undefined) field = compileExpr(n.left, param);
      else if ((lit = literal(n.left)) !== undefined) field = compileExpr(n.right, param);
      if (!field || lit === undefined || (n.left.type !== 'MemberExpression' && n.left.type !== 'IndexExpression' && n.right.type !== 'MemberExpression' && n.right.type !== 'IndexExpression')) return undefined;
      const eq = equalsLiteral(lit);
      const f = field;
      return n.operator === '==' ? (r) => eq(f(r)) : (r) => !eq(f(r));
    }
    case 'LogicalExpression': {
      const a = compileExpr(n.left, param);
      const b = compileExpr(n.right, param);
      if (!a || !b) return undefined;
      // Only truthiness matters to the caller: (a and b) is truthy iff both are, (a or b) iff either is.
      return n.operator === 'and' ? (r) => truthy(a(r)) && truthy(b(r)) : (r) => truthy(a(r)) || truthy(b(r));
    }
    case 'UnaryExpression': {
      if (n.operator !== 'not') return undefined;
      const a = compileExpr(n.argument, param);
      return a ? (r) => !truthy(a(r)) : undefined;
    }
    case 'BooleanLiteral':
      return n.value ? () => true : () => false;
    default:
      return undefined;
  }
}

const parsed = new Map<string, Node | null>();

function functionsOf(file: string): Node | null {
  if (parsed.has(file)) return parsed.get(file)!;
  let ast: Node | null = null;
  try {
    ast = luaparse.parse(readFileSync(file, 'utf8'), { locations: true, luaVersion: '5.3', comments: false }) as unknown as Node;
  } catch {
    ast = null;
  }
  if (parsed.size > 64) parsed.clear();
  parsed.set(file, ast);
  return ast;
}

function findFunctions(node: Node, line: number, last: number, out: Node[]): void {
  if (!node || typeof node !== 'object') return;
  if (node.type === 'FunctionDeclaration' && node.loc?.start.line === line && node.loc?.end.line === last) out.push(node);
  for (const v of Object.values(node)) {
    if (Array.isArray(v)) for (const c of v) findFunctions(c, line, last, out);
    else if (v && typeof v === 'object' && typeof (v as Node).type === 'string') findFunctions(v as Node, line, last, out);
  }
}

/** A JS predicate equivalent to the Lua function at `idx` of L, or undefined when it is not of the simple kind. */
export function compileFilter(host: LuaHost, L: LuaState, idx: number): ((record: Record<string, unknown>) => boolean) | undefined {
  if (process.env.KUMO_TAIL_COMPILE_FILTERS === '0') return undefined;
  const ar = new lua.lua_Debug();
  lua.lua_pushvalue(L, idx);
  lua.lua_getinfo(L, '>S', ar);
  const source = ar.source ? toJsString(ar.source) : '';
  if (!source.startsWith('@') || ar.linedefined <= 0) return undefined;
  const file = host.names.pathFor(source.slice(1)) ?? source.slice(1);
  const ast = functionsOf(file);
  if (!ast) return undefined;
  const found: Node[] = [];
  findFunctions(ast, ar.linedefined, ar.lastlinedefined, found);
  if (found.length !== 1) return undefined;
  const fn = found[0];
  if (fn.parameters.length !== 1 || fn.parameters[0].type !== 'Identifier') return undefined;
  if (fn.body.length !== 1 || fn.body[0].type !== 'ReturnStatement' || fn.body[0].arguments.length !== 1) return undefined;
  const expr = compileExpr(fn.body[0].arguments[0], fn.parameters[0].name);
  if (!expr) return undefined;
  return (record) => truthy(expr(record));
}
