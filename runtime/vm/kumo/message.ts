/**
 * The Message object handed to policy events: metadata, envelope (sender, recipients), headers and data.
 * `SimMessage` is the JS side the simulator creates and reads back; the Lua methods are generated from the
 * catalog, so methods without an implementation here raise "Message:<name> is not available in the simulator".
 */
import { randomBytes } from 'node:crypto';
import { lua, lauxlib, LuaState, raise, T, toJsString, toLuaString } from '../lua-api';
import { pushJs, toJs } from '../convert';
import { defineUserdataType, getObject, pushObject } from '../userdata';
import { queueNameFromMeta, addressDomain } from '../../engines/queue-name';
import { KTime } from './time';
import type { KumoContext, KumoFunctions } from './context';

export interface MessageInit {
  id?: string;
  sender: string;
  recipients: string[];
  meta?: Record<string, unknown>;
  /** The RFC 5322 message text (headers, blank line, body). */
  data?: string;
  numAttempts?: number;
}

/** A message as the simulator sees it; the Lua methods read and change it in place. */
export class SimMessage {
  id: string;
  sender: string;
  recipients: string[];
  meta: Record<string, unknown>;
  data: string;
  numAttempts: number;
  due?: Date;

  constructor(init: MessageInit) {
    this.id = init.id ?? randomBytes(16).toString('hex');
    this.sender = init.sender;
    this.recipients = [...init.recipients];
    this.meta = { ...(init.meta ?? {}) };
    this.data = init.data ?? '';
    this.numAttempts = init.numAttempts ?? 0;
  }

  /** Header block and body, split at the first empty line. */
  private split(): { head: string[]; body: string; eol: string } {
    const eol = this.data.includes('\r\n') ? '\r\n' : '\n';
    const at = this.data.indexOf(eol + eol);
    const headText = at < 0 ? this.data : this.data.slice(0, at);
    const body = at < 0 ? '' : this.data.slice(at + eol.length * 2);
    const head: string[] = [];
    for (const line of headText.split(eol)) {
      if (line === '') continue;
      if ((line.startsWith(' ') || line.startsWith('\t')) && head.length) head[head.length - 1] += eol + line;
      else head.push(line);
    }
    return { head, body, eol };
  }

  private join(head: string[], body: string, eol: string): void {
    this.data = head.map((h) => h + eol).join('') + eol + body;
  }

  headers(): [string, string][] {
    return this.split().head.map((h) => {
      const i = h.indexOf(':');
      return [h.slice(0, i), h.slice(i + 1).replace(/\r?\n[ \t]+/g, ' ').trim()];
    });
  }

  addHeader(name: string, value: string, prepend: boolean): void {
    const { head, body, eol } = this.split();
    const line = `${name}: ${value}`;
    if (prepend) head.unshift(line);
    else head.push(line);
    this.join(head, body, eol);
  }

  removeHeaders(match: (name: string) => boolean): void {
    const { head, body, eol } = this.split();
    this.join(head.filter((h) => !match(h.slice(0, h.indexOf(':')))), body, eol);
  }

  queueName(): string {
    const r = queueNameFromMeta(this.meta, addressDomain(this.recipients[0] ?? ''));
    if (!r.ok) throw new Error(r.error);
    return r.name;
  }
}

/** An envelope address (`user@domain`). */
export class EnvelopeAddress {
  constructor(readonly email: string) {}
  get user(): string {
    const at = this.email.lastIndexOf('@');
    return at < 0 ? this.email : this.email.slice(0, at);
  }
  get domain(): string {
    const at = this.email.lastIndexOf('@');
    return at < 0 ? '' : this.email.slice(at + 1);
  }
}

/** A parsed address header (From:, To:): its first mailbox, and the whole list. */
export class AddressHeader {
  constructor(readonly list: { name?: string; email: string }[]) {}
}

