/**
 * The Message a simulation hands to `smtp_server_message_received`: envelope, meta and headers, with the
 * kumod methods a routing policy uses (meta, envelope, header reads and edits). Data-changing methods
 * that need a real MIME body (dkim_sign, arc_seal, ...) are accepted and ignored, so policies run.
 * Used only when the VM does not provide its own Message type.
 */
import { lua, lauxlib, LuaState, raise, T, toJsString, toLuaString } from '../vm/lua-api';
import { pushJs, toJs } from '../vm/convert';
import type { UserdataType } from '../vm/userdata';
import type { PolicyEngine } from '../vm/engine';

export interface SimMessageInit {
  sender: string;
  recipients: string[];
  meta?: Record<string, unknown>;
  headers?: Array<[string, string]>;
  body?: string;
  id?: string;
}

export class SimMessage {
  sender: string;
  recipients: string[];
  meta: Record<string, unknown>;
  headers: Array<[string, string]>;
  body: string;
  readonly id: string;
  attempts = 0;
  /** Names of methods the policy called that the simulation does not model (they did nothing). */
  readonly ignored = new Set<string>();

  constructor(init: SimMessageInit) {
    this.sender = init.sender;
    this.recipients = [...init.recipients];
    this.meta = { ...(init.meta ?? {}) };
    this.headers = [...(init.headers ?? [])];
    this.body = init.body ?? 'Simulated message body.\r\n';
    this.id = init.id ?? 'c0ffee0000000000000000000000000a';
  }

  header(name: string): string | null {
    const n = name.toLowerCase();
    const h = this.headers.find(([k]) => k.toLowerCase() === n);
    return h ? h[1] : null;
  }

  /** The RFC 5322 text (headers then body). */
  data(): string {
    return this.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n' + this.body;
  }
}

export class EnvelopeAddress {
  constructor(readonly email: string) {}
  get user(): string {
    const i = this.email.lastIndexOf('@');
    return i < 0 ? this.email : this.email.slice(0, i);
  }
  get domain(): string {
    const i = this.email.lastIndexOf('@');
    return i < 0 ? '' : this.email.slice(i + 1);
  }
}

function str(L: LuaState, idx: number): string {
  return toJsString(lauxlib.luaL_checkstring(L, idx));
}

function addressArg(L: LuaState, idx: number): string {
  if (lua.lua_type(L, idx) === T.STRING) return str(L, idx);
  const v = toJs(L, idx, { opaque: 'describe' });
  if (v instanceof EnvelopeAddress) return v.email;
  return raise(L, `expected an address string or EnvelopeAddress, got ${toJsString(lauxlib.luaL_typename(L, idx))}`);
}

