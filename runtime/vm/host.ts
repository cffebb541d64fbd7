/**
 * A fengari Lua state set up the way kumod's is: the safe standard libraries only (no `debug`, no C modules),
 * `print` going to a sink, `require` finding local modules through package.path and `policy-extras.*` in a
 * configurable directory, and every chunk (files, `load`, `dofile`) passed through the Lua 5.4 lowering.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lua, lauxlib, lualib, LuaState, lstr, getString, raise, T, toJsString, toLuaString, LUA_OK } from './lua-api';
import { ChunkNames } from './chunk-names';
import { errorFromThread } from './errors';
import { lowerLua54, LuaCompileError } from '../lua/lower54';
import { DEFAULT_POLICY_EXTRAS_DIR, KUMOD_PACKAGE_PATH } from '../lua/kumod-paths';
import { installCloseHelpers } from './close-helpers';
import { installCoroutineClose } from './coroutine-close';
import { installStringArithmetic } from './string-arith';
import { installProtectedCalls } from './pcall';
import { installIoFiles } from './io-files';
import { defineUserdataType, pushObject } from './userdata';
import { installNumberFormatting, formatG14 } from './number-format';
import { installViews } from './record-proxy';
import { Scheduler, SchedulerOptions } from './scheduler';
import { defaultChunkCache, fengariIntPatch, type ChunkCache } from './chunk-cache';
import { loadThroughCache } from './cached-load';

/** The error value os.exit raises: the script asked to end with this status. */
export class ScriptExit {
  constructor(readonly code: number) {}
}

export { DEFAULT_POLICY_EXTRAS_DIR } from '../lua/kumod-paths';

export interface HostOptions extends SchedulerOptions {
  /** Directory of the policy: first on package.path and the base of displayed chunk names (default: cwd). */
  policyDir?: string;
  /** Extra package.path templates (`/x/?.lua`), searched after the policy dir and before kumod's defaults. */
  packagePath?: string[];
  /** Where `require 'policy-extras.NAME'` finds NAME.lua: the user's KumoMTA share/policy-extras. */
  policyExtrasDir?: string;
  /** Receives what `print` and `io.write` write. Default: process.stdout. */
  output?: (text: string) => void;
  /** Compiled-chunk cache; null turns it off. Default: the per-user disk cache (see chunk-cache.ts). */
  chunkCache?: ChunkCache | null;
}

const LIBS: [string, (L: LuaState) => number][] = [
  ['_G', lualib.luaopen_base],
  ['package', lualib.luaopen_package],
  ['coroutine', lualib.luaopen_coroutine],
  ['table', lualib.luaopen_table],
  ['io', lualib.luaopen_io],
  ['os', lualib.luaopen_os],
  ['string', lualib.luaopen_string],
  ['math', lualib.luaopen_math],
  ['utf8', lualib.luaopen_utf8],
];

let intPatchChecked = false;
/** Integers wrap at 32 bits without the install-time patch (an install with --ignore-scripts): say so once. */
function warnIfUnpatched(): void {
  if (intPatchChecked) return;
  intPatchChecked = true;
  if (fengariIntPatch() === 'unpatched') {
    process.emitWarning('fengari is not patched for exact integers (was npm run with --ignore-scripts?): integers wrap at 32 bits. Run `node scripts/patch-fengari.mjs`.');
  }
}

export class LuaHost {
  readonly L: LuaState;
  readonly names: ChunkNames;
  readonly scheduler: Scheduler;
  readonly policyDir: string;
  readonly policyExtrasDir: string;
  readonly chunkCache: ChunkCache | null;
  private readonly output: (text: string) => void;

