/**
 * `kumo.jsonl.*` for the Lua VM, over the tailer engine (runtime/engines/tailer):
 * - `new_tailer(config, filter?)` -> LogTailer, `new_multi_tailer{..., consumers = {...}}` -> MultiTailer;
 *   `tailer:batches()` is a generic-for iterator (a LogBatch per call for new_tailer, a sequence of LogBatch
 *   for new_multi_tailer, nil at the end); `tailer:close()` and `<close>` stop it without writing a checkpoint.
 * - LogBatch: `consumer_name()`, `records()`, `iter_records()`, `commit()`; after commit the batch is empty
 *   and a second commit is a no-op, as in kumod.
 * - `new_writer{log_dir, ...}` -> LogWriter: `write_line`, `write_record`, `close`.
 * A filter error ends the tailer (kumod propagates it): `batches()` raises "filter of consumer 'x' failed on
 * FILE line N: <Lua error>", and nothing after the last commit is lost.
 */
import { lua, LuaState, lstr, raise, T, toJsString } from '../vm/lua-api';
import type { LuaHost } from '../vm/host';
import { toJs } from '../vm/convert';
import { pushRecordTable, pushRecordTables } from './record-table';
import { defineUserdataType, pushObject } from '../vm/userdata';
import type { KumoFunctions, LogLevel } from '../vm/kumo/context';
import { MultiTailer } from '../engines/tailer/multi-tailer';
import { LogBatch } from '../engines/tailer/batch';
import { JsonlWriter } from '../engines/tailer/jsonl-writer';
import type { TailerEvent } from '../engines/tailer/types';
import { readMultiTailerConfig, readTailerConfig, readWriterConfig, TailerConfig } from './config';
import { TailSession, OpenTailer } from './session';
import type { LuaFilter } from './filter';

export interface JsonlDeps {
  host: LuaHost;
  log(level: LogLevel, message: string): void;
  /** Shared by the tailers and writers of one run (tail command); a private one is made otherwise. */
  session?: TailSession;
}

interface TailerObject extends OpenTailer {
  single: boolean;
  filters: LuaFilter[];
  /** Serialises batches() calls from several tasks (kumod holds a mutex around the stream). */
  chain: Promise<unknown>;
}

interface BatchObject {
  batch: LogBatch;
}

const T_TAILER = 'LogTailer';
const T_MULTI = 'MultiTailer';
const T_BATCH = 'LogBatch';
const T_WRITER = 'LogWriter';

const LEVEL: Record<TailerEvent['level'], LogLevel> = { info: 'info', warning: 'warn', error: 'error' };

/** Strictly increasing clock per directory, so two writers in one directory never pick the same segment name. */
const clocks = new Map<string, number>();
function directoryClock(dir: string): () => number {
  return () => {
    const last = clocks.get(dir) ?? 0;
    const now = Math.max(Date.now(), last + 1);
    clocks.set(dir, now);
    return now;
  };
}

export function jsonlFunctions(getDeps: () => JsonlDeps): KumoFunctions {
  const installedIn = new WeakSet<object>();
  let fallbackSession: TailSession | undefined;
  const deps = (L: LuaState): JsonlDeps & { session: TailSession } => {
    const d = getDeps();
    if (!installedIn.has(d.host)) {
      installedIn.add(d.host);
      defineTypes(d.host.L, d);
    }
    void L;
    return { ...d, session: d.session ?? (fallbackSession ??= new TailSession()) };
  };

  const open = (L: LuaState, single: boolean): number => {
    const d = deps(L);
    const fn = single ? 'kumo.jsonl.new_tailer' : 'kumo.jsonl.new_multi_tailer';
    const cfg: TailerConfig = single ? readTailerConfig(L, d.host) : readMultiTailerConfig(L, d.host);
    const label = `${single ? 'new_tailer' : 'new_multi_tailer'}(${cfg.directory})`;
    const obj = { label, single, filters: cfg.filters, chain: Promise.resolve() } as unknown as TailerObject;
    let tailer: MultiTailer;
    try {
      tailer = new MultiTailer({
        directory: cfg.directory,
        pattern: cfg.pattern,
        pollWatcherMs: cfg.pollWatcherMs,
        tail: cfg.tail,
        consumers: cfg.consumers,
        exitWhenCaughtUp: d.session.exitWhenCaughtUp,
        onEvent: (e) => {
          d.log(LEVEL[e.level], `${label}: ${e.message}`);
          d.session.event(e, obj);
        },
      });
    } catch (e) {
      for (const f of cfg.filters) f.release();
      return raise(L, `${fn}: ${(e as Error).message}`);
    }
    obj.tailer = tailer;
    d.session.register(obj);
    pushObject(L, single ? T_TAILER : T_MULTI, obj);
    return 1;
  };

  return {
    'kumo.jsonl.new_tailer': (L) => open(L, true),
    'kumo.jsonl.new_multi_tailer': (L) => open(L, false),
    'kumo.jsonl.new_writer': (L) => {
      const d = deps(L);
      const opts = readWriterConfig(L);
      const writer = new JsonlWriter({ ...opts, now: directoryClock(opts.logDir) });
      d.session.writers.add(writer);
      pushObject(L, T_WRITER, { writer, closed: false, session: d.session });
      return 1;
    },
  };
}

