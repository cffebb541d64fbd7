/** kumo.string (Rust str semantics) and kumo.regex (fancy_regex patterns translated to JS RegExp). */
import { lua, lauxlib, LuaState, raise, toJsString, toLuaString } from '../lua-api';
import { pushJs } from '../convert';
import { defineUserdataType, pushObject } from '../userdata';
import { kumoWrap } from './string-wrap';
import { pslDomain, pslSuffix } from './psl';
import type { KumoContext, KumoFunctions } from './context';

const str = (L: LuaState, i: number) => toJsString(lauxlib.luaL_checklstring(L, i), undefined, undefined, true);

/** Rust's str::split: an empty pattern yields '', each character, ''. */
export function rustSplit(s: string, pat: string, limit = Infinity): string[] {
  if (limit <= 0) return [];
  if (pat === '') {
    const parts = ['', ...Array.from(s), ''];
    if (parts.length <= limit) return parts;
    return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join('')];
  }
  const out: string[] = [];
  let from = 0;
  while (out.length < limit - 1) {
    const at = s.indexOf(pat, from);
    if (at < 0) break;
    out.push(s.slice(from, at));
    from = at + pat.length;
  }
  out.push(s.slice(from));
  return out;
}

/** Rust's str::rsplit / rsplitn: pieces from the end. */
export function rustRSplit(s: string, pat: string, limit = Infinity): string[] {
  if (limit <= 0) return [];
  if (pat === '') return rustSplit(s, pat).reverse().slice(0, limit);
  const out: string[] = [];
  let end = s.length;
  while (out.length < limit - 1) {
    const at = s.lastIndexOf(pat, end - pat.length);
    if (at < 0 || end - pat.length < 0) break;
    out.push(s.slice(at + pat.length, end));
    end = at;
  }
  out.push(s.slice(0, end));
  return out;
}

/** An optional `usize` argument (mlua's Option<usize>): nil or absent gives the default. */
function optUsize(L: LuaState, i: number, fallback: number, fn: string): number {
  if (lua.lua_isnoneornil(L, i)) return fallback;
  const n = lauxlib.luaL_checkinteger(L, i) as number;
  if (n < 0) return raise(L, `${fn}: error converting Lua integer to usize (out of range)`);
  return n;
}

/** A Rust `String` argument: valid UTF-8 only (mlua refuses other bytes). */
function utf8Arg(L: LuaState, i: number, fn: string): string {
  const bytes = lauxlib.luaL_checklstring(L, i);
  try {
    return toJsString(bytes);
  } catch {
    return raise(L, `${fn}: error converting Lua string to String (invalid utf-8 encoding)`);
  }
}

const pushOptStr = (L: LuaState, s: string | null) => {
  if (s === null) lua.lua_pushnil(L);
  else lua.lua_pushstring(L, toLuaString(s));
  return 1;
};

const pushList = (L: LuaState, list: string[]) => {
  pushJs(L, list.length ? list : []);
  if (list.length === 0) {
    lua.lua_pop(L, 1);
    lua.lua_createtable(L, 0, 0);
  }
  return 1;
};

const pushStr = (L: LuaState, s: string) => {
  lua.lua_pushstring(L, toLuaString(s));
  return 1;
};

/** Translates a Rust/fancy_regex pattern to a JS RegExp (named groups, inline flags, \A and \z). */
export function compileRustRegex(pattern: string, global = false): RegExp {
  let flags = 'u';
  let src = pattern;
  const lead = /^\(\?([imsxU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'i' || f === 'm' || f === 's') flags += f;
      else throw new Error(`inline flag '${f}' is not supported by the simulator's regex engine`);
    }
    src = src.slice(lead[0].length);
  }
  src = src.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])');
  return new RegExp(src, flags + (global ? 'g' : ''));
}

/** Rust replacement text (`$1`, `$name`, `${name}`, `$$`) to JS (`$1`, `$<name>`, `$$`). */
function jsReplacement(rep: string): string {
  return rep.replace(/\$(\$|\{(\w+)\}|([A-Za-z_]\w*)|(\d+))/g, (_all, _x: string, braced?: string, name?: string, num?: string) => {
    if (_x === '$') return '$$';
    const id = braced ?? name ?? num!;
    return /^\d+$/.test(id) ? `$${id}` : `$<${id}>`;
  });
}

