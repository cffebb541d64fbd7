/**
 * Brings what samples/lua/dead_letter.lua wrote (kumo-jsonl segments `<timestamp>.retry` / `<timestamp>.permanent`,
 * written with kumo.jsonl.new_writer so the module also runs under kumod) into the dead-letter engine's logs
 * (`retry-NNNNNN.jsonl`, `permanent-NNNNNN.jsonl`, runtime/engines/dlq), so that `kumo-policy dlq list|replay|purge`
 * see them. The envelopes are the same JSON lines; only the container changes.
 * - Only finished (read-only) segments are imported; one still being written is left for later, unless it has not
 *   changed for `staleMs` (default 60 s): then its writer died (a crash inside log()), and it is marked finished, as
 *   kumod does with abandoned segments of its log directories at startup, and imported.
 * - Lines the Lua replay already consumed (its tailer checkpoint `.dead-letter-replay`) are not imported again.
 * - Each segment's lines are appended durably before the segment is removed: a crash in between imports it
 *   twice (at-least-once), never zero times. A segment that cannot be decoded to its end keeps its readable
 *   lines and is renamed `<name>.unreadable` for inspection.
 */
import { chmodSync, existsSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SegmentReader, SegmentDecodeError } from '../engines/tailer/segment-reader';
import { isSegmentDone } from '../engines/tailer/segments';
import { loadCheckpoint } from '../engines/tailer/checkpoint';
import { acquireLock, appendDurably, listSegments, segmentName } from '../engines/dlq/files';
import type { ReplayHandler } from '../engines/dlq/index';
import { UsageError } from '../cli/args';

export const LUA_SEGMENT = /^\d{8}-\d{6}(\.\d{1,9})?\.(retry|permanent)$/;
export const LUA_REPLAY_CHECKPOINT = 'dead-letter-replay';
const MAX_LOG_BYTES = 64 * 1024 * 1024;

