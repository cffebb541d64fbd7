/**
 * kumo.http.build_client: a real HTTP client over node's http/https. Client get/post/put build a request;
 * request:send() suspends the calling task until the response (status, headers, body) arrives or the
 * timeout passes. kumo.http.build_url is implemented too.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { lua, lauxlib, LuaState, raise, T, toJsString, toLuaString } from '../lua-api';
import { pushJs, toJs } from '../convert';
import { defineUserdataType, getObject, pushObject } from '../userdata';
import { checkConfigTable } from './config-check';
import { durationFromLua } from '../../values';
import type { KumoContext, KumoFunctions } from './context';

interface ClientOptions {
  userAgent?: string;
  timeoutMs: number;
  insecure: boolean;
  closed: boolean;
}

export class HttpRequestSpec {
  headers: [string, string][] = [];
  body?: Uint8Array;
  timeoutMs: number;
  constructor(readonly client: ClientOptions, readonly method: string, readonly url: string) {
    this.timeoutMs = client.timeoutMs;
    if (client.userAgent) this.headers.push(['user-agent', client.userAgent]);
  }
}

export interface HttpResult {
  status: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Performs a request with node's http/https; rejects on network errors and timeouts. */
export function performRequest(req: HttpRequestSpec): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new Error(`invalid URL '${req.url}'`));
      return;
    }
    const mod = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!mod) {
      reject(new Error(`unsupported URL scheme '${url.protocol}'`));
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of req.headers) headers[k] = v;
    if (req.body && headers['content-length'] === undefined) headers['content-length'] = String(req.body.length);
    // No pooled keep-alive sockets: nothing should keep a finished script's process alive.
    const r = mod.request(url, { method: req.method, headers, rejectUnauthorized: !req.client.insecure, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const hs: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) hs[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage, headers: hs, body: Uint8Array.from(Buffer.concat(chunks)) });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const timer = setTimeout(() => r.destroy(new Error(`request to ${req.url} timed out after ${req.timeoutMs / 1000} s`)), req.timeoutMs);
    r.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`error sending request for url (${req.url}): ${e.message}`));
    });
    if (req.body) r.write(req.body);
    r.end();
  });
}