function pushBatch(L: LuaState, b: LogBatch): void {
  pushObject(L, T_BATCH, { batch: b } satisfies BatchObject);
}

function defineTypes(state: LuaState, d: JsonlDeps): void {
  const sched = d.host.scheduler;

  const batches = (L: LuaState, t: TailerObject): number => {
    lua.lua_pushcfunction(L, (L1: LuaState) => {
      const next = t.chain.then(() => t.tailer.next());
      t.chain = next.catch(() => undefined);
      return sched.awaitPromise(L1, t.single ? 'tailer:batches' : 'multi_tailer:batches', next, (L2, got) => {
        if (got === undefined) {
          lua.lua_pushnil(L2);
          return 1;
        }
        if (t.single) {
          pushBatch(L2, got[0]);
          return 1;
        }
        lua.lua_createtable(L2, got.length, 0);
        for (let i = 0; i < got.length; i++) {
          pushBatch(L2, got[i]);
          lua.lua_rawseti(L2, -2, i + 1);
        }
        return 1;
      });
    });
    return 1;
  };
  const close = (_L: LuaState, t: TailerObject): number => {
    t.tailer.close();
    return 0;
  };
  for (const name of [T_TAILER, T_MULTI]) {
    defineUserdataType<TailerObject>(state, {
      name,
      toString: (t) => `${name}(${t.label})`,
      methods: { batches, close },
      meta: {
        __close: (L) => {
          const t = lua.lua_touserdata(L, 1) as unknown as Record<string, TailerObject>;
          t.__kumo_object?.tailer.close();
          return 0;
        },
      },
    });
  }

  defineUserdataType<BatchObject>(state, {
    name: T_BATCH,
    toString: (b) => `LogBatch(${b.batch.consumerName() || 'committed'}, ${b.batch.length} records)`,
    methods: {
      consumer_name: (L, b) => {
        lua.lua_pushstring(L, lstr(b.batch.consumerName()));
        return 1;
      },
      records: (L, b) => {
        pushRecordTables(L, b.batch.records(), d.host);
        return 1;
      },
      iter_records: (L, b) => {
        const recs = b.batch.records().slice();
        let i = 0;
        lua.lua_pushcfunction(L, (L1: LuaState) => {
          if (i < recs.length) pushRecordTable(L1, recs[i++], d.host);
          else lua.lua_pushnil(L1);
          return 1;
        });
        return 1;
      },
      commit: (L, b) => {
        try {
          b.batch.commit();
        } catch (e) {
          return raise(L, `batch:commit: ${(e as Error).message}`);
        }
        return 0;
      },
    },
    meta: {
      __len: (L) => {
        const b = (lua.lua_touserdata(L, 1) as unknown as Record<string, BatchObject>).__kumo_object;
        lua.lua_pushinteger(L, b ? b.batch.length : 0);
        return 1;
      },
    },
  });

  type WriterObject = { writer: JsonlWriter; closed: boolean; session: TailSession };
  const write = (L: LuaState, w: WriterObject, what: string, line: string): number => {
    if (w.closed) return raise(L, `writer:${what}: writer has been closed`);
    return sched.awaitPromise(L, `writer:${what}`, w.writer.writeLine(line), () => 0);
  };
  defineUserdataType<WriterObject>(state, {
    name: T_WRITER,
    toString: (w) => `LogWriter(${w.writer.currentPath ?? 'no open segment'})`,
    methods: {
      write_line: (L, w) => {
        if (lua.lua_type(L, 2) !== T.STRING && lua.lua_type(L, 2) !== T.NUMBER) return raise(L, `writer:write_line: expected a string, got ${toJsString(lua.lua_typename(L, lua.lua_type(L, 2)))}`);
        return write(L, w, 'write_line', toJsString(lua.lua_tolstring(L, 2), undefined, undefined, true));
      },
      write_record: (L, w) => {
        let text: string;
        try {
          text = JSON.stringify(toJs(L, 2)) ?? 'null';
        } catch (e) {
          return raise(L, `writer:write_record: ${(e as Error).message}`);
        }
        return write(L, w, 'write_record', text);
      },
      close: (L, w) => closeWriter(L, w),
    },
    meta: {
      __close: (L) => {
        const w = (lua.lua_touserdata(L, 1) as unknown as Record<string, WriterObject>).__kumo_object;
        return w ? closeWriter(L, w) : 0;
      },
    },
  });
  const closeWriter = (L: LuaState, w: WriterObject): number => {
    if (w.closed) return 0;
    w.closed = true;
    w.session.writers.delete(w.writer);
    return sched.awaitPromise(L, 'writer:close', w.writer.close(), () => 0);
  };
}
