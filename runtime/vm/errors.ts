/**
 * Errors raised by Lua code, with the Lua traceback mapped back to files and lines.
 */
import { lua, lauxlib, LuaState, toJsString, T } from './lua-api';
import type { ChunkNames } from './chunk-names';
import { toJs } from './convert';

export interface LuaFrame {
  /** Display name of the chunk (`init.lua`, `=[JS]`, `[string "..."]`). */
  source: string;
  /** Full path when the chunk came from a file. */
  file?: string;
  line: number;
  /** Function name as Lua describes it (`function 'foo'`, `method 'send'`, `main chunk`). */
  what: string;
}

export interface LuaLocation {
  file: string;
  line: number;
}

export class LuaError extends Error {
  /** The error value as Lua saw it (message including its `chunk:line:` prefix), or its tostring. */
  readonly luaMessage: string;
  readonly frames: LuaFrame[];
  /** Where it happened: the position in the message when it names a file, else the innermost Lua frame. */
  readonly location?: LuaLocation;
  /** The original error value, when it was not a string (error objects, tables). */
  readonly value?: unknown;
  /** `timeout` and `cancelled` when the runtime stopped the script. */
  readonly kind: 'error' | 'timeout' | 'cancelled' | 'syntax';

  constructor(luaMessage: string, frames: LuaFrame[], location: LuaLocation | undefined, kind: LuaError['kind'] = 'error', value?: unknown) {
    super(luaMessage);
    this.name = 'LuaError';
    this.luaMessage = luaMessage;
    this.frames = frames;
    this.location = location;
    this.kind = kind;
    this.value = value;
  }

  /** The message followed by a `stack traceback:` in Lua's layout, using full file paths. */
  get traceback(): string {
    const lines = [this.luaMessage, 'stack traceback:'];
    for (const f of this.frames) lines.push(`\t${f.file ?? f.source}:${f.line > 0 ? f.line + ':' : ''} in ${f.what}`);
    return lines.join('\n');
  }
}

/** Reads the frames of a (suspended or failed) thread, innermost first. */
export function collectFrames(L: LuaState, names?: ChunkNames, max = 40): LuaFrame[] {
  const frames: LuaFrame[] = [];
  const ar = new lua.lua_Debug();
  for (let level = 0; frames.length < max && lua.lua_getstack(L, level, ar); level++) {
    lua.lua_getinfo(L, 'Slnt', ar);
    const source = ar.short_src ? toJsString(ar.short_src) : '?';
    const what = describeFunction(ar);
    frames.push({ source, file: names?.pathFor(source), line: ar.currentline, what });
  }
  return frames;
}

function describeFunction(ar: any): string {
  const what = ar.what ? toJsString(ar.what) : '';
  if (ar.namewhat && ar.namewhat.length) return `${toJsString(ar.namewhat)} '${toJsString(ar.name)}'`;
  if (what === 'main') return 'main chunk';
  if (what === 'Lua') return `function <${toJsString(ar.short_src)}:${ar.linedefined}>`;
  return '?';
}

const POSITION = /^(.*?):(\d+): /s;

/** `init.lua:12: boom` -> { source: 'init.lua', line: 12 } */
export function positionInMessage(message: string): { source: string; line: number } | undefined {
  const m = POSITION.exec(message);
  return m ? { source: m[1], line: Number(m[2]) } : undefined;
}

/** Builds a LuaError from the error value at the top of `thread`'s stack (after a failed resume). */
export function errorFromThread(thread: LuaState, names: ChunkNames | undefined, kind: LuaError['kind'] = 'error'): LuaError {
  const frames = collectFrames(thread, names);
  lua.lua_checkstack(thread, 10); // room to convert the error value on a dead thread
  let value: unknown;
  let message: string;
  const t = lua.lua_type(thread, -1);
  if (t === T.STRING || t === T.NUMBER) message = toJsString(lua.lua_tolstring(thread, -1), undefined, undefined, true);
  else {
    // A dead thread cannot run __tostring: convert the error value on a fresh helper thread.
    const helper = lua.lua_newthread(thread) as LuaState;
    lua.lua_pushvalue(thread, -2);
    lua.lua_xmove(thread, helper, 1);
    lua.lua_pop(thread, 1);
    try {
      message = toJsString(lauxlib.luaL_tolstring(helper, 1));
    } catch {
      message = `(error object is a ${toJsString(lauxlib.luaL_typename(helper, 1))} value)`;
    }
    // Error objects: host objects (kumo.reject's SmtpRejection) come back as themselves, tables as JS.
    try {
      value = toJs(helper, 1, { opaque: 'describe' });
    } catch {
      value = message;
    }
  }
  return new LuaError(message, frames, locate(message, frames, names), kind, value);
}

/** The file and line an error points at: the message's own prefix if it names a file, else the first Lua frame with a file. */
export function locate(message: string, frames: LuaFrame[], names?: ChunkNames): LuaLocation | undefined {
  const pos = positionInMessage(message);
  const file = pos && names?.pathFor(pos.source);
  if (pos && file) return { file, line: pos.line };
  const frame = frames.find((f) => f.file && f.line > 0);
  return frame ? { file: frame.file!, line: frame.line } : undefined;
}

/** Replaces display chunk names in a message by full paths (for messages shown outside the editor). */
export function withFullPaths(message: string, names: ChunkNames): string {
  return message.replace(/(^|\s)([^\s:]+):(\d+):/g, (all, pre: string, src: string, line: string) => {
    const file = names.pathFor(src);
    return file ? `${pre}${file}:${line}:` : all;
  });
}

/**
 * The error of a failed protected call: the time limit's or the user's stop when the scheduler killed the
 * call (`killed`), else the error value on the thread.
 */
export function errorAfterCall(L: LuaState, names: ChunkNames | undefined, killed?: { kind: 'timeout' | 'cancelled'; message: string }): LuaError {
  if (!killed) return errorFromThread(L, names);
  const frames = collectFrames(L, names);
  return new LuaError(killed.message, frames, locate(killed.message, frames, names), killed.kind);
}