/** Registers the Message and EnvelopeAddress types in the engine; returns the pusher for messages. */
export function installSimMessage(engine: PolicyEngine): (L: LuaState, m: SimMessage) => void {
  const addrType: UserdataType<EnvelopeAddress> = {
    name: 'EnvelopeAddress',
    getField: (L, self, key) => {
      if (key === 'user' || key === 'domain' || key === 'email') {
        lua.lua_pushstring(L, toLuaString(self[key]));
        return 1;
      }
      return 0;
    },
    toString: (self) => self.email,
  };
  const pushAddr = engine.defineObjectType(addrType);
  const ignore = (name: string) => (_L: LuaState, m: SimMessage): number => {
    m.ignored.add(name);
    return 0;
  };
  const msgType: UserdataType<SimMessage> = {
    name: 'Message',
    toString: (m) => `Message(${m.id})`,
    methods: {
      id: (L, m) => (lua.lua_pushstring(L, toLuaString(m.id)), 1),
      sender: (L, m) => (pushAddr(L, new EnvelopeAddress(m.sender)), 1),
      set_sender: (L, m) => ((m.sender = addressArg(L, 2)), 0),
      recipient: (L, m) => {
        if (m.recipients.length === 0) return 0;
        pushAddr(L, new EnvelopeAddress(m.recipients[0]));
        return 1;
      },
      recipient_list: (L, m) => {
        lua.lua_createtable(L, m.recipients.length, 0);
        m.recipients.forEach((r, i) => {
          pushAddr(L, new EnvelopeAddress(r));
          lua.lua_rawseti(L, -2, i + 1);
        });
        return 1;
      },
      set_recipient: (L, m) => {
        if (lua.lua_type(L, 2) === T.TABLE && !(toJs(L, 2, { opaque: 'describe' }) instanceof EnvelopeAddress)) {
          const list = toJs(L, 2, { opaque: 'describe' });
          m.recipients = (Array.isArray(list) ? list : []).map((x) => (x instanceof EnvelopeAddress ? x.email : String(x)));
        } else m.recipients = [addressArg(L, 2)];
        return 0;
      },
      set_meta: (L, m) => {
        const key = str(L, 2);
        m.meta[key] = toJs(L, 3, { opaque: 'describe' });
        if (m.meta[key] === null) delete m.meta[key];
        return 0;
      },
      get_meta: (L, m) => {
        pushJs(L, m.meta[str(L, 2)] ?? null);
        return 1;
      },
      num_attempts: (L, m) => (lua.lua_pushinteger(L, m.attempts), 1),
      increment_num_attempts: (_L, m) => ((m.attempts += 1), 0),
      queue_name: (L, m) => {
        const q = m.meta.queue;
        if (typeof q === 'string') lua.lua_pushstring(L, toLuaString(q));
        else lua.lua_pushnil(L);
        return 1;
      },
      get_data: (L, m) => (lua.lua_pushstring(L, toLuaString(m.data())), 1),
      set_data: (L, m) => {
        const text = str(L, 2);
        const split = text.search(/\r?\n\r?\n/);
        const head = split < 0 ? text : text.slice(0, split);
        m.body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
        m.headers = [];
        for (const line of head.split(/\r?\n/)) {
          if (/^\s/.test(line) && m.headers.length) m.headers[m.headers.length - 1][1] += ' ' + line.trim();
          else {
            const c = line.indexOf(':');
            if (c > 0) m.headers.push([line.slice(0, c), line.slice(c + 1).trim()]);
          }
        }
        return 0;
      },
      get_first_named_header_value: (L, m) => {
        const v = m.header(str(L, 2));
        if (v === null) lua.lua_pushnil(L);
        else lua.lua_pushstring(L, toLuaString(v));
        return 1;
      },
      get_all_named_header_values: (L, m) => {
        const n = str(L, 2).toLowerCase();
        pushJs(L, m.headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v));
        return 1;
      },
      get_all_headers: (L, m) => (pushJs(L, m.headers.map(([k, v]) => [k, v])), 1),
      prepend_header: (L, m) => (m.headers.unshift([str(L, 2), str(L, 3)]), 0),
      append_header: (L, m) => (m.headers.push([str(L, 2), str(L, 3)]), 0),
      remove_all_named_headers: (L, m) => {
        const n = str(L, 2).toLowerCase();
        m.headers = m.headers.filter(([k]) => k.toLowerCase() !== n);
        return 0;
      },
      remove_x_headers: (L, m) => {
        const keep = lua.lua_type(L, 2) === T.TABLE ? ((toJs(L, 2) as string[]) ?? []).map((s) => String(s).toLowerCase()) : [];
        m.headers = m.headers.filter(([k]) => !k.toLowerCase().startsWith('x-') || keep.includes(k.toLowerCase()));
        return 0;
      },
      import_x_headers: (L, m) => {
        const only = lua.lua_type(L, 2) === T.TABLE ? ((toJs(L, 2) as string[]) ?? []).map((s) => String(s).toLowerCase()) : null;
        for (const [k, v] of m.headers) {
          const lk = k.toLowerCase();
          if (!lk.startsWith('x-') || (only && !only.includes(lk))) continue;
          m.meta[lk.slice(2).replace(/-/g, '_')] = v;
        }
        return 0;
      },
      import_headers: (L, m) => {
        const list = (toJs(L, 2) as string[]) ?? [];
        for (const name of list) {
          const v = m.header(String(name));
          if (v !== null) m.meta[String(name).toLowerCase()] = v;
        }
        return 0;
      },
      dkim_sign: ignore('dkim_sign'),
      arc_seal: ignore('arc_seal'),
      add_authentication_results: ignore('add_authentication_results'),
      set_due: ignore('set_due'),
      set_scheduling: ignore('set_scheduling'),
      import_scheduling_header: ignore('import_scheduling_header'),
      shrink: ignore('shrink'),
      shrink_data: ignore('shrink_data'),
      save: ignore('save'),
      set_force_sync: ignore('set_force_sync'),
      check_fix_conformance: ignore('check_fix_conformance'),
    },
  };
  return engine.defineObjectType(msgType);
}

/** Parses `Name: value` header options. */
export function parseHeaderOption(text: string): [string, string] {
  const c = text.indexOf(':');
  if (c <= 0) throw new Error(`a header is 'Name: value' (got '${text}')`);
  return [text.slice(0, c).trim(), text.slice(c + 1).trim()];
}

/** The connection metadata passed with reception events (`conn_meta:get_meta('authn_id')`). */
export class SimConnMeta {
  constructor(readonly meta: Record<string, unknown>) {}
  toJSON(): unknown {
    return { conn_meta: this.meta };
  }
}

/** Registers the ConnectionMeta type (unless the VM has one); returns its pusher, or undefined. */
export function installSimConnMeta(engine: PolicyEngine): ((L: LuaState, m: SimConnMeta) => void) | undefined {
  const L0 = engine.host.L;
  const exists = lauxlib.luaL_getmetatable(L0, toLuaString('ConnectionMeta')) !== T.NIL;
  lua.lua_pop(L0, 1);
  if (exists) return undefined;
  return engine.defineObjectType<SimConnMeta>({
    name: 'ConnectionMeta',
    toString: () => 'ConnectionMeta',
    methods: {
      get_meta: (L, m) => (pushJs(L, m.meta[str(L, 2)] ?? null), 1),
      set_meta: (L, m) => {
        m.meta[str(L, 2)] = toJs(L, 3, { opaque: 'describe' });
        return 0;
      },
    },
  });
}