  constructor(opts: HostOptions = {}) {
    this.policyDir = resolve(opts.policyDir ?? process.cwd());
    this.policyExtrasDir = opts.policyExtrasDir ?? DEFAULT_POLICY_EXTRAS_DIR;
    this.output = opts.output ?? ((t) => process.stdout.write(t));
    this.chunkCache = opts.chunkCache === undefined ? defaultChunkCache() : opts.chunkCache;
    warnIfUnpatched();
    this.names = new ChunkNames(this.policyDir);
    const L = lauxlib.luaL_newstate() as LuaState;
    this.L = L;
    for (const [name, open] of LIBS) {
      lauxlib.luaL_requiref(L, lstr(name), open, 1);
      lua.lua_pop(L, 1);
    }
    this.installPrint();
    this.installOsGuards();
    installIoFiles(L, this.policyDir);
    this.installLoaders();
    this.installPackage(opts.packagePath ?? []);
    installNumberFormatting(L);
    installProtectedCalls(L);
    this.fixUtf8();
    installCoroutineClose(L);
    installStringArithmetic(L);
    installCloseHelpers(L, this.chunkCache);
    installViews(L);
    this.scheduler = new Scheduler(L, this.names, opts);
  }

  /** Writes to the output sink (what print uses). */
  write(text: string): void {
    this.output(text);
  }

  /** Registers `package.loaded[name]` as the value `push` leaves on the stack. */
  setLoaded(name: string, push: (L: LuaState) => void): void {
    const L = this.L;
    lauxlib.luaL_getsubtable(L, lua.LUA_REGISTRYINDEX, lauxlib.LUA_LOADED_TABLE);
    push(L);
    lua.lua_setfield(L, -2, lstr(name));
    lua.lua_pop(L, 1);
  }

  /** Compiles Lua source (5.4 syntax lowered) and pushes the chunk onto L; on failure throws a LuaError. */
  pushChunk(L: LuaState, source: string | Uint8Array, displayName: string): void {
    const status = this.load(L, source, displayName);
    if (status !== LUA_OK) {
      const err = errorFromThread(L, this.names, 'syntax');
      lua.lua_pop(L, 1);
      throw err;
    }
  }

