/**
 * What tailer scripts commonly call besides `kumo.jsonl`, for VMs that do not provide it yet:
 * `kumo.serde.json_encode|json_encode_pretty|json_parse` (and the older `kumo.json_*`), and a small
 * `kumo.http.build_client` (get/post/put, header(s), body, timeout, basic/bearer auth, send; response status,
 * headers and text) over Node's fetch, enough to run webhook scripts against `kumo-policy receiver`.
 * `missingScriptSupport` keeps only the ones the VM still stubs as "not available in the simulator".
 */
import { lua, lauxlib, LuaState, lstr, raise, T, toJsString, toLuaString } from '../vm/lua-api';
import { pushJs, toJs } from '../vm/convert';
import { defineUserdataType, pushObject } from '../vm/userdata';
import type { KumoFunctions } from '../vm/kumo/context';
import type { LuaHost } from '../vm/host';
import type { PolicyEngine } from '../vm/engine';
import { parseDurationMs } from '../engines/tailer/duration';

function encode(L: LuaState, pretty: boolean): number {
  let v: unknown;
  try {
    v = toJs(L, 1);
  } catch (e) {
    return raise(L, `json_encode: ${(e as Error).message}`);
  }
  lua.lua_pushstring(L, toLuaString(JSON.stringify(v, null, pretty ? 2 : undefined) ?? 'null'));
  return 1;
}

function parse(L: LuaState): number {
  const text = toJsString(lauxlib.luaL_checkstring(L, 1), undefined, undefined, true);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return raise(L, `json_parse: ${(e as Error).message}`);
  }
  pushJs(L, v);
  return 1;
}

interface Client { timeoutMs: number; userAgent?: string; closed: boolean }
interface Request { client: Client; method: string; url: string; headers: Record<string, string>; body?: string; timeoutMs: number }
interface Response { status: number; reason: string; headers: Record<string, string>; text: string }

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 408: 'Request Timeout', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function scriptSupportFunctions(getHost: () => LuaHost): KumoFunctions {
  let typesIn: LuaHost | undefined;
  const ensure = () => {
    const host = getHost();
    if (typesIn !== host) {
      typesIn = host;
      defineHttpTypes(host);
    }
    return host;
  };
  return {
    'kumo.serde.json_encode': (L) => encode(L, false),
    'kumo.serde.json_encode_pretty': (L) => encode(L, true),
    'kumo.serde.json_parse': parse,
    'kumo.json_encode': (L) => encode(L, false),
    'kumo.json_parse': parse,
    'kumo.time.now': (L) => {
      ensure();
      pushObject(L, 'Time', { ms: Date.now() });
      return 1;
    },
    'kumo.http.build_client': (L) => {
      ensure();
      const opts = lua.lua_type(L, 1) === T.TABLE ? (toJs(L, 1, { opaque: 'describe' }) as Record<string, unknown>) : {};
      let timeoutMs = 60_000;
      if (opts.timeout !== undefined && opts.timeout !== null) {
        try {
          timeoutMs = parseDurationMs(opts.timeout as string | number, 'timeout');
        } catch (e) {
          return raise(L, `kumo.http.build_client: ${(e as Error).message}`);
        }
      }
      pushObject(L, 'HttpClient', { timeoutMs, userAgent: opts.user_agent as string | undefined, closed: false } satisfies Client);
      return 1;
    },
  };
}

