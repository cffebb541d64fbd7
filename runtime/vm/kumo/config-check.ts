/**
 * The one place that checks a Lua table argument against a catalog config table: unknown keys (where kumod's
 * struct denies them), missing required keys, and each value against its catalog type, with value kinds
 * (duration, throttle, limit, cidr, ...) delegated to runtime/values. Returns the table as JS with the
 * catalog's defaults filled in; raises a Lua error naming the function and the key otherwise.
 */
import { lua, lauxlib, LuaState, lstr, raise, T, toJsString } from '../lua-api';
import { toJs } from '../convert';
import type { Catalog } from '../../catalog/catalog';
import type { ConfigKeyData, ConfigTableData } from '../../catalog/schema';
import { parseTypeExpr, TypeExpr } from '../../catalog/type-expr';
import { suggest } from '../../catalog/suggest';
import { enumKind, getValueKind } from '../../values';

/**
 * A failed check. Not an Error: union members are tried by catching these, and capturing a stack trace for
 * every rejected member would cost more than the check itself.
 */
class CheckError {
  constructor(readonly path: string, readonly message: string) {}
}

/** Per config table: its key names (for messages) and the keys that are required or have a default. */
interface TableFacts {
  known: string[];
  filled: Array<[string, ConfigKeyData]>;
}
const tableFacts = new WeakMap<ConfigTableData, TableFacts>();
function factsOf(table: ConfigTableData): TableFacts {
  let f = tableFacts.get(table);
  if (!f) {
    const entries = Object.entries(table.keys);
    f = { known: entries.map(([k]) => k), filled: entries.filter(([, d]) => d.required || (d.default !== undefined && d.default !== null)) };
    tableFacts.set(table, f);
  }
  return f;
}

/** Checks the table at `idx` for catalog function `fnName`; returns it as JS with defaults applied. */
export function checkConfigTable(L: LuaState, idx: number, catalog: Catalog, fnName: string): Record<string, unknown> {
  const fn = catalog.getFunction(fnName);
  const table = fn ? catalog.tableParamOf(fn) : undefined;
  idx = lua.lua_absindex(L, idx);
  if (lua.lua_type(L, idx) !== T.TABLE) {
    return raise(L, `${fnName}: expected a table argument, got ${toJsString(lauxlib.luaL_typename(L, idx))}`);
  }
  try {
    if (!table) return toJs(L, idx, { opaque: 'describe' }) as Record<string, unknown>;
    return checkTable(L, idx, table, catalog);
  } catch (e) {
    if (e instanceof CheckError) {
      return raise(L, `${fnName}: ${e.path ? `invalid value for '${e.path}': ` : ''}${e.message}`);
    }
    return raise(L, `${fnName}: ${(e as Error).message}`);
  }
}

function checkTable(L: LuaState, idx: number, table: ConfigTableData, catalog: Catalog): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const facts = factsOf(table);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx) !== 0) {
    if (lua.lua_type(L, -2) !== T.STRING) {
      lua.lua_pop(L, 2);
      throw new CheckError('', `${table.name} takes named keys only (found a ${toJsString(lauxlib.luaL_typename(L, -1))} key)`);
    }
    const key = toJsString(lua.lua_tostring(L, -2));
    const data = table.keys[key];
    if (!data) {
      if (table.deny_unknown_fields) {
        lua.lua_pop(L, 2);
        const close = suggest(key, facts.known);
        throw new CheckError('', `unknown key '${key}'${close.length ? ` (did you mean '${close[0]}'?)` : ''}; ${table.name} takes: ${facts.known.join(', ')}`);
      }
      out[key] = toJs(L, -1, { opaque: 'describe' });
    } else {
      try {
        out[key] = checkValue(L, lua.lua_absindex(L, -1), parseTypeExpr(data.type), data, catalog, key);
      } catch (e) {
        lua.lua_pop(L, 2);
        throw e;
      }
    }
    lua.lua_pop(L, 1);
  }
  for (const [key, data] of facts.filled) {
    if (key in out) continue;
    if (data.required) throw new CheckError('', `missing required key '${key}'`);
    if (data.default !== undefined && data.default !== null) out[key] = data.default;
  }
  return out;
}

const SCALAR_NAMES: Record<string, number> = { string: T.STRING, boolean: T.BOOLEAN, function: T.FUNCTION, userdata: T.USERDATA };