  /** Pushes the compiled chunk of a file (status OK) or an error message (other status). */
  loadFile(L: LuaState, path: string): number {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      lua.lua_pushstring(L, toLuaString(`cannot open ${path}: ${(e as Error).message}`));
      return lua.LUA_ERRFILE;
    }
    return this.load(L, bytes, this.names.nameFor(path));
  }

  /** Loads source under chunk name `@displayName` (or `=...`/raw names as given when they start with = or @). */
  private load(L: LuaState, source: string | Uint8Array, displayName: string, mode = 't'): number {
    const chunkName = /^[=@]/.test(displayName) ? displayName : '@' + displayName;
    return loadThroughCache(L, mode.includes('t') ? this.chunkCache : null, chunkName, source, () => this.compile(L, source, chunkName, mode));
  }

  /** Lowers Lua 5.4 syntax and compiles with fengari's parser. */
  private compile(L: LuaState, source: string | Uint8Array, chunkName: string, mode: string): number {
    const shown = chunkName.slice(1);
    let code: Uint8Array;
    try {
      const text = typeof source === 'string' ? source : new TextDecoder().decode(source);
      const lowered = lowerLua54(text, shown);
      code = typeof source !== 'string' && lowered.code === text ? source : toLuaString(lowered.code);
    } catch (e) {
      if (e instanceof LuaCompileError) {
        lua.lua_pushstring(L, toLuaString(e.message));
        return lua.LUA_ERRSYNTAX;
      }
      throw e;
    }
    // Skip a first line starting with '#' (a shebang), as lua does for files.
    if (code[0] === 35) {
      let i = 0;
      while (i < code.length && code[i] !== 10) i++;
      code = code.slice(i); // keep the newline so line numbers stay right
    }
    return lauxlib.luaL_loadbufferx(L, code, null, toLuaString(chunkName), mode);
  }

  /** Runs a file as a task (its main chunk), resolving with its results. */
  runFile(path: string, event: string | null = null): Promise<unknown[]> {
    return this.scheduler.spawn(path, event, (thread) => {
      const status = this.loadFile(thread, path);
      if (status !== LUA_OK) throw errorFromThread(thread, this.names, 'syntax');
      return 0;
    }, () => []);
  }

  /**
   * os.exit ends the script (a ScriptExit error value the caller reads, e.g. the CLI's exit status) instead
   * of the whole process; os.execute, which would block the JS thread, is not offered.
   */
  private installOsGuards(): void {
    const L = this.L;
    defineUserdataType<ScriptExit>(L, { name: 'ScriptExit', toString: (e) => `os.exit(${e.code})` });
    lua.lua_getglobal(L, lstr('os'));
    lua.lua_pushcfunction(L, (L1: LuaState) => {
      const t = lua.lua_type(L1, 1);
      const code = t === T.BOOLEAN ? (lua.lua_toboolean(L1, 1) ? 0 : 1) : t === T.NONE || t === T.NIL ? 0 : (lauxlib.luaL_checkinteger(L1, 1) as number);
      pushObject(L1, 'ScriptExit', new ScriptExit(code));
      return lua.lua_error(L1);
    });
    lua.lua_setfield(L, -2, lstr('exit'));
    lua.lua_pushcfunction(L, (L1: LuaState) => raise(L1, 'os.execute is not available in the simulator'));
    lua.lua_setfield(L, -2, lstr('execute'));
    lua.lua_pop(L, 1);
  }

  /** utf8.charpattern as Lua 5.4 has it (5.3 stopped at \xF4). */
  private fixUtf8(): void {
    lua.lua_getglobal(this.L, lstr('utf8'));
    lua.lua_pushstring(this.L, Uint8Array.from([0x5b, 0x00, 0x2d, 0x7f, 0xc2, 0x2d, 0xfd, 0x5d, 0x5b, 0x80, 0x2d, 0xbf, 0x5d, 0x2a]));
    lua.lua_setfield(this.L, -2, lstr('charpattern'));
    lua.lua_pop(this.L, 1);
  }

  private installPrint(): void {
    const L = this.L;
    const print = (L1: LuaState): number => {
      const n = lua.lua_gettop(L1);
      const parts: string[] = [];
      for (let i = 1; i <= n; i++) {
        parts.push(bytesToText(lauxlib.luaL_tolstring(L1, i)));
        lua.lua_pop(L1, 1);
      }
      this.output(parts.join('\t') + '\n');
      return 0;
    };
    lua.lua_pushcfunction(L, print);
    lua.lua_setglobal(L, lstr('print'));
    // io.write goes to the same sink (file handles other than stdout are not offered).
    lua.lua_getglobal(L, lstr('io'));
    lua.lua_pushcfunction(L, (L1: LuaState) => {
      const n = lua.lua_gettop(L1);
      let text = '';
      for (let i = 1; i <= n; i++) {
        // Numbers as C's %d / %.14g (no '.0' suffix), as Lua 5.4's io.write does.
        if (lua.lua_type(L1, i) === T.NUMBER) text += lua.lua_isinteger(L1, i) ? String(lua.lua_tointeger(L1, i)) : formatG14(lua.lua_tonumber(L1, i));
        else text += bytesToText(lauxlib.luaL_checklstring(L1, i));
      }
      this.output(text);
      lua.lua_getglobal(L1, lstr('io'));
      return 1;
    });
    lua.lua_setfield(L, -2, lstr('write'));
    lua.lua_pop(L, 1);
    // Lua 5.4's warn: off until '@on'; messages go to the output as lua5.4 prints them.
    let warnings = false;
    lua.lua_pushcfunction(L, (L1: LuaState) => {
      const n = lua.lua_gettop(L1);
      let text = '';
      for (let i = 1; i <= n; i++) text += bytesToText(lauxlib.luaL_checklstring(L1, i));
      if (n === 1 && text.startsWith('@')) {
        if (text === '@on') warnings = true;
        else if (text === '@off') warnings = false;
        return 0;
      }
      if (warnings) this.output(`Lua warning: ${text}\n`);
      return 0;
    });
    lua.lua_setglobal(L, lstr('warn'));
  }

  /** load/loadfile/dofile that go through the lowering; loadstring-like chunks get `[string "..."]` names. */
  private installLoaders(): void {
    const L = this.L;
    lua.lua_pushcfunction(L, (L1: LuaState) => {
      let source: Uint8Array;
      if (lua.lua_type(L1, 1) === T.STRING) source = lua.lua_tolstring(L1, 1);
      else {
        lauxlib.luaL_checktype(L1, 1, T.FUNCTION);
        const pieces: Uint8Array[] = [];
        for (;;) {
          lua.lua_pushvalue(L1, 1);
          lua.lua_call(L1, 0, 1);
          if (lua.lua_isnil(L1, -1)) break;
          if (lua.lua_type(L1, -1) !== T.STRING) return raise(L1, 'reader function must return a string');
          const piece = lua.lua_tolstring(L1, -1) as Uint8Array;
          lua.lua_pop(L1, 1);
          if (piece.length === 0) break;
          pieces.push(piece.slice());
        }
        lua.lua_pop(L1, 1);
        source = Buffer.concat(pieces);
      }
      const given = getString(L1, 2);
      const name = given ?? (lua.lua_type(L1, 1) === T.STRING ? chunkLabel(source) : '=(load)');
      const mode = getString(L1, 3) ?? 'bt';
      if (mode.indexOf('t') < 0) {
        lua.lua_pushnil(L1);
        lua.lua_pushstring(L1, toLuaString(`attempt to load a text chunk (mode is '${mode}')`));
        return 2;
      }
      const status = this.load(L1, source, given !== undefined && !/^[=@]/.test(given) ? '=' + given : name, 't');
      if (status !== LUA_OK) {
        lua.lua_pushnil(L1);
        lua.lua_insert(L1, -2);
        return 2;
      }
      if (!lua.lua_isnone(L1, 4)) {
        lua.lua_pushvalue(L1, 4);
        if (!lua.lua_setupvalue(L1, -2, 1)) lua.lua_pop(L1, 1);
      }
      return 1;
    });
    lua.lua_setglobal(L, lstr('load'));
    lua.lua_pushcfunction(L, (L1: LuaState) => {
      const path = toJsString(lauxlib.luaL_checkstring(L1, 1));
      if (this.loadFile(L1, resolve(this.policyDir, path)) !== LUA_OK) {
        lua.lua_pushnil(L1);
        lua.lua_insert(L1, -2);
        return 2;
      }
      return 1;
    });
    lua.lua_setglobal(L, lstr('loadfile'));
    lua.lua_pushcfunction(L, (L1: LuaState) => {
      const path = toJsString(lauxlib.luaL_checkstring(L1, 1));
      lua.lua_settop(L1, 0);
      if (this.loadFile(L1, resolve(this.policyDir, path)) !== LUA_OK) return lua.lua_error(L1);
      lua.lua_callk(L1, 0, lua.LUA_MULTRET, 0, (L2: LuaState) => lua.lua_gettop(L2));
      return lua.lua_gettop(L1);
    });
    lua.lua_setglobal(L, lstr('dofile'));
  }

  private installPackage(extraPath: string[]): void {
    const L = this.L;
    const path = [
      join(this.policyDir, '?.lua'),
      join(this.policyDir, '?/init.lua'),
      ...extraPath,
      // kumod's own prefixes, then Lua's defaults.
      ...KUMOD_PACKAGE_PATH,
      '/usr/local/share/lua/5.4/?.lua',
      '/usr/local/share/lua/5.4/?/init.lua',
      './?.lua',
      './?/init.lua',
    ].join(';');
    lua.lua_getglobal(L, lstr('package'));
    lua.lua_pushstring(L, toLuaString(path));
    lua.lua_setfield(L, -2, lstr('path'));
    lua.lua_pushstring(L, lstr(''));
    lua.lua_setfield(L, -2, lstr('cpath'));
    lua.lua_pushcfunction(L, (L1: LuaState) => raise(L1, 'package.loadlib: C modules are disabled (as in kumod)'));
    lua.lua_setfield(L, -2, lstr('loadlib'));
    // Searchers: preload (kept), policy-extras, then Lua files on package.path.
    lua.lua_getfield(L, -1, lstr('searchers'));
    lua.lua_rawgeti(L, -1, 1);
    const preload = lua.lua_absindex(L, -1);
    lua.lua_createtable(L, 3, 0);
    lua.lua_pushvalue(L, preload);
    lua.lua_rawseti(L, -2, 1);
    lua.lua_pushcfunction(L, (L1: LuaState) => this.searchPolicyExtras(L1));
    lua.lua_rawseti(L, -2, 2);
    lua.lua_pushcfunction(L, (L1: LuaState) => this.searchPath(L1));
    lua.lua_rawseti(L, -2, 3);
    lua.lua_setfield(L, -4, lstr('searchers'));
    lua.lua_pop(L, 3);
  }

  private searchPolicyExtras(L: LuaState): number {
    const name = toJsString(lauxlib.luaL_checkstring(L, 1));
    const prefix = 'policy-extras.';
    if (!name.startsWith(prefix)) return 0;
    const file = join(this.policyExtrasDir, name.slice(prefix.length).replace(/\./g, '/') + '.lua');
    if (!existsSync(file)) {
      if (!existsSync(this.policyExtrasDir)) {
        return raise(L, `module '${name}' is one of KumoMTA's shipped policy helpers, which this tool does not include; ` +
          `the directory ${this.policyExtrasDir} does not exist: install KumoMTA there, or point the runtime at a copy of its share/policy-extras (option policyExtrasDir, CLI --policy-extras)`);
      }
      lua.lua_pushstring(L, toLuaString(`\n\tno file '${file}'`));
      return 1;
    }
    return this.pushLoader(L, file);
  }

  private searchPath(L: LuaState): number {
    const name = toJsString(lauxlib.luaL_checkstring(L, 1));
    lua.lua_getglobal(L, lstr('package'));
    lua.lua_getfield(L, -1, lstr('path'));
    const path = getString(L, -1);
    lua.lua_pop(L, 2);
    if (path === undefined) return raise(L, "'package.path' must be a string");
    const tried: string[] = [];
    const rel = name.replace(/\./g, '/');
    for (const template of path.split(';')) {
      if (!template) continue;
      const file = resolve(this.policyDir, template.replace(/\?/g, rel));
      if (existsSync(file)) return this.pushLoader(L, file);
      tried.push(`\n\tno file '${template.replace(/\?/g, rel)}'`);
    }
    lua.lua_pushstring(L, toLuaString(tried.join('')));
    return 1;
  }

  private pushLoader(L: LuaState, file: string): number {
    if (this.loadFile(L, file) !== LUA_OK) {
      const msg = toJsString(lua.lua_tostring(L, -1), undefined, undefined, true);
      return raise(L, `error loading module '${toJsString(lua.lua_tostring(L, 1))}' from file '${file}':\n\t${msg}`);
    }
    lua.lua_pushstring(L, toLuaString(file));
    return 2;
  }

}

/** `[string "first line..."]` as Lua names string chunks. */
function chunkLabel(source: Uint8Array): string {
  const text = toJsString(source.subarray(0, 80), undefined, undefined, true);
  const line = text.split('\n')[0];
  return '=[string "' + (line.length < text.length || line.length > 40 ? line.slice(0, 40) + '..."]' : line + '"]');
}

/** Lua bytes as text for output sinks, decoded as UTF-8 the way Node decodes a process's output. */
function bytesToText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}
