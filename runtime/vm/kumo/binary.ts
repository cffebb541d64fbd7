/** kumo.digest, kumo.encode and kumo.uuid, with the BinaryResult and Uuid objects. */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lua, lauxlib, LuaState, raise, T, toJsString, toLuaString } from '../lua-api';
import { defineUserdataType, pushObject } from '../userdata';
import { encodeJson } from './serde';
import type { KumoContext, KumoFunctions } from './context';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

export function base32Encode(data: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  if (pad) while (out.length % 8 !== 0) out += '=';
  return out;
}

export function base32Decode(text: string, alphabet: string, pad: boolean): Uint8Array {
  const body = pad ? text.replace(/=+$/, '') : text;
  if (pad && text.length % 8 !== 0) throw new Error('invalid length');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of body) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`invalid symbol '${ch}'`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

function base64Decode(text: string, url: boolean, pad: boolean): Uint8Array {
  const re = url ? (pad ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9_-]*$/) : pad ? /^[A-Za-z0-9+/]*={0,2}$/ : /^[A-Za-z0-9+/]*$/;
  if (!re.test(text) || (pad && text.length % 4 !== 0) || (!pad && text.length % 4 === 1)) throw new Error('invalid base64 input');
  return Uint8Array.from(Buffer.from(text, url ? 'base64url' : 'base64'));
}

