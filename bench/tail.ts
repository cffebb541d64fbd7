/**
 * `kumo-policy tail` figures: records/s of a 2-consumer `kumo.jsonl.new_multi_tailer` with LUA filters, run in
 * the Studio's Lua VM over >= 500,000 records in zstd segments, side by side (same files, same run) with a native
 * `zstd -dc | lua5.4` + lua-cjson loop doing the same decompression, parsing and filtering; filter calls/s of a
 * filter reading record.type; and append-to-consume latency of a record appended to an active segment, against
 * max_batch_latency + 250 ms.
 *
 *   node scripts/build.mjs --bench && node out/bench/tail.js
 * Environment: BENCH_RECORDS (default 500000), BENCH_ROUNDS (default 2), BENCH_LATENCY_RECORDS (default 40).
 * CPU time is reported next to wall time: on a shared machine the wall clock also counts time spent waiting for a CPU.
 * The Studio runs twice per round: as shipped (filters of the simple `record.type == '...'` kind are compiled to
 * JS, see runtime/tailer-lua/filter-compile.ts) and with every filter call going through the Lua VM.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSegments } from '../runtime/engines/tailer/generator';
import { JsonlWriter } from '../runtime/engines/tailer/jsonl-writer';
import { PolicyEngine } from '../runtime/vm/engine';
import { jsonlFunctions } from '../runtime/tailer-lua/jsonl';
import { TailSession } from '../runtime/tailer-lua/session';
import { LuaFilter } from '../runtime/tailer-lua/filter';
import { RecordFactory } from '../runtime/engines/tailer/records';
import { lua } from '../runtime/vm/lua-api';
import { haveNativeLua, runNativeLua } from './support/native-lua';

const TAIL_SCRIPT = `local kumo = require 'kumo'
kumo.on('main', function(dir)
  local tailer = kumo.jsonl.new_multi_tailer {
    directory = dir,
    consumers = {
      { name = 'deliveries', max_batch_size = 1000, filter = function(record) return record.type == 'Delivery' end },
      { name = 'bounces', max_batch_size = 1000, filter = function(record) return record.type == 'Bounce' or record.type == 'TransientFailure' end },
    },
  }
  local n = { deliveries = 0, bounces = 0 }
  for batches in tailer:batches() do
    for _, batch in ipairs(batches) do
      local name = batch:consumer_name()
      n[name] = n[name] + #batch
    end
  end
  tailer:close()
  print(n.deliveries, n.bounces)
end)
`;

const NATIVE_LOOP = `local cjson = require 'cjson'
local decode = cjson.decode
local n, nd, nb = 0, 0, 0
local deliveries, bounces = {}, {}
for line in io.lines() do
  local record = decode(line)
  n = n + 1
  local t = record.type
  if t == 'Delivery' then nd = nd + 1; deliveries[#deliveries + 1] = record; if #deliveries >= 1000 then deliveries = {} end end
  if t == 'Bounce' or t == 'TransientFailure' then nb = nb + 1; bounces[#bounces + 1] = record; if #bounces >= 1000 then bounces = {} end end
end
io.write(nd, '\\t', nb, '\\n')
`;

const LATENCY_SCRIPT = `local kumo = require 'kumo'
kumo.on('main', function(dir, latency)
  local tailer = kumo.jsonl.new_multi_tailer {
    directory = dir,
    consumers = { { name = 'live', max_batch_size = 1000, max_batch_latency = latency } },
  }
  for batches in tailer:batches() do
    for _, batch in ipairs(batches) do
      local now = kumo.time.now().unix_timestamp_millis
      for record in batch:iter_records() do print(string.format('%d', now - record.meta.appended_ms)) end
      batch:commit()
    end
  end
end)
`;

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

async function runInVm(script: string, args: string[], exitWhenCaughtUp = true): Promise<{ out: string; ms: number; cpuMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-bench-tail-script-'));
  const path = join(dir, 'script.lua');
  writeFileSync(path, script);
  const session = new TailSession({ exitWhenCaughtUp });
  const out: string[] = [];
  const log = (level: string, m: string) => { if (level === 'error') process.stderr.write(`${level}: ${m}\n`); };
  let engine: PolicyEngine | undefined;
  engine = new PolicyEngine({ policyDir: dir, timeoutMs: 0, output: (t) => out.push(t), log, functions: jsonlFunctions(() => ({ host: engine!.host, log, session })) });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await engine.runScript(path, args);
  const ms = performance.now() - t0;
  const c = cpuMs(process.cpuUsage(c0));
  rmSync(dir, { recursive: true, force: true });
  return { out: out.join(''), ms, cpuMs: c };
}

/** Filter calls per second for `record.type == 'Delivery'` through the binding's fast path. */
async function filterRate(): Promise<{ wall: number; cpu: number }> {
  const engine = new PolicyEngine({});
  await engine.runString("BENCH_FILTER = function(record) return record.type == 'Delivery' end");
  const L = engine.host.L;
  lua.lua_getglobal(L, 'BENCH_FILTER');
  const f = new LuaFilter(engine.host, L, -1);
  lua.lua_pop(L, 1);
  const factory = new RecordFactory({ seed: 3 });
  const recs = Array.from({ length: 10_000 }, () => JSON.parse(factory.nextLine()));
  let best = { wall: 0, cpu: 0 };
  for (let round = 0; round < 5; round++) {
    const n = 300_000;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let kept = 0;
    for (let i = 0; i < n; i++) if (f.predicate(recs[i % recs.length])) kept++;
    const wall = n / ((performance.now() - t0) / 1000);
    const cpu = n / (cpuMs(process.cpuUsage(c0)) / 1000);
    if (kept === 0) throw new Error('filter kept nothing');
    if (wall > best.wall) best = { wall, cpu };
  }
  return best;
}

