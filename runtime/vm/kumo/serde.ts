/**
 * kumo.serde (and the legacy kumo.json_* / kumo.toml_* names): JSON, TOML and YAML to and from Lua.
 * JSON is encoded and decoded directly against the Lua stack so integers and floats stay apart (1 vs 1.0)
 * as serde_json keeps them; JSON null decodes to a light userdata (mlua's NULL), not nil.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as TOML from 'smol-toml';
import * as YAML from 'yaml';
import { lua, lauxlib, LuaState, raise, T, toJsString, toLuaString } from '../lua-api';
import { pushJs, pushNumber, toJs } from '../convert';
import { getObject } from '../userdata';
import type { KumoContext, KumoFunctions } from './context';
import { ConfigValue } from './constructors';

/** The value JSON null decodes to (shown as `userdata: NULL`-like light userdata). */
export const JSON_NULL = Object.freeze({ null: true });

function jsonNumber(L: LuaState, idx: number): string {
  if (lua.lua_isinteger(L, idx)) return String(lua.lua_tointeger(L, idx));
  const n = lua.lua_tonumber(L, idx) as number;
  if (!Number.isFinite(n)) return 'null';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return n.toFixed(1);
  return String(n).replace('e+', 'e');
}

/** Serializes the Lua value at idx as JSON (serde_json layout when pretty: 2 spaces, `"k": v`). */
export function encodeJson(L: LuaState, idx: number, pretty: boolean, depth = 0, seen = new Set<unknown>()): string {
  idx = lua.lua_absindex(L, idx);
  const t = lua.lua_type(L, idx);
  switch (t) {
    case T.NIL:
    case T.NONE:
      return 'null';
    case T.BOOLEAN:
      return lua.lua_toboolean(L, idx) ? 'true' : 'false';
    case T.NUMBER:
      return jsonNumber(L, idx);
    case T.STRING:
      return JSON.stringify(toJsString(lua.lua_tostring(L, idx), undefined, undefined, true));
    case T.LIGHTUSERDATA:
      return 'null';
    case T.USERDATA: {
      const obj = getObject(L, idx);
      if (obj === undefined) break;
      const plain = obj instanceof ConfigValue ? obj.value : obj;
      return pretty ? JSON.stringify(plain, null, 2).replace(/\n/g, '\n' + '  '.repeat(depth)) : JSON.stringify(plain);
    }
    case T.TABLE: {
      const id = lua.lua_topointer(L, idx);
      if (seen.has(id)) throw new Error('cannot serialize a table that contains itself');
      seen.add(id);
      const n = lua.lua_rawlen(L, idx) as number;
      let count = 0;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx) !== 0) {
        count++;
        lua.lua_pop(L, 1);
      }
      const nl = pretty ? '\n' + '  '.repeat(depth + 1) : '';
      const end = pretty ? '\n' + '  '.repeat(depth) : '';
      let text: string;
      if (n > 0 && count === n) {
        const items: string[] = [];
        for (let i = 1; i <= n; i++) {
          lua.lua_rawgeti(L, idx, i);
          items.push(encodeJson(L, -1, pretty, depth + 1, seen));
          lua.lua_pop(L, 1);
        }
        text = `[${nl}${items.join(',' + nl)}${end}]`;
      } else if (count === 0) text = '{}';
      else {
        const items: string[] = [];
        lua.lua_pushnil(L);
        while (lua.lua_next(L, idx) !== 0) {
          const kt = lua.lua_type(L, -2);
          if (kt !== T.STRING && kt !== T.NUMBER) {
            lua.lua_pop(L, 2);
            throw new Error(`cannot serialize a table key of type ${toJsString(lua.lua_typename(L, kt))}`);
          }
          lua.lua_pushvalue(L, -2);
          const key = toJsString(lua.lua_tolstring(L, -1), undefined, undefined, true);
          lua.lua_pop(L, 1);
          try {
            items.push(`${JSON.stringify(key)}:${pretty ? ' ' : ''}${encodeJson(L, -1, pretty, depth + 1, seen)}`);
          } catch (e) {
            lua.lua_pop(L, 2);
            throw e;
          }
          lua.lua_pop(L, 1);
        }
        text = `{${nl}${items.join(',' + nl)}${end}}`;
      }
      seen.delete(id);
      return text;
    }
  }
  throw new Error(`cannot serialize a ${toJsString(lauxlib.luaL_typename(L, idx))}`);
}