function defineHttpTypes(host: LuaHost): void {
  const state = host.L;
  defineUserdataType<{ ms: number }>(state, {
    name: 'Time',
    toString: (t) => new Date(t.ms).toISOString(),
    getField: (L, t, key) => {
      if (key === 'unix_timestamp') lua.lua_pushnumber(L, Math.floor(t.ms / 1000));
      else if (key === 'unix_timestamp_millis') lua.lua_pushnumber(L, t.ms);
      else if (key === 'rfc3339') lua.lua_pushstring(L, toLuaString(new Date(t.ms).toISOString()));
      else if (key === 'elapsed') lua.lua_pushnumber(L, (Date.now() - t.ms) / 1000);
      else return 0;
      return 1;
    },
  });
  const request = (method: string) => (L: LuaState, c: Client): number => {
    const url = toJsString(lauxlib.luaL_checkstring(L, 2));
    const headers: Record<string, string> = {};
    if (c.userAgent) headers['user-agent'] = c.userAgent;
    pushObject(L, 'HttpRequest', { client: c, method, url, headers, timeoutMs: c.timeoutMs } satisfies Request);
    return 1;
  };
  defineUserdataType<Client>(state, {
    name: 'HttpClient',
    methods: {
      get: request('GET'),
      post: request('POST'),
      put: request('PUT'),
      close: (_L, c) => {
        c.closed = true;
        return 0;
      },
    },
  });
  const self = (L: LuaState): number => {
    lua.lua_pushvalue(L, 1);
    return 1;
  };
  defineUserdataType<Request>(state, {
    name: 'HttpRequest',
    toString: (r) => `HttpRequest(${r.method} ${r.url})`,
    methods: {
      header: (L, r) => {
        r.headers[toJsString(lauxlib.luaL_checkstring(L, 2)).toLowerCase()] = toJsString(lauxlib.luaL_checkstring(L, 3));
        return self(L);
      },
      headers: (L, r) => {
        const h = toJs(L, 2) as Record<string, unknown>;
        for (const [k, v] of Object.entries(h ?? {})) r.headers[k.toLowerCase()] = String(v);
        return self(L);
      },
      body: (L, r) => {
        r.body = toJsString(lauxlib.luaL_checkstring(L, 2), undefined, undefined, true);
        return self(L);
      },
      timeout: (L, r) => {
        const v = lua.lua_type(L, 2) === T.NUMBER ? (lua.lua_tonumber(L, 2) as number) : toJsString(lauxlib.luaL_checkstring(L, 2));
        try {
          r.timeoutMs = parseDurationMs(v, 'timeout');
        } catch (e) {
          return raise(L, `request:timeout: ${(e as Error).message}`);
        }
        return self(L);
      },
      basic_auth: (L, r) => {
        const user = toJsString(lauxlib.luaL_checkstring(L, 2));
        const pass = lua.lua_type(L, 3) === T.STRING ? toJsString(lua.lua_tostring(L, 3)) : '';
        r.headers.authorization = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
        return self(L);
      },
      bearer_auth: (L, r) => {
        r.headers.authorization = 'Bearer ' + toJsString(lauxlib.luaL_checkstring(L, 2));
        return self(L);
      },
      send: (L, r) => host.scheduler.awaitPromise(L, 'request:send', send(r), (L1, resp) => {
        pushObject(L1, 'HttpResponse', resp);
        return 1;
      }),
    },
  });
  const bool = (L: LuaState, b: boolean) => {
    lua.lua_pushboolean(L, b);
    return 1;
  };
  defineUserdataType<Response>(state, {
    name: 'HttpResponse',
    toString: (r) => `HttpResponse(${r.status} ${r.reason})`,
    methods: {
      status_code: (L, r) => {
        lua.lua_pushinteger(L, r.status);
        return 1;
      },
      status_reason: (L, r) => {
        lua.lua_pushstring(L, lstr(r.reason));
        return 1;
      },
      status_is_informational: (L, r) => bool(L, r.status >= 100 && r.status < 200),
      status_is_success: (L, r) => bool(L, r.status >= 200 && r.status < 300),
      status_is_redirection: (L, r) => bool(L, r.status >= 300 && r.status < 400),
      status_is_client_error: (L, r) => bool(L, r.status >= 400 && r.status < 500),
      status_is_server_error: (L, r) => bool(L, r.status >= 500 && r.status < 600),
      headers: (L, r) => {
        pushJs(L, r.headers);
        return 1;
      },
      content_length: (L, r) => {
        lua.lua_pushinteger(L, Buffer.byteLength(r.text));
        return 1;
      },
      text: (L, r) => {
        lua.lua_pushstring(L, toLuaString(r.text));
        return 1;
      },
      bytes: (L, r) => {
        lua.lua_pushstring(L, toLuaString(r.text));
        return 1;
      },
    },
  });
}

async function send(r: Request): Promise<Response> {
  if (r.client.closed) throw new Error(`request:send: the client was closed (${r.method} ${r.url})`);
  let res: globalThis.Response;
  try {
    res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(r.timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new Error(`error sending request for url (${r.url}): ${cause ?? (e as Error).message}`);
  }
  const text = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, reason: res.statusText || STATUS_TEXT[res.status] || '', headers, text };
}

/** Installs the fallbacks the engine still stubs (a function raising "... not available in the simulator"). */
export function installMissingScriptSupport(engine: PolicyEngine): string[] {
  const fns = scriptSupportFunctions(() => engine.host);
  const installed: string[] = [];
  const L = engine.host.L;
  for (const [name, fn] of Object.entries(fns)) {
    const parts = name.split('.');
    const top = lua.lua_gettop(L);
    let stub = true;
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lstr('_LOADED'));
    let ok = true;
    for (const p of parts.slice(0, -1)) {
      if (lua.lua_getfield(L, -1, lstr(p)) !== T.TABLE) {
        ok = false;
        break;
      }
    }
    if (ok && lua.lua_getfield(L, -1, lstr(parts[parts.length - 1])) === T.FUNCTION) {
      // Probe: a stub raises "<name> is not available in the simulator" whatever its arguments.
      if (lua.lua_pcall(L, 0, 0, 0) === 0) stub = false;
      else stub = /is not available in the simulator/.test(toJsString(lua.lua_tolstring(L, -1) ?? lstr(''), undefined, undefined, true));
    }
    lua.lua_settop(L, top);
    if (stub) {
      engine.defineFunction(name, fn);
      installed.push(name);
    }
  }
  return installed;
}