async function latency(root: string, records: number, latencyMs: number): Promise<number[]> {
  const dir = join(root, 'live');
  const writer = new JsonlWriter({ logDir: dir, flushBytes: 0 });
  const factory = new RecordFactory({ seed: 5 });
  // The first record creates the active segment before the tailer starts.
  const line = () => {
    const r = JSON.parse(factory.nextLine());
    r.meta = { ...(r.meta ?? {}), appended_ms: Date.now() };
    return JSON.stringify(r);
  };
  await writer.writeLine(line());
  const run = runInVm(LATENCY_SCRIPT, [dir, `${latencyMs}ms`]);
  for (let i = 1; i < records; i++) {
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 180));
    await writer.writeLine(line());
  }
  await new Promise((r) => setTimeout(r, latencyMs + 500));
  await writer.close();
  const res = await run;
  return res.out.trim().split('\n').map(Number);
}

export async function run(): Promise<Record<string, string | number>> {
  const records = Number(process.env.BENCH_RECORDS ?? 500_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const latencyRecords = Number(process.env.BENCH_LATENCY_RECORDS ?? 40);
  const result: Record<string, string | number> = {};
  const root = mkdtempSync(join(tmpdir(), 'kumo-bench-tail-'));
  try {
    const fr = await filterRate();
    result['filter record.type calls/s (wall)'] = Math.round(fr.wall);
    result['filter record.type calls/s (per CPU second)'] = Math.round(fr.cpu);

    const dir = join(root, 'segments');
    const gen = await generateSegments({ directory: dir, records, segments: 8, seed: 1 });
    result['records'] = gen.records;
    result['segments (zstd)'] = `${gen.files.length}, ${(gen.uncompressedBytes / 1048576).toFixed(0)} MB uncompressed, ${(gen.compressedBytes / 1048576).toFixed(0)} MB compressed`;
    const native = haveNativeLua();
    const loop = join(root, 'loop.lua');
    writeFileSync(loop, NATIVE_LOOP);
    let best = { ms: Infinity, cpuMs: Infinity, out: '' };
    let bestLua = { ms: Infinity, cpuMs: Infinity, out: '' };
    let bestNative = { ms: Infinity, cpuMs: Infinity, out: '' };
    for (let i = 0; i < rounds; i++) {
      const r = await runInVm(TAIL_SCRIPT, [dir]);
      if (r.ms < best.ms) best = r;
      // The same filters forced through the Lua VM (no compiled fast path).
      process.env.KUMO_TAIL_COMPILE_FILTERS = '0';
      try {
        const l = await runInVm(TAIL_SCRIPT, [dir]);
        if (l.ms < bestLua.ms) bestLua = l;
      } finally {
        delete process.env.KUMO_TAIL_COMPILE_FILTERS;
      }
      if (native) {
        const n = await runNativeLua(gen.files, loop);
        if (n.ms < bestNative.ms) bestNative = { ...n, cpuMs: n.cpuMs ?? NaN };
      }
    }
    result['studio multi_tailer + Lua filters: records/s (wall, best)'] = Math.round(records / (best.ms / 1000));
    result['studio: records per CPU second'] = Math.round(records / (best.cpuMs / 1000));
    result['studio: deliveries, bounces'] = best.out.trim().replace('\t', ', ');
    result['studio, filters run in the Lua VM (no fast path): records/s (wall)'] = Math.round(records / (bestLua.ms / 1000));
    result['studio, filters in the Lua VM: records per CPU second'] = Math.round(records / (bestLua.cpuMs / 1000));
    if (native) {
      result['native zstd -dc | lua5.4 + cjson: records/s (wall, best)'] = Math.round(records / (bestNative.ms / 1000));
      result['native: records per CPU second (zstd + lua)'] = Math.round(records / (bestNative.cpuMs / 1000));
      result['native: deliveries, bounces'] = bestNative.out.trim().replace('\t', ', ');
      result['studio / native (wall)'] = +(bestNative.ms / best.ms).toFixed(2);
      result['studio / native (CPU)'] = +(bestNative.cpuMs / best.cpuMs).toFixed(2);
      result['studio (filters in the Lua VM) / native (wall, CPU)'] = `${(bestNative.ms / bestLua.ms).toFixed(2)}, ${(bestNative.cpuMs / bestLua.cpuMs).toFixed(2)}`;
      if (best.out.trim() !== bestNative.out.trim()) result['WARNING'] = 'the two loops disagree on the counts';
    } else result['native'] = 'skipped: needs zstd, lua5.4 and lua-cjson (apt-get install zstd lua5.4 lua-cjson)';

    const latencyMs = 200;
    const lat = (await latency(root, latencyRecords, latencyMs)).sort((a, b) => a - b);
    result['append-to-consume latency, max_batch_latency'] = `${latencyMs} ms (bound: ${latencyMs + 250} ms)`;
    result['append-to-consume latency p50 / p95 / max (ms)'] = `${lat[Math.floor(lat.length / 2)]} / ${lat[Math.floor(lat.length * 0.95)]} / ${lat[lat.length - 1]}`;
    result['records over the bound'] = `${lat.filter((x) => x > latencyMs + 250).length} of ${lat.length}`;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return result;
}

if (require.main === module) {
  run().then((figures) => {
    for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(60)} ${v}\n`);
  }, (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
    process.exitCode = 1;
  });
}