function parseAddressList(value: string): { name?: string; email: string }[] {
  const out: { name?: string; email: string }[] = [];
  for (const part of value.match(/(?:"[^"]*"|[^,])+/g) ?? []) {
    const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(part);
    if (m) out.push({ name: m[1]?.trim() || undefined, email: m[2].trim() });
    else if (part.trim()) out.push({ email: part.trim() });
  }
  return out;
}

function addressString(L: LuaState, idx: number, what: string): string {
  if (lua.lua_type(L, idx) === T.STRING) return toJsString(lua.lua_tostring(L, idx));
  const obj = getObject(L, idx);
  if (obj instanceof EnvelopeAddress) return obj.email;
  return raise(L, `${what}: expected an address string or EnvelopeAddress`);
}

export function messageFunctions(ctx: KumoContext): KumoFunctions {
  const L0 = ctx.host.L;
  const pushAddr = (L: LuaState, email: string) => pushObject(L, 'EnvelopeAddress', new EnvelopeAddress(email));
  defineUserdataType<EnvelopeAddress>(L0, {
    name: 'EnvelopeAddress',
    toString: (a) => a.email,
    getField: (L, a, key) => {
      if (key !== 'user' && key !== 'domain' && key !== 'email') return 0;
      lua.lua_pushstring(L, toLuaString(a[key]));
      return 1;
    },
  });
  defineUserdataType<AddressHeader>(L0, {
    name: 'AddressHeader',
    toString: (h) => JSON.stringify(h.list),
    getField: (L, h, key) => {
      const first = h.list[0];
      if (key === 'list') {
        pushJs(L, h.list.map((m) => ({ name: m.name ?? null, address: m.email })));
        return 1;
      }
      if (!first) return 0;
      const a = new EnvelopeAddress(first.email);
      const v = key === 'email' ? first.email : key === 'name' ? first.name : key === 'user' ? a.user : key === 'domain' ? a.domain : undefined;
      if (v === undefined) return 0;
      lua.lua_pushstring(L, toLuaString(v));
      return 1;
    },
  });
  const str = (L: LuaState, i: number) => toJsString(lauxlib.luaL_checklstring(L, i), undefined, undefined, true);
  const impl: Record<string, (L: LuaState, m: SimMessage) => number> = {
    id: (L, m) => (lua.lua_pushstring(L, toLuaString(m.id)), 1),
    set_meta: (L, m) => {
      m.meta[str(L, 2)] = toJs(L, 3);
      return 0;
    },
    get_meta: (L, m) => {
      const v = m.meta[str(L, 2)];
      if (v === undefined) lua.lua_pushnil(L);
      else pushJs(L, v);
      return 1;
    },
    get_data: (L, m) => (lua.lua_pushstring(L, toLuaString(m.data)), 1),
    set_data: (L, m) => {
      m.data = str(L, 2);
      return 0;
    },
    sender: (L, m) => (pushAddr(L, m.sender), 1),
    set_sender: (L, m) => {
      m.sender = addressString(L, 2, 'Message:set_sender');
      return 0;
    },
    recipient: (L, m) => {
      if (m.recipients.length === 0) lua.lua_pushnil(L);
      else pushAddr(L, m.recipients[0]);
      return 1;
    },
    recipient_list: (L, m) => {
      lua.lua_createtable(L, m.recipients.length, 0);
      m.recipients.forEach((r, i) => {
        pushAddr(L, r);
        lua.lua_rawseti(L, -2, i + 1);
      });
      return 1;
    },
    set_recipient: (L, m) => {
      if (lua.lua_type(L, 2) === T.TABLE) {
        const n = lua.lua_rawlen(L, 2) as number;
        const list: string[] = [];
        for (let i = 1; i <= n; i++) {
          lua.lua_rawgeti(L, 2, i);
          list.push(addressString(L, -1, 'Message:set_recipient'));
          lua.lua_pop(L, 1);
        }
        m.recipients = list;
      } else m.recipients = [addressString(L, 2, 'Message:set_recipient')];
      return 0;
    },
    num_attempts: (L, m) => (lua.lua_pushinteger(L, m.numAttempts), 1),
    increment_num_attempts: (_L, m) => {
      m.numAttempts++;
      return 0;
    },
    queue_name: (L, m) => {
      try {
        lua.lua_pushstring(L, toLuaString(m.queueName()));
      } catch (e) {
        return raise(L, `Message:queue_name: ${(e as Error).message}`);
      }
      return 1;
    },
    set_due: (L, m) => {
      const t = getObject(L, 2);
      m.due = t instanceof KTime ? t.date : undefined;
      return 0;
    },
    prepend_header: (L, m) => (m.addHeader(str(L, 2), str(L, 3), true), 0),
    append_header: (L, m) => (m.addHeader(str(L, 2), str(L, 3), false), 0),
    get_first_named_header_value: (L, m) => {
      const name = str(L, 2).toLowerCase();
      const h = m.headers().find(([n]) => n.toLowerCase() === name);
      if (h) lua.lua_pushstring(L, toLuaString(h[1]));
      else lua.lua_pushnil(L);
      return 1;
    },
    get_all_named_header_values: (L, m) => {
      const name = str(L, 2).toLowerCase();
      pushJs(L, m.headers().filter(([n]) => n.toLowerCase() === name).map(([, v]) => v));
      return 1;
    },
    get_all_headers: (L, m) => {
      lua.lua_createtable(L, 0, 0);
      m.headers().forEach(([n, v], i) => {
        pushJs(L, [n, v]);
        lua.lua_rawseti(L, -2, i + 1);
      });
      return 1;
    },
    remove_all_named_headers: (L, m) => {
      const name = str(L, 2).toLowerCase();
      m.removeHeaders((n) => n.toLowerCase() === name);
      return 0;
    },
    remove_x_headers: (L, m) => {
      const keep = lua.lua_type(L, 2) === T.TABLE ? ((toJs(L, 2) as string[]) ?? []).map((s) => s.toLowerCase()) : [];
      m.removeHeaders((n) => n.toLowerCase().startsWith('x-') && !keep.includes(n.toLowerCase()));
      return 0;
    },
    get_address_header: (L, m) => pushAddressHeader(L, m, str(L, 2)),
    from_header: (L, m) => pushAddressHeader(L, m, 'From'),
    to_header: (L, m) => pushAddressHeader(L, m, 'To'),
    shrink: () => 0,
    shrink_data: () => 0,
    save: () => 0,
    set_force_sync: () => 0,
  };
  const pushAddressHeader = (L: LuaState, m: SimMessage, name: string): number => {
    const h = m.headers().find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (!h) {
      lua.lua_pushnil(L);
      return 1;
    }
    pushObject(L, 'AddressHeader', new AddressHeader(parseAddressList(h[1])));
    return 1;
  };
  const methods: Record<string, (L: LuaState, m: SimMessage) => number> = {};
  for (const method of ctx.catalog.getObject('Message')?.methods ?? []) {
    methods[method.name] = impl[method.name] ?? ((L) => raise(L, `Message:${method.name} is not available in the simulator`));
  }
  defineUserdataType<SimMessage>(L0, { name: 'Message', methods, toString: (m) => `Message(${m.id})` });
  return {
    'kumo.make_message': (L) => {
      const msg = new SimMessage({ sender: str(L, 1), recipients: [str(L, 2)], data: str(L, 3) });
      pushObject(L, 'Message', msg);
      return 1;
    },
  };
}

/** Pushes a SimMessage as the Lua Message object (the type must exist: any engine has it). */
export function pushMessage(L: LuaState, msg: SimMessage): void {
  pushObject(L, 'Message', msg);
}

/** Lets `pushJs` hand a SimMessage to Lua as a Message. */
Object.defineProperty(SimMessage.prototype, 'pushTo', {
  value(this: SimMessage, L: LuaState) {
    pushObject(L, 'Message', this);
  },
});