/** Parses JSON text straight onto the Lua stack (one value pushed). */
export function decodeJson(L: LuaState, text: string): void {
  let i = 0;
  const fail = (what: string): never => {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    const column = i - before.lastIndexOf('\n');
    throw new Error(`${what} at line ${line} column ${column}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (depth: number): void => {
    if (depth > 128) fail('recursion limit exceeded');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      lua.lua_createtable(L, 0, 0);
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('key must be a string');
        const key = str();
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        value(depth + 1);
        lua.lua_setfield(L, -2, toLuaString(key));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      lua.lua_createtable(L, 0, 0);
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 1; ; n++) {
        value(depth + 1);
        lua.lua_rawseti(L, -2, n);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') {
      lua.lua_pushstring(L, toLuaString(str()));
      return;
    }
    if (text.startsWith('true', i)) {
      i += 4;
      lua.lua_pushboolean(L, true);
      return;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      lua.lua_pushboolean(L, false);
      return;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      lua.lua_pushlightuserdata(L, JSON_NULL);
      return;
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail(c === undefined ? 'EOF while parsing a value' : 'expected value');
    i += m![0].length;
    const n = Number(m![0]);
    if (m![2] || m![3]) lua.lua_pushnumber(L, n);
    else pushNumber(L, n);
  };
  const str = (): string => {
    const start = i;
    i++;
    let simple = true;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        simple = false;
        i++;
      }
      i++;
    }
    if (i >= text.length) fail('EOF while parsing a string');
    i++;
    const raw = text.slice(start, i);
    if (simple) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return fail('invalid escape');
    }
  };
  value(0);
  ws();
  if (i < text.length) fail('trailing characters');
}

function fromJs(v: unknown): unknown {
  if (v instanceof Date || (v && typeof v === 'object' && (v as { constructor?: { name?: string } }).constructor?.name === 'TomlDate')) return String(v);
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(fromJs);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJs(x)]));
  }
  return v;
}

export function serdeFunctions(ctx: KumoContext): KumoFunctions {
  const guard = (L: LuaState, fn: string, body: () => number): number => {
    try {
      return body();
    } catch (e) {
      return raise(L, `${fn}: ${(e as Error).message}`);
    }
  };
  const text = (L: LuaState) => toJsString(lauxlib.luaL_checkstring(L, 1), undefined, undefined, true);
  // Relative paths are taken from the policy directory (kumod uses its working directory).
  const readPath = (L: LuaState) => readFileSync(resolve(ctx.host.policyDir, text(L)), 'utf8');
  const plain = (L: LuaState) => toJs(L, 1, { opaque: 'error' });
  const fns: KumoFunctions = {
    'kumo.serde.json_parse': (L) => guard(L, 'json_parse', () => (decodeJson(L, text(L)), 1)),
    'kumo.serde.json_load': (L) => guard(L, 'json_load', () => (decodeJson(L, readPath(L)), 1)),
    'kumo.serde.json_encode': (L) => guard(L, 'json_encode', () => (lua.lua_pushstring(L, toLuaString(encodeJson(L, 1, false))), 1)),
    'kumo.serde.json_encode_pretty': (L) => guard(L, 'json_encode_pretty', () => (lua.lua_pushstring(L, toLuaString(encodeJson(L, 1, true))), 1)),
    'kumo.serde.toml_parse': (L) => guard(L, 'toml_parse', () => (pushJs(L, fromJs(TOML.parse(text(L)))), 1)),
    'kumo.serde.toml_load': (L) => guard(L, 'toml_load', () => (pushJs(L, fromJs(TOML.parse(readPath(L)))), 1)),
    'kumo.serde.toml_encode': (L) => guard(L, 'toml_encode', () => (lua.lua_pushstring(L, toLuaString(TOML.stringify(plain(L) as Record<string, unknown>))), 1)),
    'kumo.serde.toml_encode_pretty': (L) => guard(L, 'toml_encode_pretty', () => (lua.lua_pushstring(L, toLuaString(TOML.stringify(plain(L) as Record<string, unknown>))), 1)),
    'kumo.serde.toml_encode_pretty_compact': (L) => guard(L, 'toml_encode_pretty_compact', () => (lua.lua_pushstring(L, toLuaString(TOML.stringify(plain(L) as Record<string, unknown>))), 1)),
    'kumo.serde.yaml_parse': (L) => guard(L, 'yaml_parse', () => (pushJs(L, fromJs(YAML.parse(text(L)))), 1)),
    'kumo.serde.yaml_load': (L) => guard(L, 'yaml_load', () => (pushJs(L, fromJs(YAML.parse(readPath(L)))), 1)),
    'kumo.serde.yaml_encode': (L) => guard(L, 'yaml_encode', () => (lua.lua_pushstring(L, toLuaString(YAML.stringify(plain(L)))), 1)),
  };
  // The older top-level names share the implementations.
  for (const name of ['json_load', 'json_parse', 'json_encode', 'json_encode_pretty', 'toml_load', 'toml_parse', 'toml_encode', 'toml_encode_pretty']) {
    fns[`kumo.${name}`] = fns[`kumo.serde.${name}`];
  }
  return fns;
}