export interface ImportResult {
  retry: number;
  permanent: number;
  /** Segments imported and removed. */
  segments: number;
  /** Lines skipped because the Lua replay had already consumed them. */
  alreadyReplayed: number;
  /** Segments still writable (a script is writing them). */
  active: string[];
  /** Writable segments abandoned by a dead writer (unchanged for staleMs), marked finished and imported. */
  abandoned: string[];
  /** Segments that could not be read to their end (renamed `.unreadable`). */
  unreadable: string[];
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function appendTo(dir: string, prefix: string, lines: string[]): void {
  if (lines.length === 0) return;
  const segs = listSegments(dir, prefix);
  let seq = segs.at(-1)?.seq ?? 1;
  let path = join(dir, segmentName(prefix, seq));
  if (sizeOf(path) >= MAX_LOG_BYTES) path = join(dir, segmentName(prefix, ++seq));
  appendDurably(path, lines.map((l) => l + '\n').join(''));
}

/** Imports the Lua module's segments in `dir` into the engine's logs; a no-op when there are none. */
export function importLuaDeadLetters(dir: string, options: { staleMs?: number; now?: number } = {}): ImportResult {
  const result: ImportResult = { retry: 0, permanent: 0, segments: 0, alreadyReplayed: 0, active: [], abandoned: [], unreadable: [] };
  const staleMs = options.staleMs ?? 60_000;
  const now = options.now ?? Date.now();
  if (!existsSync(dir)) return result;
  const names = readdirSync(dir).filter((n) => LUA_SEGMENT.test(n)).sort();
  if (names.length === 0) return result;
  let cp: { name: string; line: number } | undefined;
  try {
    const loaded = loadCheckpoint(join(dir, '.' + LUA_REPLAY_CHECKPOINT));
    if (loaded && resolve(dirname(loaded.file)) === resolve(dir)) cp = { name: basename(loaded.file), line: loaded.line };
  } catch {
    cp = undefined; // unreadable: import everything (at-least-once)
  }
  const release = acquireLock(dir);
  try {
    for (const name of names) {
      const path = join(dir, name);
      if (!isSegmentDone(path)) {
        if (now - statSync(path).mtimeMs < staleMs) {
          result.active.push(name);
          continue;
        }
        chmodSync(path, 0o444);
        result.abandoned.push(name);
      }
      const kind = name.endsWith('.retry') ? 'retry' : 'permanent';
      let skip = 0;
      if (kind === 'retry' && cp) {
        if (name < cp.name) skip = Infinity;
        else if (name === cp.name) skip = cp.line;
      }
      const lines: string[] = [];
      let index = 0;
      let broken = false;
      const reader = new SegmentReader(path);
      try {
        for (let line = reader.nextLine(); line != null; line = reader.nextLine()) {
          if (index++ < skip) {
            result.alreadyReplayed++;
            continue;
          }
          if (line.trim() !== '') lines.push(line);
        }
        if (reader.hasPartialData() || reader.inFrame()) broken = true;
      } catch (e) {
        if (!(e instanceof SegmentDecodeError)) throw e;
        broken = true;
      } finally {
        reader.close();
      }
      appendTo(dir, kind, lines);
      if (kind === 'retry') result.retry += lines.length;
      else result.permanent += lines.length;
      if (broken) {
        renameSync(path, path + '.unreadable');
        result.unreadable.push(name);
      } else unlinkSync(path);
      result.segments++;
    }
  } finally {
    release();
  }
  return result;
}

/** The event a Lua replay handler registers: `kumo.on('dlq_replay', function(record, envelope) return true end)`. */
export const LUA_REPLAY_EVENT = 'dlq_replay';

/**
 * A replay handler for `kumo-policy dlq replay DIR --handler FILE.lua`: FILE is loaded once (with kumo.jsonl,
 * kumo.http, ...) and its `dlq_replay` handler is called with each record and its envelope. Returning true
 * delivers the record; false/nil (optionally with a reason) or an error fails this attempt.
 */
export async function luaReplayHandler(file: string, log: (text: string) => void = (t) => process.stderr.write(t)): Promise<ReplayHandler> {
  const { PolicyEngine } = await import('../vm/engine');
  const { jsonlFunctions } = await import('./jsonl');
  const path = resolve(file);
  const logFn = (level: string, message: string) => log(`${level.toUpperCase()} ${message}\n`);
  let engine: InstanceType<typeof PolicyEngine> | undefined;
  engine = new PolicyEngine({ policyDir: dirname(path), output: (t) => log(t), log: logFn, functions: jsonlFunctions(() => ({ host: engine!.host, log: logFn })) });
  await engine.loadPolicy(path);
  if (!engine.hasHandler(LUA_REPLAY_EVENT)) {
    throw new Error(`${file} registers no '${LUA_REPLAY_EVENT}' handler: add kumo.on('${LUA_REPLAY_EVENT}', function(record, envelope) ... return true end)`);
  }
  const e = engine;
  return async (payload, envelope) => {
    const r = await e.fireEvent(LUA_REPLAY_EVENT, [payload, envelope]);
    const [ok, why] = r.values as unknown[];
    if (!ok) throw new Error(typeof why === 'string' && why ? why : `${LUA_REPLAY_EVENT} returned ${ok === false ? 'false' : 'nothing'}`);
  };
}

/**
 * What `kumo-policy dlq` calls first: imports dead_letter.lua's segments in DIR (reporting what it did) and
 * teaches `--handler` to take a Lua file.
 */
export async function prepareDlqDirectory(
  dir: string,
  io: { err(text: string): void },
  registerResolver?: (r: (spec: string) => Promise<ReplayHandler | undefined>) => void,
): Promise<ImportResult> {
  registerResolver?.(async (spec) => {
    if (!/\.lua$/i.test(spec)) return undefined;
    if (!existsSync(spec)) throw new UsageError(`no Lua replay handler: ${spec} does not exist (a Lua handler is a script with kumo.on('${LUA_REPLAY_EVENT}', function(record, envelope) ... end))`);
    return luaReplayHandler(spec, (t) => io.err(t));
  });
  const r = importLuaDeadLetters(dir);
  if (r.segments) io.err(`imported ${r.retry} records to retry and ${r.permanent} permanent failures from ${r.segments} segments written by dead_letter.lua${r.alreadyReplayed ? ` (${r.alreadyReplayed} already replayed by it)` : ''}\n`);
  if (r.abandoned.length) io.err(`${r.abandoned.join(', ')} had been left unfinished by a writer that died; marked finished and imported\n`);
  if (r.active.length) io.err(`${r.active.length} dead-letter segments are still being written (${r.active.join(', ')}); they are imported once finished\n`);
  if (r.unreadable.length) io.err(`could not read ${r.unreadable.join(', ')} to the end: their readable records were imported, the files renamed *.unreadable\n`);
  return r;
}