function base64Encode(data: Uint8Array, url: boolean, pad: boolean): string {
  let s = Buffer.from(data).toString('base64');
  if (url) s = s.replace(/\+/g, '-').replace(/\//g, '_');
  return pad ? s : s.replace(/=+$/, '');
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A digest or other binary value, readable in every encoding. */
export class BinaryResult {
  constructor(readonly bytes: Uint8Array) {}
}

export class KUuid {
  constructor(readonly bytes: Uint8Array) {}
  get hyphenated(): string {
    const h = Buffer.from(this.bytes).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** The bytes digested for a call's arguments: strings as they are, other values as JSON (as kumod does). */
function digestInput(L: LuaState): Uint8Array {
  const parts: Uint8Array[] = [];
  const n = lua.lua_gettop(L);
  for (let i = 1; i <= n; i++) {
    if (lua.lua_type(L, i) === T.STRING) parts.push(lua.lua_tolstring(L, i));
    else parts.push(toLuaString(encodeJson(L, i, false)));
  }
  return Uint8Array.from(Buffer.concat(parts));
}

/** A keysource: a string, or { key_data = '...' } / { key = '/path' }. */
function keySource(L: LuaState, idx: number): Uint8Array {
  if (lua.lua_type(L, idx) === T.STRING) return lua.lua_tolstring(L, idx);
  if (lua.lua_type(L, idx) === T.TABLE) {
    lua.lua_getfield(L, idx, 'key_data');
    if (lua.lua_type(L, -1) === T.STRING) {
      const v = lua.lua_tolstring(L, -1) as Uint8Array;
      lua.lua_pop(L, 1);
      return v;
    }
    lua.lua_pop(L, 1);
    lua.lua_getfield(L, idx, 'key');
    if (lua.lua_type(L, -1) === T.STRING) {
      const path = toJsString(lua.lua_tostring(L, -1));
      lua.lua_pop(L, 1);
      return readFileSync(path);
    }
    lua.lua_pop(L, 1);
    return raise(L, 'key source: this simulator reads { key_data = ... } and { key = "/path" } only (vault sources are not available)');
  }
  return raise(L, `key source: expected a string or a table, got ${toJsString(lauxlib.luaL_typename(L, idx))}`);
}

export function binaryFunctions(ctx: KumoContext): KumoFunctions {
  const L0 = ctx.host.L;
  const encodings: Record<string, (b: Uint8Array) => string> = {
    hex: (b) => Buffer.from(b).toString('hex'),
    base32: (b) => base32Encode(b, B32, true),
    base32_nopad: (b) => base32Encode(b, B32, false),
    base32hex: (b) => base32Encode(b, B32HEX, true),
    base32hex_nopad: (b) => base32Encode(b, B32HEX, false),
    base64: (b) => base64Encode(b, false, true),
    base64_nopad: (b) => base64Encode(b, false, false),
    base64url: (b) => base64Encode(b, true, true),
    base64url_nopad: (b) => base64Encode(b, true, false),
  };
  defineUserdataType<BinaryResult>(L0, {
    name: 'BinaryResult',
    toString: (r) => encodings.hex(r.bytes),
    getField: (L, r, key) => {
      if (key === 'bytes') lua.lua_pushstring(L, r.bytes);
      else if (encodings[key]) lua.lua_pushstring(L, toLuaString(encodings[key](r.bytes)));
      else return 0;
      return 1;
    },
  });
  defineUserdataType<KUuid>(L0, {
    name: 'Uuid',
    toString: (u) => u.hyphenated,
    getField: (L, u, key) => {
      const h = u.hyphenated;
      const v: Record<string, string | Uint8Array> = { hyphenated: h, simple: h.replace(/-/g, ''), braced: `{${h}}`, urn: `urn:uuid:${h}`, bytes: u.bytes };
      if (!(key in v)) return 0;
      const x = v[key];
      lua.lua_pushstring(L, typeof x === 'string' ? toLuaString(x) : x);
      return 1;
    },
  });
  const out: KumoFunctions = {};
  const hashes: Record<string, string> = {
    sha1: 'sha1', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', sha512_256: 'sha512-256',
    sha3_256: 'sha3-256', sha3_384: 'sha3-384', sha3_512: 'sha3-512',
  };
  for (const [name, algo] of Object.entries(hashes)) {
    out[`kumo.digest.${name}`] = (L) => {
      pushObject(L, 'BinaryResult', new BinaryResult(Uint8Array.from(createHash(algo).update(digestInput(L)).digest())));
      return 1;
    };
  }
  for (const algo of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
    out[`kumo.digest.hmac_${algo}`] = (L) => {
      const key = keySource(L, 1);
      const msg = lauxlib.luaL_checklstring(L, 2) as Uint8Array;
      pushObject(L, 'BinaryResult', new BinaryResult(Uint8Array.from(createHmac(algo, key).update(msg).digest())));
      return 1;
    };
  }
  out['kumo.digest.crc32'] = (L) => {
    const c = crc32(digestInput(L));
    pushObject(L, 'BinaryResult', new BinaryResult(Uint8Array.of(c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255)));
    return 1;
  };
  const codec = (name: string, enc: (b: Uint8Array) => string, dec: (s: string) => Uint8Array) => {
    out[`kumo.encode.${name}_encode`] = (L) => {
      lua.lua_pushstring(L, toLuaString(enc(lauxlib.luaL_checklstring(L, 1))));
      return 1;
    };
    out[`kumo.encode.${name}_decode`] = (L) => {
      const text = toJsString(lauxlib.luaL_checklstring(L, 1), undefined, undefined, true);
      try {
        lua.lua_pushstring(L, dec(text));
      } catch (e) {
        return raise(L, `kumo.encode.${name}_decode: ${(e as Error).message}`);
      }
      return 1;
    };
  };
  codec('base32', encodings.base32, (s) => base32Decode(s, B32, true));
  codec('base32_nopad', encodings.base32_nopad, (s) => base32Decode(s, B32, false));
  codec('base32hex', encodings.base32hex, (s) => base32Decode(s, B32HEX, true));
  codec('base32hex_nopad', encodings.base32hex_nopad, (s) => base32Decode(s, B32HEX, false));
  codec('base64', encodings.base64, (s) => base64Decode(s, false, true));
  codec('base64_nopad', encodings.base64_nopad, (s) => base64Decode(s, false, false));
  codec('base64url', encodings.base64url, (s) => base64Decode(s, true, true));
  codec('base64url_nopad', encodings.base64url_nopad, (s) => base64Decode(s, true, false));
  codec('hex', encodings.hex, (s) => {
    if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error('invalid hex input');
    return Uint8Array.from(Buffer.from(s, 'hex'));
  });
  const uuid = (L: LuaState, bytes: Uint8Array) => {
    pushObject(L, 'Uuid', new KUuid(bytes));
    return 1;
  };
  const timeBased = (version: 1 | 6): Uint8Array => {
    // 100 ns intervals since 1582-10-15, random clock sequence and node (multicast bit set, as for random nodes).
    const ticks = BigInt(Date.now()) * 10000n + 0x01b21dd213814000n;
    const b = new Uint8Array(16);
    if (version === 1) {
      const low = Number(ticks & 0xffffffffn);
      const mid = Number((ticks >> 32n) & 0xffffn);
      const high = Number((ticks >> 48n) & 0x0fffn) | 0x1000;
      b.set([low >>> 24, (low >>> 16) & 255, (low >>> 8) & 255, low & 255, mid >> 8, mid & 255, high >> 8, high & 255]);
    } else {
      const top = ticks >> 12n;
      for (let i = 0; i < 6; i++) b[i] = Number((top >> BigInt(40 - i * 8)) & 0xffn);
      const low = Number(ticks & 0xfffn) | 0x6000;
      b[6] = low >> 8;
      b[7] = low & 255;
    }
    const rnd = randomBytes(8);
    b.set(rnd, 8);
    b[8] = (b[8] & 0x3f) | 0x80;
    b[10] |= 0x01;
    return b;
  };
  out['kumo.uuid.new_v4'] = (L) => uuid(L, Uint8Array.from(Buffer.from(randomUUID().replace(/-/g, ''), 'hex')));
  out['kumo.uuid.new_v1'] = (L) => uuid(L, timeBased(1));
  out['kumo.uuid.new_v6'] = (L) => uuid(L, timeBased(6));
  out['kumo.uuid.new_v7'] = (L) => {
    const b = new Uint8Array(16);
    const ms = BigInt(Date.now());
    for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(40 - i * 8)) & 0xffn);
    b.set(randomBytes(10), 6);
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    return uuid(L, b);
  };
  out['kumo.uuid.parse'] = (L) => {
    const text = toJsString(lauxlib.luaL_checkstring(L, 1)).trim();
    const m = /^(?:urn:uuid:)?\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})\}?$/.exec(text);
    if (!m || (text.startsWith('{') !== text.endsWith('}'))) return raise(L, `kumo.uuid.parse: '${text}' is not a UUID`);
    return uuid(L, Uint8Array.from(Buffer.from(m.slice(1).join(''), 'hex')));
  };
  return out;
}
