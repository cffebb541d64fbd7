/**
 * Tailer benchmark: records/s of a 2-consumer multi-tailer with filters over zstd segments, next to a native
 * `zstd -dc | lua5.4` + lua-cjson loop doing the same decompression, parsing and filtering; peak memory while
 * reading a big segment; and append-to-consume latency on an active segment.
 *
 *   node scripts/build.mjs --bench && node out/bench/tailer.js
 * Environment: BENCH_RECORDS (default 500000), BENCH_BIG_MB (uncompressed size of the big segment, default 1024,
 * 0 to skip), BENCH_ROUNDS (default 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSegments } from '../runtime/engines/tailer/generator';
import { JsonlWriter } from '../runtime/engines/tailer/jsonl-writer';
import { openMultiTailer } from '../runtime/engines/tailer/index';
import { haveNativeLua, runNativeLua } from './support/native-lua';

const LUA_LOOP = `
local cjson = require 'cjson'
local decode = cjson.decode
local deliveries, bounces, n = {}, {}, 0
local nd, nb = 0, 0
for line in io.lines() do
  local r = decode(line)
  n = n + 1
  if r.type == 'Delivery' then nd = nd + 1; deliveries[#deliveries + 1] = r; if #deliveries >= 1000 then deliveries = {} end end
  if r.type == 'Bounce' then nb = nb + 1; bounces[#bounces + 1] = r; if #bounces >= 1000 then bounces = {} end end
end
io.write(n, ' ', nd, ' ', nb, '\\n')
`;

async function tailerRun(dir: string): Promise<{ ms: number; cpuMs: number; records: number; deliveries: number; bounces: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage(); // all threads of this process, the decompression worker included
  const t = await openMultiTailer({
    directory: dir,
    exitWhenCaughtUp: true,
    consumers: [
      { name: 'deliveries', maxBatchSize: 1000, filter: (r) => (r as { type: string }).type === 'Delivery' },
      { name: 'bounces', maxBatchSize: 1000, filter: (r) => (r as { type: string }).type === 'Bounce' },
    ],
  });
  let deliveries = 0;
  let bounces = 0;
  for await (const batches of t) {
    for (const b of batches) {
      if (b.consumerName() === 'deliveries') deliveries += b.length;
      else bounces += b.length;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, records: t.stats().linesRead, deliveries, bounces };
}

/** Child mode: tail DIR with two consumers and report this process's peak RSS (VmHWM). */
async function peakChild(dir: string): Promise<void> {
  const r = await tailerRun(dir);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  process.stdout.write(JSON.stringify({ ...r, peakRssMB: hwm ? Number(hwm[1]) / 1024 : process.memoryUsage().rss / 1048576 }) + '\n');
}

async function latency(maxBatchLatencyMs: number, samples: number): Promise<{ p50: number; max: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-bench-lat-'));
  const w = new JsonlWriter({ logDir: dir, flushBytes: 0 });
  await w.writeValue({ n: 0 });
  const t = await openMultiTailer({ directory: dir, consumers: [{ name: 'c', maxBatchLatencyMs }] });
  await t.next();
  const lags: number[] = [];
  for (let i = 1; i <= samples; i++) {
    const pending = t.next();
    await new Promise((r) => setTimeout(r, 20 + ((i * 53) % 180)));
    const t0 = performance.now();
    await w.writeValue({ n: i });
    await pending;
    lags.push(performance.now() - t0);
  }
  t.close();
  await w.close();
  rmSync(dir, { recursive: true, force: true });
  lags.sort((a, b) => a - b);
  return { p50: lags[Math.floor(lags.length / 2)], max: lags[lags.length - 1] };
}

