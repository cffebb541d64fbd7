/**
 * io.open / io.lines and file handles (read, lines, write, seek, flush, close, `<close>`), which fengari's io
 * library lacks. Files are read and written with synchronous fs calls; relative paths resolve against the
 * policy directory.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { lua, lauxlib, LuaState, lstr, raise, T, toJsString } from './lua-api';
import { defineUserdataType, getObject, pushObject } from './userdata';

class LuaFile {
  pos = 0;
  closed = false;
  constructor(readonly path: string, readonly fd: number | undefined, public data: Uint8Array, readonly append: boolean) {}
}

function readOne(L: LuaState, f: LuaFile, fmt: string | number): boolean {
  const d = f.data;
  if (typeof fmt === 'number') {
    if (f.pos >= d.length && fmt > 0) return false;
    lua.lua_pushstring(L, d.subarray(f.pos, f.pos + fmt));
    f.pos = Math.min(d.length, f.pos + fmt);
    return true;
  }
  const f2 = fmt.replace(/^\*/, '');
  if (f2.startsWith('a')) {
    lua.lua_pushstring(L, d.subarray(f.pos));
    f.pos = d.length;
    return true;
  }
  if (f2.startsWith('l') || f2.startsWith('L')) {
    if (f.pos >= d.length) return false;
    let end = d.indexOf(10, f.pos);
    const next = end < 0 ? d.length : end + 1;
    if (end < 0) end = d.length;
    lua.lua_pushstring(L, d.subarray(f.pos, f2.startsWith('L') ? next : end));
    f.pos = next;
    return true;
  }
  if (f2.startsWith('n')) {
    const text = Buffer.from(d.subarray(f.pos, f.pos + 200)).toString('latin1');
    const m = /^\s*([-+]?(0[xX][0-9a-fA-F.]+([pP][-+]?\d+)?|\d*\.?\d+([eE][-+]?\d+)?))/.exec(text);
    if (!m) return false;
    f.pos += m[0].length;
    const n = Number(m[1]);
    if (Number.isInteger(n) && !/[.eEpP]/.test(m[1])) lua.lua_pushinteger(L, n);
    else lua.lua_pushnumber(L, n);
    return true;
  }
  return raise(L, `bad argument to 'read' (invalid format)`);
}

function read(L: LuaState, f: LuaFile, first: number): number {
  const n = lua.lua_gettop(L);
  if (n < first) return readOne(L, f, 'l') ? 1 : (lua.lua_pushnil(L), 1);
  let pushed = 0;
  for (let i = first; i <= n; i++) {
    const fmt = lua.lua_type(L, i) === T.NUMBER ? (lua.lua_tointeger(L, i) as number) : toJsString(lauxlib.luaL_checkstring(L, i));
    if (!readOne(L, f, fmt)) {
      lua.lua_pushnil(L);
      return pushed + 1;
    }
    pushed++;
  }
  return pushed;
}