export function httpFunctions(ctx: KumoContext): KumoFunctions {
  const L0 = ctx.host.L;
  const sched = ctx.host.scheduler;
  const str = (L: LuaState, i: number) => toJsString(lauxlib.luaL_checklstring(L, i), undefined, undefined, true);
  const self = (L: LuaState) => {
    lua.lua_pushvalue(L, 1);
    return 1;
  };
  const makeRequest = (method: string) => (L: LuaState, c: ClientOptions) => {
    if (c.closed) return raise(L, 'HttpClient: the client was closed');
    pushObject(L, 'HttpRequest', new HttpRequestSpec(c, method, str(L, 2)));
    return 1;
  };
  defineUserdataType<ClientOptions>(L0, {
    name: 'HttpClient',
    methods: {
      get: makeRequest('GET'),
      post: makeRequest('POST'),
      put: makeRequest('PUT'),
      close: (_L, c) => {
        c.closed = true;
        return 0;
      },
    },
  });
  defineUserdataType<HttpRequestSpec>(L0, {
    name: 'HttpRequest',
    methods: {
      header: (L, r) => {
        r.headers.push([str(L, 2).toLowerCase(), str(L, 3)]);
        return self(L);
      },
      headers: (L, r) => {
        for (const [k, v] of Object.entries((toJs(L, 2) ?? {}) as Record<string, unknown>)) r.headers.push([k.toLowerCase(), String(v)]);
        return self(L);
      },
      timeout: (L, r) => {
        const t = lua.lua_type(L, 2);
        const value = t === T.STRING ? str(L, 2) : (lauxlib.luaL_checknumber(L, 2) as number);
        const d = durationFromLua(value, { float: t === T.NUMBER && !lua.lua_isinteger(L, 2), callSite: 'http_timeout' });
        if (!d.ok) return raise(L, `HttpRequest:timeout: ${d.error.message}`);
        r.timeoutMs = d.value.seconds * 1000;
        return self(L);
      },
      basic_auth: (L, r) => {
        const pass = lua.lua_type(L, 3) === T.STRING ? str(L, 3) : '';
        r.headers.push(['authorization', 'Basic ' + Buffer.from(`${str(L, 2)}:${pass}`).toString('base64')]);
        return self(L);
      },
      bearer_auth: (L, r) => {
        r.headers.push(['authorization', `Bearer ${str(L, 2)}`]);
        return self(L);
      },
      body: (L, r) => {
        r.body = Uint8Array.from(lauxlib.luaL_checklstring(L, 2));
        return self(L);
      },
      form_url_encoded: (L, r) => {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries((toJs(L, 2) ?? {}) as Record<string, unknown>)) params.append(k, String(v));
        r.body = Uint8Array.from(Buffer.from(params.toString()));
        r.headers.push(['content-type', 'application/x-www-form-urlencoded']);
        return self(L);
      },
      form_multipart_data: (L) => raise(L, 'HttpRequest:form_multipart_data is not available in the simulator'),
      aws_sign_v4: (L) => raise(L, 'HttpRequest:aws_sign_v4 is not available in the simulator'),
      send: (L, r) => sched.awaitPromise(L, 'HttpRequest:send', performRequest(r), (L1, res) => {
        pushObject(L1, 'HttpResponse', res);
        return 1;
      }),
    },
  });
  const status = (test: (s: number) => boolean) => (L: LuaState, r: HttpResult) => (lua.lua_pushboolean(L, test(r.status)), 1);
  defineUserdataType<HttpResult>(L0, {
    name: 'HttpResponse',
    methods: {
      status_code: (L, r) => (lua.lua_pushinteger(L, r.status), 1),
      status_reason: (L, r) => {
        if (r.reason) lua.lua_pushstring(L, toLuaString(r.reason));
        else lua.lua_pushnil(L);
        return 1;
      },
      status_is_informational: status((s) => s >= 100 && s < 200),
      status_is_success: status((s) => s >= 200 && s < 300),
      status_is_redirection: status((s) => s >= 300 && s < 400),
      status_is_client_error: status((s) => s >= 400 && s < 500),
      status_is_server_error: status((s) => s >= 500 && s < 600),
      headers: (L, r) => {
        pushObject(L, 'HttpHeaderMap', r.headers);
        return 1;
      },
      content_length: (L, r) => {
        const n = r.headers['content-length'];
        if (n === undefined) lua.lua_pushnil(L);
        else lua.lua_pushinteger(L, Number(n));
        return 1;
      },
      text: (L, r) => (lua.lua_pushstring(L, r.body), 1),
      bytes: (L, r) => (lua.lua_pushstring(L, r.body), 1),
    },
  });
  defineUserdataType<Record<string, string>>(L0, {
    name: 'HttpHeaderMap',
    getField: (L, h, key) => {
      const v = h[key.toLowerCase()];
      if (v === undefined) return 0;
      lua.lua_pushstring(L, toLuaString(v));
      return 1;
    },
    meta: {
      __pairs: (L) => {
        const h = getObject(L, 1) as Record<string, string>;
        pushJs(L, h);
        lua.lua_getglobal(L, 'next');
        lua.lua_insert(L, -2);
        lua.lua_pushnil(L);
        return 3;
      },
    },
  });
  return {
    'kumo.http.build_client': (L) => {
      const opts = checkConfigTable(L, 1, ctx.catalog, 'kumo.http.build_client') as { user_agent?: string; timeout?: string | number; accept_invalid_certs?: boolean };
      const d = durationFromLua(opts.timeout ?? '60s');
      pushObject(L, 'HttpClient', {
        userAgent: opts.user_agent ?? undefined,
        timeoutMs: d.ok ? d.value.seconds * 1000 : 60_000,
        insecure: Boolean(opts.accept_invalid_certs),
        closed: false,
      } satisfies ClientOptions);
      return 1;
    },
    'kumo.http.build_url': (L) => {
      const base = str(L, 1);
      try {
        const url = new URL(base);
        if (lua.lua_type(L, 2) === T.TABLE) {
          for (const [k, v] of Object.entries(toJs(L, 2) as Record<string, unknown>)) url.searchParams.append(k, String(v));
        }
        lua.lua_pushstring(L, toLuaString(url.toString()));
      } catch {
        return raise(L, `kumo.http.build_url: invalid URL '${base}'`);
      }
      return 1;
    },
  };
}