export async function run(): Promise<Record<string, string | number>> {
  const records = Number(process.env.BENCH_RECORDS ?? 500_000);
  const bigMB = Number(process.env.BENCH_BIG_MB ?? 1024);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const result: Record<string, string | number> = {};
  const root = mkdtempSync(join(tmpdir(), 'kumo-bench-tailer-'));
  try {
    const dir = join(root, 'segments');
    let t0 = performance.now();
    const gen = await generateSegments({ directory: dir, records, segments: 4, seed: 1 });
    result['generate.records'] = gen.records;
    result['generate.segments'] = gen.files.length;
    result['generate.uncompressed_MB'] = +(gen.uncompressedBytes / 1048576).toFixed(1);
    result['generate.compressed_MB'] = +(gen.compressedBytes / 1048576).toFixed(1);
    result['generate.seconds'] = +((performance.now() - t0) / 1000).toFixed(1);

    const luaOk = haveNativeLua();
    const script = join(root, 'loop.lua');
    writeFileSync(script, LUA_LOOP);
    const js: number[] = [];
    const lua: number[] = [];
    const jsCpu: number[] = [];
    const luaCpu: number[] = [];
    let jsCounts = '';
    let luaCounts = '';
    for (let i = 0; i < rounds; i++) {
      const r = await tailerRun(dir);
      js.push(r.ms);
      jsCpu.push(r.cpuMs);
      jsCounts = `${r.records} ${r.deliveries} ${r.bounces}`;
      if (luaOk) {
        const l = await runNativeLua(gen.files, script);
        lua.push(l.ms);
        if (l.cpuMs !== undefined) luaCpu.push(l.cpuMs);
        luaCounts = l.out;
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const jsRate = records / (median(js) / 1000);
    result['tailer.records_per_s'] = Math.round(jsRate);
    result['tailer.median_ms'] = Math.round(median(js));
    result['tailer.records_per_cpu_s'] = Math.round(records / (median(jsCpu) / 1000));
    result['tailer.counts(records deliveries bounces)'] = jsCounts;
    if (luaOk) {
      const luaRate = records / (median(lua) / 1000);
      result['lua_cjson.records_per_s'] = Math.round(luaRate);
      result['lua_cjson.median_ms'] = Math.round(median(lua));
      result['lua_cjson.counts'] = luaCounts;
      result['tailer_vs_lua'] = +(jsRate / luaRate).toFixed(2);
      if (luaCpu.length) {
        result['lua_cjson.records_per_cpu_s'] = Math.round(records / (median(luaCpu) / 1000));
        result['tailer_vs_lua.per_cpu_s'] = +(median(luaCpu) / median(jsCpu)).toFixed(2);
      }
      result['load_average_1m'] = +loadavg()[0].toFixed(1);
      if (luaCounts !== jsCounts) result['WARNING'] = 'the JS tailer and the Lua loop counted different records';
    } else result['lua_cjson'] = 'skipped: lua5.4, lua-cjson or zstd not installed';
    rmSync(dir, { recursive: true, force: true });

    if (bigMB > 0) {
      const bigDir = join(root, 'big');
      t0 = performance.now();
      const big = await generateSegments({ directory: bigDir, records: Math.round((bigMB * 1048576) / 990), segments: 1, seed: 2 });
      result['big.uncompressed_MB'] = +(big.uncompressedBytes / 1048576).toFixed(0);
      result['big.compressed_MB'] = +(big.compressedBytes / 1048576).toFixed(0);
      result['big.generate_seconds'] = +((performance.now() - t0) / 1000).toFixed(1);
      const child = spawnSync(process.execPath, [__filename, '--peak-child', bigDir], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(`peak child failed: ${child.stderr}`);
      const peak = JSON.parse(child.stdout.trim().split('\n').pop()!) as { peakRssMB: number; ms: number; records: number };
      result['big.peak_rss_MB'] = +peak.peakRssMB.toFixed(0);
      result['big.records'] = peak.records;
      result['big.records_per_s'] = Math.round(peak.records / (peak.ms / 1000));
      rmSync(bigDir, { recursive: true, force: true });
    }

    for (const l of [100, 1000]) {
      const r = await latency(l, 15);
      result[`latency.max_batch_latency_${l}ms.p50_ms`] = Math.round(r.p50);
      result[`latency.max_batch_latency_${l}ms.max_ms`] = Math.round(r.max);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return result;
}

if (require.main === module) {
  const i = process.argv.indexOf('--peak-child');
  if (i > 0) {
    peakChild(process.argv[i + 1]).catch((e) => {
      process.stderr.write(String(e?.stack ?? e) + '\n');
      process.exit(1);
    });
  } else {
    run().then(
      (r) => {
        for (const [k, v] of Object.entries(r)) process.stdout.write(`${k.padEnd(44)} ${v}\n`);
      },
      (e) => {
        process.stderr.write(String(e?.stack ?? e) + '\n');
        process.exit(1);
      },
    );
  }
}
