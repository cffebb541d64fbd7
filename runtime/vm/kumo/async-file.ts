/**
 * kumo.fs.open and the AsyncFile object, as kumod has them (crates/mod-filesystem/src/file.rs): a tokio
 * `BufStream<File>`, i.e. an 8 KiB read buffer in front of an 8 KiB write buffer, modelled here so that mixing
 * reads and writes behaves as in kumod: a read does not flush pending writes (it reads what is on disk, from
 * the OS position), a write after a read lands after the read-ahead, a seek flushes and accounts for the
 * read-ahead, and data still buffered when the object is dropped without close() is lost. Modes follow
 * kumod's OpenOptions, quirks included: `w` creates but does not truncate, `r+` creates. I/O is synchronous
 * (local files); errors read as Rust's io::Error does ("No such file or directory (os error 2)").
 */
import { closeSync, fstatSync, openSync, readSync, writeSync, constants as fsc } from 'node:fs';
import { constants as osc } from 'node:os';
import { resolve } from 'node:path';
import { lua, lauxlib, LuaState, raise, T, toJsString } from '../lua-api';
import { pushNumber } from '../convert';
import { defineUserdataType, pushObject } from '../userdata';
import type { KumoContext, KumoFunctions } from './context';

/** tokio's DEFAULT_BUF_SIZE, for both halves of the BufStream. */
export const BUF_SIZE = 8 * 1024;

/** open(2) flags for kumod's modes (Rust OpenOptions). */
const MODES: Record<string, number> = {
  r: fsc.O_RDONLY,
  rb: fsc.O_RDONLY,
  w: fsc.O_WRONLY | fsc.O_CREAT,
  wb: fsc.O_WRONLY | fsc.O_CREAT,
  a: fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT,
  ab: fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT,
  'r+': fsc.O_RDWR | fsc.O_CREAT,
  'r+b': fsc.O_RDWR | fsc.O_CREAT,
  'w+': fsc.O_RDWR | fsc.O_TRUNC | fsc.O_CREAT,
  'w+b': fsc.O_RDWR | fsc.O_TRUNC | fsc.O_CREAT,
  'a+': fsc.O_RDWR | fsc.O_APPEND | fsc.O_CREAT,
  'a+b': fsc.O_RDWR | fsc.O_APPEND | fsc.O_CREAT,
};

/** glibc's strerror text for the errors file I/O meets. */
const STRERROR: Record<string, string> = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', EIO: 'Input/output error', EBADF: 'Bad file descriptor',
  EACCES: 'Permission denied', EEXIST: 'File exists', ENOTDIR: 'Not a directory', EISDIR: 'Is a directory', EINVAL: 'Invalid argument',
  EMFILE: 'Too many open files', EFBIG: 'File too large', ENOSPC: 'No space left on device', EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long', ELOOP: 'Too many levels of symbolic links', ETXTBSY: 'Text file busy', EAGAIN: 'Resource temporarily unavailable',
};

/** A Node fs error as Rust displays an io::Error from the OS: `Permission denied (os error 13)`. */
export function rustIoMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const code = err.code;
  const errno = code !== undefined ? (osc.errno as Record<string, number>)[code] : undefined;
  if (code === undefined || errno === undefined) return err.message ?? String(e);
  const text = STRERROR[code] ?? (err.message.split(', ')[0].replace(/^[A-Z]+: /, '').replace(/^./, (c) => c.toUpperCase()));
  return `${text} (os error ${errno})`;
}

class IoError extends Error {}

/** Closes files that Lua dropped without close(); like kumod, whatever was still buffered is not written. */
const dropped = new FinalizationRegistry<{ fd: number | null }>((h) => {
  if (h.fd !== null) {
    try {
      closeSync(h.fd);
    } catch {
      /* already closed */
    }
  }
});

/** tokio `BufStream<File>` over a file descriptor; the OS position is kept here (positional I/O). */
export class BufStreamFile {
  /** Shared with the finalizer, which closes the descriptor once this object is collected. */
  private readonly handle: { fd: number | null };
  /** The OS file position. */
  private pos = 0;
  private readonly append: boolean;
  private rbuf: Buffer = Buffer.alloc(0);
  private rpos = 0;
  private wbuf: Buffer[] = [];
  private wlen = 0;

