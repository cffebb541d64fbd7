/**
 * A fast path for the most common tailer filters: a function whose body is one `return` of comparisons
 * (==, ~=, and <, <=, >, >= on numbers) between fields of the record (`record.type`, `record.response.code`,
 * `record['x']`) and literals, combined with and/or/not, e.g.
 *   function(record) return record.type == 'Delivery' or record.response.code >= 500 end
 * is turned into an equivalent JS predicate, so the record never enters the Lua VM. Whenever Lua could raise or
 * would compare tables (indexing a nil field, comparing a number with nil), that record goes to the Lua function.
 * Anything else (upvalues, globals, calls, arithmetic, Lua 5.4-only syntax) keeps running in Lua.
 * The function's source is found through its chunk name and line range; the result is cross-checked against
 * the Lua function on the first records and then periodically, and dropped at the first disagreement.
 * Set KUMO_TAIL_COMPILE_FILTERS=0 to turn the fast path off.
 */
import { readFileSync } from 'node:fs';
import * as luaparse from 'luaparse';
import { lua, LuaState, toJsString } from '../vm/lua-api';
import type { LuaHost } from '../vm/host';

type Value = unknown;
/** Returned when only Lua can tell (it would raise, or compare tables): the caller then runs the Lua function. */
export const ASK_LUA = Symbol('ask Lua');
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

const isObject = (v: Value): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** `base.key` as the record view answers it; a base that is not a JSON object or array goes to Lua (it may raise). */
function field(base: Expr, key: string): Expr {
  return (r) => {
    const b = base(r);
    if (b === ASK_LUA || !isObject(b)) return ASK_LUA;
    if (Array.isArray(b)) return undefined;
    return own.call(b, key) ? b[key] : undefined;
  };
}

/** The filter's parameter name, and its upvalues (read when the filter runs, as Lua would). */
interface Ctx {
  param: string;
  upvalue(name: string): Expr | undefined;
}

/** Field access chains from the parameter: `record.a`, `record['a']`, `record.a.b`. */
function access(n: Node, ctx: Ctx): Expr | undefined {
  if (n.type === 'Identifier' && n.name === ctx.param) return (r) => r;
  if (n.type === 'MemberExpression' && n.indexer === '.') {
    const base = access(n.base, ctx);
    return base && field(base, n.identifier.name as string);
  }
  if (n.type === 'IndexExpression') {
    const key = literal(n.index);
    const base = access(n.base, ctx);
    return base && typeof key === 'string' ? field(base, key) : undefined;
  }
  return undefined;
}

/** An operand of a comparison: a field access, a literal, or an upvalue of the filter (`pool` in webhook.lua). */
function operand(n: Node, ctx: Ctx): Expr | undefined {
  const lit = literal(n);
  if (lit !== undefined) {
    const v = lit === NIL ? undefined : lit;
    return () => v;
  }
  if (n.type === 'Identifier') return n.name === ctx.param ? undefined : ctx.upvalue(n.name);
  return access(n, ctx);
}

/** Lua `==` on values seen through record views: tables (views) compare by identity, so only Lua can say. */
function luaEquals(a: Value, b: Value): boolean | typeof ASK_LUA {
  if (a === ASK_LUA || b === ASK_LUA) return ASK_LUA;
  if (isObject(a) || isObject(b)) return isObject(a) && isObject(b) ? ASK_LUA : false;
  if (a === null || a === undefined) return b === null || b === undefined;
  return a === b;
}

const RELATIONAL: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
};

function compileExpr(n: Node, ctx: Ctx): Expr | undefined {
  switch (n.type) {
    case 'MemberExpression':
    case 'IndexExpression':
      return access(n, ctx);
    case 'BinaryExpression': {
      const a = operand(n.left, ctx);
      const b = operand(n.right, ctx);
      if (!a || !b) return undefined;
      if (n.operator === '==' || n.operator === '~=') {
        const negate = n.operator === '~=';
        return (r) => {
          const eq = luaEquals(a(r), b(r));
          return eq === ASK_LUA ? ASK_LUA : negate ? !eq : eq;
        };
      }
      const rel = RELATIONAL[n.operator];
      if (!rel) return undefined;
      // Numbers only: strings compare by locale in Lua, and anything else raises there.
      return (r) => {
        const x = a(r);
        const y = b(r);
        return typeof x === 'number' && typeof y === 'number' ? rel(x, y) : ASK_LUA;
      };
    }
    case 'LogicalExpression': {
      const a = compileExpr(n.left, ctx);
      const b = compileExpr(n.right, ctx);
      if (!a || !b) return undefined;
      // Only truthiness matters to the caller: (a and b) is truthy iff both are, (a or b) iff either is;
      // both short-circuit as in Lua, so an operand Lua would not evaluate cannot raise.
      if (n.operator === 'and') {
        return (r) => {
          const x = a(r);
          if (x === ASK_LUA) return ASK_LUA;
          if (!truthy(x)) return false;
          const y = b(r);
          return y === ASK_LUA ? ASK_LUA : truthy(y);
        };
      }
      return (r) => {
        const x = a(r);
        if (x === ASK_LUA) return ASK_LUA;
        if (truthy(x)) return true;
        const y = b(r);
        return y === ASK_LUA ? ASK_LUA : truthy(y);
      };
    }
    case 'UnaryExpression': {
      if (n.operator !== 'not') return undefined;
      const a = compileExpr(n.argument, ctx);
      return a ? (r) => {
        const x = a(r);
        return x === ASK_LUA ? ASK_LUA : !truthy(x);
      } : undefined;
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

/**
 * A JS predicate equivalent to the Lua function at `idx` of L, or undefined when it is not of the simple kind.
 * `readUpvalue(i)` returns the current value of the function's upvalue number i (strings, numbers, booleans and
 * nil as JS values, anything else as ASK_LUA).
 */
export function compileFilter(host: LuaHost, L: LuaState, idx: number, readUpvalue?: (index: number) => Value): ((record: Record<string, unknown>) => boolean | typeof ASK_LUA) | undefined {
  idx = lua.lua_absindex(L, idx);
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
  const upvalues = new Map<string, number>();
  for (let i = 1; ; i++) {
    const name = lua.lua_getupvalue(L, idx, i);
    if (name === null || name === undefined) break;
    lua.lua_pop(L, 1);
    upvalues.set(typeof name === 'string' ? name : toJsString(name), i);
  }
  const ctx: Ctx = {
    param: fn.parameters[0].name,
    upvalue: (name) => {
      const i = upvalues.get(name);
      if (i === undefined || !readUpvalue || name === '_ENV') return undefined;
      const read = readUpvalue;
      return () => read(i);
    },
  };
  const expr = compileExpr(fn.body[0].arguments[0], ctx);
  if (!expr) return undefined;
  return (record) => {
    const v = expr(record);
    return v === ASK_LUA ? ASK_LUA : truthy(v);
  };
}
