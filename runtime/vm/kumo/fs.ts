/** kumo.fs (and the legacy kumo.read_dir / kumo.glob names): directory listing, globbing, file metadata. */
import { lstatSync, readdirSync, statSync, Stats } from 'node:fs';
import { join, resolve, isAbsolute } from 'node:path';
import { lua, lauxlib, LuaState, raise, T, toJsString, toLuaString } from '../lua-api';
import { pushJs } from '../convert';
import { defineUserdataType, pushObject } from '../userdata';
import { KTime } from './time';
import type { KumoContext, KumoFunctions } from './context';

/** A glob segment (`*`, `?`, `[abc]`) as a RegExp; `**` is handled by the walker. */
function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + seg.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Paths matching a glob pattern (relative patterns resolve against `base`), sorted as the glob crate yields them. */
export function glob(pattern: string, base: string): string[] {
  const abs = isAbsolute(pattern);
  const segs = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  const out: string[] = [];
  const walk = (dir: string, shown: string, i: number): void => {
    if (i === segs.length) {
      out.push(shown);
      return;
    }
    const seg = segs[i];
    const join2 = (a: string, b: string) => (a === '' ? b : a === '/' ? '/' + b : `${a}/${b}`);
    if (seg === '' && i === 0) return walk('/', '/', 1);
    if (!/[*?[]/.test(seg)) {
      const next = join(dir, seg);
      try {
        statSync(next);
      } catch {
        return;
      }
      return walk(next, join2(shown, seg), i + 1);
    }
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    if (seg === '**') {
      walk(dir, shown, i + 1);
      for (const e of entries) {
        const p = join(dir, e);
        try {
          if (statSync(p).isDirectory()) walk(p, join2(shown, e), i);
        } catch {
          /* unreadable entries are skipped, as glob does */
        }
      }
      return;
    }
    const re = segmentRegex(seg);
    for (const e of entries) if (re.test(e) && !(e.startsWith('.') && !seg.startsWith('.'))) walk(join(dir, e), join2(shown, e), i + 1);
  };
  walk(abs ? '/' : base, abs ? '' : '', 0);
  return [...new Set(out)];
}

export function fsFunctions(ctx: KumoContext): KumoFunctions {
  const base = ctx.host.policyDir;
  const str = (L: LuaState, i: number) => toJsString(lauxlib.luaL_checkstring(L, i));
  defineUserdataType<Stats & { symlink: boolean }>(ctx.host.L, {
    name: 'Metadata',
    getField: (L, s, key) => {
      const v: Record<string, unknown> = {
        is_file: s.isFile(), is_dir: s.isDirectory(), is_symlink: s.symlink, readonly: (s.mode & 0o222) === 0, len: s.size, size: s.size,
        dev: s.dev, ino: s.ino, mode: s.mode, nlink: s.nlink, uid: s.uid, gid: s.gid, rdev: s.rdev, blksize: s.blksize, blocks: s.blocks,
      };
      if (key === 'atime' || key === 'mtime' || key === 'ctime') {
        pushObject(L, 'Time', new KTime(Math.floor(s[`${key}Ms`])));
        return 1;
      }
      if (!(key in v)) return 0;
      pushJs(L, v[key]);
      return 1;
    },
  });
  const readDir = (L: LuaState) => {
    const dir = str(L, 1);
    try {
      pushJs(L, readdirSync(resolve(base, dir)).sort().map((e) => join(dir, e)));
    } catch (e) {
      return raise(L, `read_dir ${dir}: ${(e as Error).message}`);
    }
    if (lua.lua_rawlen(L, -1) === 0 && lua.lua_type(L, -1) !== T.TABLE) lua.lua_createtable(L, 0, 0);
    return 1;
  };
  const globFn = (L: LuaState) => {
    const pattern = str(L, 1);
    const dir = lua.lua_type(L, 2) === T.STRING ? resolve(base, str(L, 2)) : base;
    const found = glob(pattern, dir);
    lua.lua_createtable(L, found.length, 0);
    found.forEach((p, i) => {
      lua.lua_pushstring(L, toLuaString(p));
      lua.lua_rawseti(L, -2, i + 1);
    });
    return 1;
  };
  const meta = (follow: boolean) => (L: LuaState) => {
    const path = str(L, 1);
    try {
      const link = lstatSync(resolve(base, path));
      const s = follow ? statSync(resolve(base, path)) : link;
      pushObject(L, 'Metadata', Object.assign(s, { symlink: link.isSymbolicLink() }));
    } catch (e) {
      return raise(L, `metadata for ${path}: ${(e as Error).message}`);
    }
    return 1;
  };
  return {
    'kumo.fs.read_dir': readDir,
    'kumo.read_dir': readDir,
    'kumo.fs.glob': globFn,
    'kumo.glob': globFn,
    'kumo.fs.uncached_glob': globFn,
    'kumo.uncached_glob': globFn,
    'kumo.fs.metadata_for_path': meta(true),
    'kumo.fs.symlink_metadata_for_path': meta(false),
  };
}