  constructor(fd: number, flags: number) {
    this.handle = { fd };
    this.append = (flags & fsc.O_APPEND) !== 0;
    dropped.register(this, this.handle, this);
  }

  get closed(): boolean {
    return this.handle.fd === null;
  }

  private fd(what: string): number {
    if (this.handle.fd === null) throw new IoError(`attempt to ${what} a closed file handle`);
    return this.handle.fd;
  }

  private os<R>(fn: () => R): R {
    try {
      return fn();
    } catch (e) {
      throw new IoError(rustIoMessage(e));
    }
  }

  private osRead(fd: number, n: number): Buffer {
    const b = Buffer.alloc(n);
    const got = this.os(() => readSync(fd, b, 0, n, this.pos));
    this.pos += got;
    return b.subarray(0, got);
  }

  private osWrite(fd: number, data: Uint8Array): void {
    for (let off = 0; off < data.length;) {
      // O_APPEND writes go to the end whatever the position; the position then is the end.
      off += this.os(() => writeSync(fd, data, off, data.length - off, this.append ? null : this.pos + off));
    }
    this.pos = this.append ? this.os(() => fstatSync(fd).size) : this.pos + data.length;
  }

  /** BufWriter::flush_buf. */
  private flushWrites(fd: number): void {
    if (this.wlen === 0) return;
    const data = Buffer.concat(this.wbuf, this.wlen);
    this.wbuf = [];
    this.wlen = 0;
    this.osWrite(fd, data);
  }

  private discardReads(): void {
    this.rbuf = Buffer.alloc(0);
    this.rpos = 0;
  }

  /** `read(n)`: one BufReader read (at most what the buffer holds); `read()`: to the end of the file. */
  read(n?: number): Buffer {
    const fd = this.fd('flush'); // sic: kumod's message for reading a closed file
    if (n === undefined) {
      const parts = [this.rbuf.subarray(this.rpos)];
      this.discardReads();
      for (;;) {
        const chunk = this.osRead(fd, 64 * 1024);
        if (chunk.length === 0) break;
        parts.push(chunk);
      }
      return Buffer.concat(parts);
    }
    if (this.rpos >= this.rbuf.length && n >= BUF_SIZE) {
      const direct = this.osRead(fd, n);
      this.discardReads();
      return direct;
    }
    if (this.rpos >= this.rbuf.length) {
      this.rbuf = this.osRead(fd, BUF_SIZE);
      this.rpos = 0;
    }
    const amount = Math.min(this.rbuf.length - this.rpos, n);
    const out = Buffer.from(this.rbuf.subarray(this.rpos, this.rpos + amount));
    this.rpos += amount;
    return out;
  }

  /** write_all through the BufWriter: small writes are buffered, a full buffer is flushed first, big ones go through. */
  write(data: Uint8Array): void {
    const fd = this.fd('flush');
    if (this.wlen + data.length > BUF_SIZE) this.flushWrites(fd);
    if (data.length >= BUF_SIZE) this.osWrite(fd, data);
    else {
      this.wbuf.push(Buffer.from(data));
      this.wlen += data.length;
    }
  }

  flush(): void {
    this.flushWrites(this.fd('flush'));
  }

  /** BufReader + BufWriter seek: flush, then move relative to the logical position (the OS one minus the read-ahead). */
  seek(whence: 'set' | 'cur' | 'end', offset: number): number {
    const fd = this.fd('seek');
    const readAhead = this.rbuf.length - this.rpos;
    this.flushWrites(fd);
    const target = whence === 'set' ? offset : whence === 'cur' ? this.pos + offset - readAhead : this.os(() => fstatSync(fd).size) + offset;
    if (target < 0) throw new IoError(rustIoMessage(Object.assign(new Error('EINVAL'), { code: 'EINVAL' })));
    this.pos = target;
    this.discardReads();
    return target;
  }

  /** Takes the file, flushes it (an error is raised, the file is closed all the same); a second close does nothing. */
  close(): void {
    const fd = this.handle.fd;
    if (fd === null) return;
    this.handle.fd = null;
    dropped.unregister(this);
    try {
      this.flushWrites(fd);
    } finally {
      this.os(() => closeSync(fd));
    }
  }
}

