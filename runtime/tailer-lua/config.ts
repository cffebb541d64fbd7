/**
 * Reads the config tables of `kumo.jsonl.*` into engine options: shape and value checks come from the catalog
 * (config tables `jsonl.new_tailer`, `jsonl.new_multi_tailer`, `jsonl.consumer`, `jsonl.new_writer`) through
 * the VM's config-check; filter functions are taken from the Lua table itself.
 */
import { lua, lauxlib, LuaState, lstr, raise, T, toJsString } from '../vm/lua-api';
import type { LuaHost } from '../vm/host';
import { checkConfigTable } from '../vm/kumo/config-check';
import { getCatalog } from '../catalog/catalog';
import { parseDurationMs } from '../engines/tailer/duration';
import type { ConsumerOptions } from '../engines/tailer/types';
import type { JsonlWriterOptions } from '../engines/tailer/jsonl-writer';
import { LuaFilter } from './filter';

export interface TailerConfig {
  directory: string;
  pattern?: string;
  pollWatcherMs?: number;
  tail?: boolean;
  consumers: ConsumerOptions[];
  filters: LuaFilter[];
}

function duration(L: LuaState, fn: string, key: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  try {
    return parseDurationMs(v as string | number, key);
  } catch (e) {
    return raise(L, `${fn}: invalid value for '${key}': ${(e as Error).message}`);
  }
}

function filterAt(L: LuaState, host: LuaHost, idx: number, fn: string, what: string): LuaFilter | undefined {
  const t = lua.lua_type(L, idx);
  if (t === T.NIL || t === T.NONE) return undefined;
  if (t !== T.FUNCTION) return raise(L, `${fn}: ${what} must be a function(record) returning true to keep the record, got ${toJsString(lauxlib.luaL_typename(L, idx))}`);
  return new LuaFilter(host, L, idx);
}

/** `kumo.jsonl.new_tailer(config, filter?)`: one consumer named "default". */
export function readTailerConfig(L: LuaState, host: LuaHost): TailerConfig {
  const fn = 'kumo.jsonl.new_tailer';
  const cfg = checkConfigTable(L, 1, getCatalog(), fn);
  const filter = filterAt(L, host, 2, fn, 'the filter (second argument)');
  return {
    directory: cfg.directory as string,
    pattern: cfg.pattern as string | undefined,
    pollWatcherMs: duration(L, fn, 'poll_watcher', cfg.poll_watcher),
    tail: cfg.tail === true,
    consumers: [{
      name: 'default',
      maxBatchSize: cfg.max_batch_size as number | undefined,
      maxBatchLatencyMs: duration(L, fn, 'max_batch_latency', cfg.max_batch_latency),
      checkpointName: (cfg.checkpoint_name ?? undefined) as string | undefined,
      filter: filter?.predicate,
    }],
    filters: filter ? [filter] : [],
  };
}

/** `kumo.jsonl.new_multi_tailer{directory, pattern, poll_watcher, tail, consumers = {{name, ...}, ...}}`. */
export function readMultiTailerConfig(L: LuaState, host: LuaHost): TailerConfig {
  const fn = 'kumo.jsonl.new_multi_tailer';
  const cfg = checkConfigTable(L, 1, getCatalog(), fn);
  const list = cfg.consumers as Record<string, unknown>[];
  if (!Array.isArray(list) || list.length === 0) return raise(L, `${fn}: 'consumers' must list at least one consumer table ({ name = '...', filter = function(record) ... end })`);
  const consumers: ConsumerOptions[] = [];
  const filters: LuaFilter[] = [];
  const seen = new Set<string>();
  lua.lua_getfield(L, 1, lstr('consumers'));
  const tableIdx = lua.lua_absindex(L, -1);
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    const where = `consumers[${i + 1}]`;
    if (seen.has(c.name as string)) return raise(L, `${fn}: ${where}: consumer name '${c.name}' is used twice; batch:consumer_name() could not tell them apart`);
    seen.add(c.name as string);
    lua.lua_rawgeti(L, tableIdx, i + 1);
    lua.lua_getfield(L, -1, lstr('filter'));
    const filter = filterAt(L, host, lua.lua_absindex(L, -1), fn, `${where}.filter`);
    lua.lua_pop(L, 2);
    if (filter) filters.push(filter);
    if (typeof c.max_batch_size === 'number' && c.max_batch_size < 1) return raise(L, `${fn}: ${where}.max_batch_size must be at least 1 (got ${c.max_batch_size})`);
    consumers.push({
      name: c.name as string,
      maxBatchSize: c.max_batch_size as number | undefined,
      maxBatchLatencyMs: duration(L, fn, `${where}.max_batch_latency`, c.max_batch_latency),
      checkpointName: (c.checkpoint_name ?? undefined) as string | undefined,
      filter: filter?.predicate,
    });
  }
  lua.lua_pop(L, 1);
  return {
    directory: cfg.directory as string,
    pattern: cfg.pattern as string | undefined,
    pollWatcherMs: duration(L, fn, 'poll_watcher', cfg.poll_watcher),
    tail: cfg.tail === true,
    consumers,
    filters,
  };
}

/** `kumo.jsonl.new_writer{log_dir, max_file_size, compression_level, max_segment_duration, suffix, tz}`. */
export function readWriterConfig(L: LuaState): JsonlWriterOptions {
  const fn = 'kumo.jsonl.new_writer';
  const cfg = checkConfigTable(L, 1, getCatalog(), fn);
  return {
    logDir: cfg.log_dir as string,
    maxFileSize: cfg.max_file_size as number | undefined,
    compressionLevel: cfg.compression_level as number | undefined,
    maxSegmentDurationMs: duration(L, fn, 'max_segment_duration', cfg.max_segment_duration),
    suffix: (cfg.suffix ?? undefined) as string | undefined,
    tz: (cfg.tz ?? undefined) as string | undefined,
  };
}
