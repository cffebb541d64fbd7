/**
 * A disk cache of compiled Lua chunks (fengari bytecode), so that loading a policy does not run fengari's
 * parser again for a file it has already compiled. Parsing dominates the first load in a process (the JS of
 * fengari's parser is still cold then); loading bytecode costs a fraction of it.
 *
 * Entries are keyed by a hash of the chunk name, the source text and the identity of the code that compiled
 * it (this bundle's file and the fengari version), so a changed file, a new build or a new fengari never
 * reuses an old entry. An entry that fails to load is deleted and the source compiled again: the cache can
 * only save time, never change a result. Writes are atomic (temporary file + rename) and the folder is
 * private to the user, because bytecode is trusted as if we had compiled it.
 *
 * KUMO_POLICY_CHUNK_CACHE=0 turns it off; it lives in lua-chunks/ under the cache root (bin/cache-dir.js).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, pruneOldest } from '../../bin/cache-dir';

/** Most entries kept; past it the least recently written are removed. */
const MAX_ENTRIES = 2000;
const PRUNE_TO = 1500;

export interface ChunkCache {
  /** The key of a chunk: undefined when the chunk should not be cached. */
  key(chunkName: string, source: string | Uint8Array): string | undefined;
  get(key: string): Uint8Array | undefined;
  set(key: string, bytecode: Uint8Array): void;
  delete(key: string): void;
}

/** The exact-integer patch applied to fengari by scripts/patch-fengari.mjs (it changes the bytecode format). */
export function fengariIntPatch(): string {
  try {
    return (require('fengari/src/luaconf.js') as { KUMO_INT_PATCH?: string }).KUMO_INT_PATCH ?? 'unpatched';
  } catch {
    return 'unknown';
  }
}

/**
 * Identity of the compiling code: this module's file (the bundle it lives in), fengari's version and the
 * integer patch applied to it (8-byte integers in bytecode; old entries must not be read).
 */
function compilerIdentity(): string {
  let self = '';
  try {
    const st = statSync(__filename);
    self = `${__filename}:${st.size}:${st.mtimeMs}`;
  } catch {
    self = __filename;
  }
  let fengari = '';
  try {
    fengari = (require('fengari/package.json') as { version: string }).version;
  } catch {
    // Bundled without its package.json (the .vsix): the bundle's own identity covers it.
  }
  return `${self}|fengari ${fengari}|${fengariIntPatch()}`;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'lua-chunks');
}

export class DiskChunkCache implements ChunkCache {
  private readonly identity = compilerIdentity();
  private ready = false;
  private broken = false;

  constructor(readonly dir: string) {}

  key(chunkName: string, source: string | Uint8Array): string | undefined {
    if (this.broken) return undefined;
    return createHash('sha1').update(this.identity).update('\0').update(chunkName).update('\0').update(source).digest('hex');
  }

  get(key: string): Uint8Array | undefined {
    try {
      return readFileSync(join(this.dir, key));
    } catch {
      return undefined;
    }
  }

  set(key: string, bytecode: Uint8Array): void {
    try {
      if (!this.ready) {
        mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        this.ready = true;
      }
      const tmp = join(this.dir, `${key}.${process.pid}.tmp`);
      writeFileSync(tmp, bytecode, { mode: 0o600 });
      renameSync(tmp, join(this.dir, key));
      this.pruneSometimes();
    } catch {
      // A read-only or full disk only costs speed: stop trying for this process.
      this.broken = true;
    }
  }

  delete(key: string): void {
    try {
      unlinkSync(join(this.dir, key));
    } catch {
      // Already gone.
    }
  }

  private writes = 0;
  /** Checks the size every 50 writes (writes only happen on a miss) and removes the oldest entries. */
  private pruneSometimes(): void {
    if (this.writes++ % 50 === 0) pruneOldest(this.dir, MAX_ENTRIES, PRUNE_TO);
  }
}

let shared: ChunkCache | null | undefined;

/** The process-wide cache, or null when KUMO_POLICY_CHUNK_CACHE=0. */
export function defaultChunkCache(): ChunkCache | null {
  if (shared === undefined) shared = process.env.KUMO_POLICY_CHUNK_CACHE === '0' ? null : new DiskChunkCache(defaultCacheDir());
  return shared;
}