function checkValue(L: LuaState, idx: number, type: TypeExpr, data: ConfigKeyData | undefined, catalog: Catalog, path: string): unknown {
  const t = lua.lua_type(L, idx);
  const typeName = () => toJsString(lua.lua_typename(L, t));
  switch (type.kind) {
    case 'unknown':
      return toJs(L, idx, { opaque: 'describe' });
    case 'literal':
      if (t === T.STRING && toJsString(lua.lua_tostring(L, idx)) === type.value) return type.value;
      throw new CheckError(path, `expected "${type.value}", got ${describe(L, idx)}`);
    case 'union': {
      const errors: string[] = [];
      for (const member of type.types) {
        try {
          return checkValue(L, idx, member, data, catalog, path);
        } catch (e) {
          if (!(e instanceof CheckError)) throw e;
          // "expected nil" says nothing useful about a value that is there.
          if (!(member.kind === 'name' && member.name === 'nil' && t !== T.NIL)) errors.push(e.message);
        }
      }
      throw new CheckError(path, errors.length === 1 ? errors[0] : `none of the accepted forms matched: ${errors.join('; ')}`);
    }
    case 'array': {
      if (t !== T.TABLE) throw new CheckError(path, `expected an array (table), got ${typeName()}`);
      const n = lua.lua_rawlen(L, idx) as number;
      const arr: unknown[] = [];
      for (let i = 1; i <= n; i++) {
        lua.lua_rawgeti(L, idx, i);
        try {
          arr.push(checkValue(L, lua.lua_absindex(L, -1), type.item, undefined, catalog, `${path}[${i}]`));
        } finally {
          lua.lua_pop(L, 1);
        }
      }
      return arr;
    }
    case 'map': {
      if (t !== T.TABLE) throw new CheckError(path, `expected a table, got ${typeName()}`);
      const obj: Record<string, unknown> = {};
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx) !== 0) {
        const key = toJsString(lauxlib.luaL_tolstring(L, -2));
        lua.lua_pop(L, 1);
        try {
          checkValue(L, lua.lua_absindex(L, -2), type.key, undefined, catalog, `${path}.${key}`);
          obj[key] = checkValue(L, lua.lua_absindex(L, -1), type.value, undefined, catalog, `${path}.${key}`);
        } catch (e) {
          lua.lua_pop(L, 2);
          throw e;
        }
        lua.lua_pop(L, 1);
      }
      return obj;
    }
    case 'record': {
      if (t !== T.TABLE) throw new CheckError(path, `expected a table, got ${typeName()}`);
      const obj = toJs(L, idx, { opaque: 'describe' }) as Record<string, unknown>;
      for (const f of type.fields) {
        lua.lua_getfield(L, idx, lstr(f.name));
        try {
          if (lua.lua_isnil(L, -1)) {
            if (!f.optional && f.default === undefined && !(f.type.kind === 'union' && f.type.types.some((m) => m.kind === 'name' && m.name === 'nil'))) {
              throw new CheckError(`${path}.${f.name}`, 'missing required key');
            }
          } else obj[f.name] = checkValue(L, lua.lua_absindex(L, -1), f.type, undefined, catalog, `${path}.${f.name}`);
        } finally {
          lua.lua_pop(L, 1);
        }
      }
      return obj;
    }
    case 'tuple':
      return toJs(L, idx, { opaque: 'describe' });
    case 'name':
      break;
  }
  const name = type.name;
  if (name === 'any' || name === 'table' && t === T.TABLE) return toJs(L, idx, { opaque: 'describe' });
  if (name === 'nil') {
    if (t === T.NIL) return null;
    throw new CheckError(path, `expected nil, got ${typeName()}`);
  }
  if (name === 'integer') {
    if (lua.lua_isinteger(L, idx)) return lua.lua_tointeger(L, idx);
    if (t === T.NUMBER && Number.isInteger(lua.lua_tonumber(L, idx))) return lua.lua_tonumber(L, idx);
    throw new CheckError(path, `expected an integer, got ${describe(L, idx)}`);
  }
  if (name === 'number') {
    if (t === T.NUMBER) return lua.lua_tonumber(L, idx);
    throw new CheckError(path, `expected a number, got ${describe(L, idx)}`);
  }
  if (name === 'string' && t === T.NUMBER) return toJsString(lua.lua_tolstring(L, idx));
  if (name in SCALAR_NAMES) {
    if (t !== SCALAR_NAMES[name]) throw new CheckError(path, `expected a ${name}, got ${describe(L, idx)}`);
    return name === 'function' || name === 'userdata' ? `<${name}>` : toJs(L, idx);
  }
  if (name === 'table') throw new CheckError(path, `expected a table, got ${typeName()}`);
  const kind = name === 'enum' ? (data?.enum ? enumKind(data.enum) : undefined) : getValueKind(name);
  if (kind) {
    if (t !== T.STRING && t !== T.NUMBER) throw new CheckError(path, `expected ${kind.summary}, got ${typeName()}`);
    const value = t === T.STRING ? toJsString(lua.lua_tostring(L, idx)) : (lua.lua_tonumber(L, idx) as number);
    const r = kind.validate(value, { float: t === T.NUMBER && !lua.lua_isinteger(L, idx) });
    if (!r.ok) throw new CheckError(path, r.error.message);
    return value;
  }
  // A shape or object the catalog describes: check its fields when it lists them, else accept any table/userdata.
  const shape = catalog.data.table_shapes[name] ?? catalog.getConfigTable(name);
  const fields = shape && ('keys' in shape ? shape.keys : shape.fields);
  if (fields && t === T.TABLE) {
    const fake: ConfigTableData = { name, used_by: [], source: '', deny_unknown_fields: Boolean(shape.deny_unknown_fields), keys: fields as Record<string, ConfigKeyData> };
    return checkTable(L, idx, fake, catalog);
  }
  return toJs(L, idx, { opaque: 'describe' });
}

function describe(L: LuaState, idx: number): string {
  const t = lua.lua_type(L, idx);
  if (t === T.STRING) return `the string "${toJsString(lua.lua_tostring(L, idx))}"`;
  if (t === T.NUMBER) return `${lua.lua_isinteger(L, idx) ? 'the integer' : 'the float'} ${toJsString(lua.lua_tolstring(L, idx))}`;
  return toJsString(lua.lua_typename(L, t));
}