/** kumod's AsyncFile::open: the mode decides the OpenOptions; relative paths resolve against `base`. */
export function openAsyncFile(base: string, filename: string, mode = 'r'): BufStreamFile {
  const flags = MODES[mode];
  if (flags === undefined) throw new IoError(`unsupported file mode \`${mode}\``);
  try {
    return new BufStreamFile(openSync(resolve(base, filename), flags, 0o666), flags);
  } catch (e) {
    throw new IoError(`failed to open ${filename} with mode ${mode}: ${rustIoMessage(e)}`);
  }
}

/** kumod's seek arguments: a whence string and an integer offset, in either order, each at most once. */
function seekArgs(L: LuaState): { whence: 'set' | 'cur' | 'end'; offset: number } {
  let whence: 'set' | 'cur' | 'end' | undefined;
  let offset: number | undefined;
  const invalid = 'invalid whence/offset parameters to seek';
  for (let i = 2; i <= lua.lua_gettop(L); i++) {
    const t = lua.lua_type(L, i);
    if (t === T.STRING) {
      if (whence !== undefined) throw new IoError('whence already set');
      const s = toJsString(lua.lua_tostring(L, i), undefined, undefined, true);
      if (s !== 'set' && s !== 'cur' && s !== 'end') throw new IoError(invalid);
      whence = s;
    } else if (t === T.NUMBER) {
      // An integer; fengari's integers are 32-bit, so integral floats past that range count too.
      const v = lua.lua_tonumber(L, i) as number;
      if (!lua.lua_isinteger(L, i) && !(Number.isInteger(v) && Math.abs(v) > 2 ** 31)) throw new IoError(invalid);
      if (offset !== undefined) throw new IoError('offset already set');
      offset = v;
    } else throw new IoError(invalid);
  }
  offset ??= 0;
  whence ??= 'cur';
  if (whence === 'set' && offset < 0) throw new IoError(`start-relative offset ${offset} is out of range`);
  return { whence, offset };
}

export function asyncFileFunctions(ctx: KumoContext): KumoFunctions {
  const base = ctx.host.policyDir;
  /** Runs a method, turning IoErrors into Lua errors named after it. */
  const method = (name: string, fn: (L: LuaState, f: BufStreamFile) => number) => (L: LuaState, f: BufStreamFile): number => {
    let n: number;
    try {
      n = fn(L, f);
    } catch (e) {
      if (e instanceof IoError) return raise(L, `AsyncFile:${name}: ${e.message}`);
      throw e;
    }
    return n;
  };
  defineUserdataType<BufStreamFile>(ctx.host.L, {
    name: 'AsyncFile',
    toString: (f) => (f.closed ? 'AsyncFile(closed)' : 'AsyncFile'),
    methods: {
      close: method('close', (_L, f) => (f.close(), 0)),
      flush: method('flush', (_L, f) => (f.flush(), 0)),
      read: method('read', (L, f) => {
        let n: number | undefined;
        if (!lua.lua_isnoneornil(L, 2)) {
          n = lauxlib.luaL_checkinteger(L, 2) as number;
          if (n < 0) throw new IoError('error converting Lua integer to usize (out of range)');
        }
        lua.lua_pushstring(L, f.read(n));
        return 1;
      }),
      write: method('write', (L, f) => {
        f.write(lauxlib.luaL_checklstring(L, 2) as Uint8Array);
        return 0;
      }),
      seek: method('seek', (L, f) => {
        const { whence, offset } = seekArgs(L);
        pushNumber(L, f.seek(whence, offset));
        return 1;
      }),
    },
  });
  return {
    'kumo.fs.open': (L) => {
      const filename = toJsString(lauxlib.luaL_checklstring(L, 1), undefined, undefined, true);
      const mode = lua.lua_isnoneornil(L, 2) ? undefined : toJsString(lauxlib.luaL_checklstring(L, 2), undefined, undefined, true);
      try {
        pushObject(L, 'AsyncFile', openAsyncFile(base, filename, mode));
      } catch (e) {
        if (e instanceof IoError) return raise(L, `kumo.fs.open: ${e.message}`);
        throw e;
      }
      return 1;
    },
  };
}