export function textFunctions(ctx: KumoContext): KumoFunctions {
  defineUserdataType<RegExp>(ctx.host.L, {
    name: 'Regex',
    toString: (re) => `Regex(${re.source})`,
    methods: {
      captures: (L, re) => {
        const m = re.exec(str(L, 2));
        if (!m) {
          lua.lua_pushnil(L);
          return 1;
        }
        lua.lua_createtable(L, m.length, 0);
        m.forEach((v, i) => {
          if (v === undefined) return;
          lua.lua_pushstring(L, toLuaString(v));
          lua.lua_rawseti(L, -2, i);
        });
        for (const [name, v] of Object.entries(m.groups ?? {})) {
          if (v === undefined) continue;
          lua.lua_pushstring(L, toLuaString(v));
          lua.lua_setfield(L, -2, toLuaString(name));
        }
        return 1;
      },
      is_match: (L, re) => {
        lua.lua_pushboolean(L, re.test(str(L, 2)));
        return 1;
      },
      find: (L, re) => {
        const m = re.exec(str(L, 2));
        if (m) return pushStr(L, m[0]);
        lua.lua_pushnil(L);
        return 1;
      },
      find_all: (L, re) => pushList(L, [...str(L, 2).matchAll(new RegExp(re.source, re.flags + 'g'))].map((m) => m[0])),
      replace: (L, re) => pushStr(L, str(L, 2).replace(re, jsReplacement(str(L, 3)))),
      replace_all: (L, re) => pushStr(L, str(L, 2).replace(new RegExp(re.source, re.flags + 'g'), jsReplacement(str(L, 3)))),
      replacen: (L, re) => {
        const limit = lauxlib.luaL_checkinteger(L, 3) as number;
        const rep = jsReplacement(str(L, 4));
        let n = 0;
        const g = new RegExp(re.source, re.flags + 'g');
        return pushStr(L, str(L, 2).replace(g, (...args) => {
          if (limit > 0 && n >= limit) return args[0] as string;
          n++;
          return (args[0] as string).replace(new RegExp(re.source, re.flags), rep);
        }));
      },
      split: (L, re) => {
        const hay = str(L, 2);
        const out: string[] = [];
        let last = 0;
        for (const m of hay.matchAll(new RegExp(re.source, re.flags + 'g'))) {
          out.push(hay.slice(last, m.index));
          last = m.index! + m[0].length;
        }
        out.push(hay.slice(last));
        return pushList(L, out);
      },
    },
  });
  return {
    'kumo.regex.compile': (L) => {
      const pattern = str(L, 1);
      try {
        pushObject(L, 'Regex', compileRustRegex(pattern));
      } catch (e) {
        return raise(L, `kumo.regex.compile: invalid pattern '${pattern}': ${(e as Error).message}`);
      }
      return 1;
    },
    'kumo.regex.escape': (L) => pushStr(L, str(L, 1).replace(/[\\.+*?()|[\]{}^$#&\-~]/g, '\\$&')),
    'kumo.string.split': (L) => pushList(L, rustSplit(str(L, 1), str(L, 2))),
    'kumo.string.splitn': (L) => pushList(L, rustSplit(str(L, 1), str(L, 3), lauxlib.luaL_checkinteger(L, 2) as number)),
    'kumo.string.rsplit': (L) => pushList(L, rustRSplit(str(L, 1), str(L, 2))),
    'kumo.string.rsplitn': (L) => pushList(L, rustRSplit(str(L, 1), str(L, 3), lauxlib.luaL_checkinteger(L, 2) as number)),
    'kumo.string.split_whitespace': (L) => pushList(L, str(L, 1).split(/\s+/u).filter((s) => s !== '')),
    'kumo.string.split_ascii_whitespace': (L) => pushList(L, str(L, 1).split(/[ \t\n\f\r]+/).filter((s) => s !== '')),
    'kumo.string.trim': (L) => pushStr(L, str(L, 1).trim()),
    'kumo.string.trim_start': (L) => pushStr(L, str(L, 1).trimStart()),
    'kumo.string.trim_end': (L) => pushStr(L, str(L, 1).trimEnd()),
    'kumo.string.starts_with': (L) => (lua.lua_pushboolean(L, str(L, 1).startsWith(str(L, 2))), 1),
    'kumo.string.ends_with': (L) => (lua.lua_pushboolean(L, str(L, 1).endsWith(str(L, 2))), 1),
    'kumo.string.replace': (L) => pushStr(L, rustSplit(str(L, 1), str(L, 2)).join(str(L, 3))),
    'kumo.string.wrap': (L) => {
      const text = lauxlib.luaL_checklstring(L, 1) as Uint8Array;
      const soft = optUsize(L, 2, 75, 'kumo.string.wrap');
      const hard = optUsize(L, 3, 900, 'kumo.string.wrap');
      lua.lua_pushstring(L, kumoWrap(text, soft, hard));
      return 1;
    },
    'kumo.string.psl_domain': (L) => pushOptStr(L, pslDomain(utf8Arg(L, 1, 'kumo.string.psl_domain'))),
    'kumo.string.psl_suffix': (L) => pushOptStr(L, pslSuffix(utf8Arg(L, 1, 'kumo.string.psl_suffix'))),
    'kumo.string.replacen': (L) => {
      const s = str(L, 1);
      const from = str(L, 2);
      const parts = rustSplit(s, from, (lauxlib.luaL_checkinteger(L, 4) as number) + 1);
      return pushStr(L, parts.join(str(L, 3)));
    },
  };
}