export function installIoFiles(L: LuaState, baseDir: string): void {
  const check = (L1: LuaState): LuaFile => {
    const f = getObject(L1, 1) as LuaFile | undefined;
    if (!(f instanceof LuaFile)) return raise(L1, 'expected a file handle');
    if (f.closed) return raise(L1, 'attempt to use a closed file');
    return f;
  };
  const close = (f: LuaFile) => {
    if (f.closed) return;
    f.closed = true;
    if (f.fd !== undefined) closeSync(f.fd);
  };
  defineUserdataType<LuaFile>(L, {
    name: 'LuaFile', // fengari's io library already owns the FILE* metatable
    toString: (f) => (f.closed ? 'file (closed)' : `file (${f.path})`),
    methods: {
      read: (L1) => read(L1, check(L1), 2),
      lines: (L1) => {
        const f = check(L1);
        const fmt = lua.lua_isnoneornil(L1, 2) ? 'l' : toJsString(lauxlib.luaL_checkstring(L1, 2));
        lua.lua_pushcfunction(L1, (L2: LuaState) => (readOne(L2, f, fmt) ? 1 : 0));
        return 1;
      },
      write: (L1) => {
        const f = check(L1);
        if (f.fd === undefined) return raise(L1, `${f.path}: file not opened for writing`);
        for (let i = 2; i <= lua.lua_gettop(L1); i++) {
          writeSync(f.fd, lauxlib.luaL_tolstring(L1, i));
          lua.lua_pop(L1, 1);
        }
        lua.lua_pushvalue(L1, 1);
        return 1;
      },
      seek: (L1) => {
        const f = check(L1);
        const whence = lua.lua_isnoneornil(L1, 2) ? 'cur' : toJsString(lauxlib.luaL_checkstring(L1, 2));
        const off = lua.lua_isnoneornil(L1, 3) ? 0 : (lauxlib.luaL_checkinteger(L1, 3) as number);
        f.pos = Math.max(0, (whence === 'set' ? 0 : whence === 'end' ? f.data.length : f.pos) + off);
        lua.lua_pushinteger(L1, f.pos);
        return 1;
      },
      flush: (L1) => {
        check(L1);
        lua.lua_pushvalue(L1, 1);
        return 1;
      },
      close: (L1) => {
        close(check(L1));
        lua.lua_pushboolean(L1, true);
        return 1;
      },
    },
    meta: {
      __close: (L1) => {
        const f = getObject(L1, 1) as LuaFile;
        if (f) close(f);
        return 0;
      },
      __gc: (L1) => {
        const f = getObject(L1, 1) as LuaFile;
        if (f) close(f);
        return 0;
      },
    },
  });
  const open = (L1: LuaState, path: string, mode: string): LuaFile | string => {
    if (!/^[rwa]\+?b?$/.test(mode)) return raise(L1, `bad argument #2 to 'open' (invalid mode '${mode}')`);
    const full = resolve(baseDir, path);
    try {
      if (mode.startsWith('r') && !mode.includes('+')) return new LuaFile(path, undefined, readFileSync(full), false);
      const flags = mode.startsWith('r') ? 'r+' : mode.startsWith('w') ? (mode.includes('+') ? 'w+' : 'w') : mode.includes('+') ? 'a+' : 'a';
      const fd = openSync(full, flags);
      return new LuaFile(path, fd, mode.startsWith('w') ? new Uint8Array() : readFileSync(full), mode.startsWith('a'));
    } catch (e) {
      return `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`;
    }
  };
  lua.lua_getglobal(L, lstr('io'));
  lua.lua_pushcfunction(L, (L1: LuaState) => {
    const r = open(L1, toJsString(lauxlib.luaL_checkstring(L1, 1)), lua.lua_isnoneornil(L1, 2) ? 'r' : toJsString(lauxlib.luaL_checkstring(L1, 2)));
    if (typeof r === 'string') {
      lua.lua_pushnil(L1);
      lua.lua_pushstring(L1, lstr(r));
      lua.lua_pushinteger(L1, 2);
      return 3;
    }
    pushObject(L1, 'LuaFile', r);
    return 1;
  });
  lua.lua_setfield(L, -2, lstr('open'));
  lua.lua_pushcfunction(L, (L1: LuaState) => {
    const path = toJsString(lauxlib.luaL_checkstring(L1, 1));
    const r = open(L1, path, 'r');
    if (typeof r === 'string') return raise(L1, r);
    const fmt = lua.lua_isnoneornil(L1, 2) ? 'l' : toJsString(lauxlib.luaL_checkstring(L1, 2));
    lua.lua_pushcfunction(L1, (L2: LuaState) => (readOne(L2, r, fmt) ? 1 : 0));
    return 1;
  });
  lua.lua_setfield(L, -2, lstr('lines'));
  lua.lua_pushcfunction(L, (L1: LuaState) => {
    lauxlib.luaL_checkany(L1, 1);
    const f = getObject(L1, 1);
    if (f instanceof LuaFile) lua.lua_pushstring(L1, lstr(f.closed ? 'closed file' : 'file'));
    else lua.lua_pushnil(L1);
    return 1;
  });
  lua.lua_setfield(L, -2, lstr('type'));
  lua.lua_pop(L, 1);
}
