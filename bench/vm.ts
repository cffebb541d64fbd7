/**
 * Runtime VM figures: loading and running `init` of a 400-line policy, 1,000,000 items through an MPSC
 * queue between two Lua tasks (send / recv_many(128)), and a Lua filter reading `record.type` on decoded
 * JSON log records through lazy views. Run with `npm run bench -- vm` or `node out/bench/vm.js`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { repoRoot } from '../test/support/paths';
import { PolicyEngine } from '../runtime/vm/engine';
import { AsView, LuaFunctionRef } from '../runtime/vm/function-ref';

/** A policy of about 400 lines in the style of a real one: helpers, data tables, handlers, constructors. */
export function samplePolicy(): string {
  const lines: string[] = [
    `local kumo = require 'kumo'`,
    `local utils = {}`,
    `local TENANTS <const> = {`,
  ];
  for (let i = 0; i < 40; i++) lines.push(`  ['tenant-${i}'] = { pool = 'pool-${i % 8}', max_age = '${1 + (i % 5)} days', rate = '${100 + i}/h' },`);
  lines.push('}', 'local DOMAINS = {');
  for (let i = 0; i < 60; i++) lines.push(`  ['domain${i}.example'] = { connection_limit = ${2 + (i % 10)}, max_deliveries_per_connection = ${50 + i}, tls = ${i % 2 === 0 ? "'Opportunistic'" : "'Required'"} },`);
  lines.push('}');
  for (let i = 0; i < 30; i++) {
    lines.push(
      `function utils.helper${i}(value, extra)`,
      `  local out = {}`,
      `  for k, v in pairs(value or {}) do`,
      `    if type(v) == 'string' then out[k] = v:lower() .. '${i}' else out[k] = v end`,
      `  end`,
      `  if extra then out.extra = string.format('%s-%d', tostring(extra), ${i}) end`,
      `  return out`,
      `end`,
    );
  }
  lines.push(
    `kumo.on('init', function()`,
    `  kumo.start_esmtp_listener { listen = '0.0.0.0:25', hostname = 'mx.example.com', relay_hosts = { '127.0.0.1', '10.0.0.0/8' } }`,
    `  kumo.start_http_listener { listen = '127.0.0.1:8000', trusted_hosts = { '127.0.0.1' } }`,
    `  kumo.define_spool { name = 'data', path = '/var/spool/kumomta/data' }`,
    `  kumo.define_spool { name = 'meta', path = '/var/spool/kumomta/meta' }`,
    `  kumo.configure_local_logs { log_dir = '/var/log/kumomta', max_segment_duration = '10 seconds' }`,
    `  for name, t in pairs(TENANTS) do`,
    `    kumo.make_queue_config { egress_pool = t.pool, max_age = t.max_age, max_message_rate = t.rate, retry_interval = '10m' }`,
    `  end`,
    `  for domain, d in pairs(DOMAINS) do`,
    `    kumo.make_egress_path { connection_limit = d.connection_limit, max_deliveries_per_connection = d.max_deliveries_per_connection, enable_tls = d.tls }`,
    `  end`,
    `  for i = 0, 29 do utils['helper' .. i]({ A = 'X' }, i) end`,
    `end)`,
  );
  for (let i = 0; i < 8; i++) {
    lines.push(
      `kumo.on('get_egress_pool', function(name)`,
      `  return kumo.make_egress_pool { name = name, entries = { { name = 'ip-${i}' } } }`,
      `end)`,
    );
    break;
  }
  lines.push(
    `kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)`,
    `  local t = TENANTS[tenant] or TENANTS['tenant-0']`,
    `  return kumo.make_queue_config { egress_pool = t.pool, max_age = t.max_age }`,
    `end)`,
    `kumo.on('get_egress_path_config', function(domain, source, site)`,
    `  local d = DOMAINS[domain] or { connection_limit = 5 }`,
    `  return kumo.make_egress_path { connection_limit = d.connection_limit }`,
    `end)`,
  );
  while (lines.length < 400) lines.push(`-- padding comment line ${lines.length}`);
  return lines.join('\n') + '\n';
}

/** Wall-clock ms; `cpu` gets the process CPU ms (user + system) spent meanwhile. */
async function timeIt(fn: () => Promise<void>, cpu?: number[]): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpu?.push((c.user + c.system) / 1000);
  return ms;
}

async function loadInit(dir: string, cpu?: number[]): Promise<number> {
  return timeIt(async () => {
    const engine = await PolicyEngine.load(join(dir, 'init.lua'), { output: () => {}, log: () => {} });
    await engine.fireEvent('init');
  }, cpu);
}

/**
 * Load + init by the first engine of a fresh process (bench/support/vm-first-load.ts), wall and CPU ms.
 * The process starts as the CLI's launcher does, with bin/code-cache.js installed before any module loads.
 */
function firstInProcess(policy: string, cacheDir: string): { ms: number; cpu: number } {
  const launcher = `require(${JSON.stringify(join(repoRoot(), 'bin/code-cache.js'))}).enableCodeCache(${JSON.stringify(repoRoot() + sep)});`
    + `require(${JSON.stringify(join(__dirname, 'support/vm-first-load.js'))});`;
  const out = execFileSync(process.execPath, ['-e', launcher], {
    env: { ...process.env, KUMO_BENCH_POLICY: policy, KUMO_POLICY_CACHE_DIR: cacheDir, KUMO_POLICY_CHUNK_CACHE: '1', KUMO_POLICY_CODE_CACHE: '1' },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { ms: number; cpu: number };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Fresh processes, 7 rounds of three, each round with its own cache folder: nothing cached (the first run
 * of a new build), everything cached (the policy unchanged since an earlier run), and the policy just edited
 * (the JavaScript code cache filled, the policy's compiled chunk not yet).
 */
function firstLoads(policy: string): Record<'cold' | 'filled' | 'edited', { ms: number[]; cpu: number[] }> {
  const r = { cold: { ms: [] as number[], cpu: [] as number[] }, filled: { ms: [] as number[], cpu: [] as number[] }, edited: { ms: [] as number[], cpu: [] as number[] } };
  const original = readFileSync(policy, 'utf8');
  const add = (k: keyof typeof r, x: { ms: number; cpu: number }) => {
    r[k].ms.push(x.ms);
    r[k].cpu.push(x.cpu);
  };
  for (let i = 0; i < 7; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'kumo-bench-cache-'));
    try {
      writeFileSync(policy, original);
      add('cold', firstInProcess(policy, dir));
      add('filled', firstInProcess(policy, dir));
      writeFileSync(policy, original + `-- edited ${Date.now()} ${i}\n`);
      add('edited', firstInProcess(policy, dir));
    } finally {
      writeFileSync(policy, original);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return r;
}

async function mpscThroughput(items: number, limit: number | undefined, cpu?: number[]): Promise<number> {
  const engine = new PolicyEngine({ output: () => {}, log: () => {}, timeoutMs: 60_000 });
  await engine.runString(`local kumo = require 'kumo'
kumo.on('producer', function(args)
  local q = kumo.mpsc.define('bench', ${limit ?? 'nil'})
  for i = 1, args[1] do q:send(i) end
end)
kumo.on('consumer', function(n)
  local q = kumo.mpsc.define('bench', ${limit ?? 'nil'})
  local got, sum = 0, 0
  while got < n do
    local batch = q:recv_many(128)
    got = got + #batch
  end
  return got
end)`);
  return timeIt(async () => {
    const consumer = engine.fireEvent('consumer', [items]);
    await engine.runString(`require('kumo').spawn_task { event_name = 'producer', args = { ${items} } }`);
    const r = await consumer;
    if (r.values[0] !== items) throw new Error(`consumer got ${r.values[0]}`);
  }, cpu);
}

async function filterRate(records: Record<string, unknown>[], calls: number, cpu?: number[]): Promise<number> {
  const engine = new PolicyEngine({ output: () => {}, log: () => {} });
  let filter: LuaFunctionRef | undefined;
  engine.defineFunction('kumo.bench.keep', (L) => {
    filter = engine.refFunction(L, 1);
    return 0;
  });
  await engine.runString(`require('kumo').bench.keep(function(record) return record.type == 'Delivery' end)`);
  const views = records.map((r) => new AsView(r));
  let kept = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) if (filter!.callSync([views[i % views.length]]) === true) kept++;
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpu?.push(calls / ((c.user + c.system) / 1e6));
  if (kept === 0) throw new Error('the filter kept nothing');
  return calls / (ms / 1000);
}

function sampleRecords(): Record<string, unknown>[] {
  const types = ['Reception', 'Delivery', 'TransientFailure', 'Bounce'];
  return Array.from({ length: 64 }, (_, i) => ({
    type: types[i % types.length],
    id: `id-${i}`,
    sender: 'sender@example.com',
    recipient: `user${i}@example.net`,
    queue: 'example.net',
    site: 'mx.example.net',
    size: 1000 + i,
    response: { code: 250, enhanced_code: { class: 2, subject: 0, detail: 0 }, content: 'OK', command: '.\r\n' },
    timestamp: 1700000000 + i,
    meta: { tenant: 't1' },
  }));
}

export async function run(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-bench-'));
  const policy = samplePolicy();
  writeFileSync(join(dir, 'init.lua'), policy);
  const first = firstLoads(join(dir, 'init.lua'));
  await loadInit(dir); // the first engine of this process warms the JIT; the figures below are the steady state
  const warm: number[] = [];
  const warmCpu: number[] = [];
  for (let i = 0; i < 10; i++) warm.push(await loadInit(dir, warmCpu));
  warm.sort((a, b) => a - b);
  warmCpu.sort((a, b) => a - b);
  const cpuB: number[] = [];
  const cpuU: number[] = [];
  const bounded = await mpscThroughput(1_000_000, 1024, cpuB);
  const unbounded = await mpscThroughput(1_000_000, undefined, cpuU);
  const rateCpu: number[] = [];
  const rate = await filterRate(sampleRecords(), 500_000, rateCpu);
  return {
    'machine load average (1 min) when run': os.loadavg()[0].toFixed(1),
    'policy lines': policy.split('\n').length - 1,
    'load + init, fresh process, caches filled (ms, median of 7, target <= 100)': median(first.filled.ms).toFixed(1),
    'load + init, fresh process, caches filled, CPU time (ms)': median(first.filled.cpu).toFixed(1),
    'load + init, fresh process, policy just edited (ms, median of 7)': median(first.edited.ms).toFixed(1),
    'load + init, fresh process, policy just edited, CPU time (ms)': median(first.edited.cpu).toFixed(1),
    'load + init, fresh process, nothing cached (ms, median of 7)': median(first.cold.ms).toFixed(1),
    'load + init, fresh process, nothing cached, CPU time (ms)': median(first.cold.cpu).toFixed(1),
    'load + init, median of 10 more (ms, target <= 100)': warm[5].toFixed(1),
    'load + init, median of 10 more, CPU time (ms)': warmCpu[5].toFixed(1),
    'mpsc 1M items send/recv_many(128), bounded 1024 (s, target <= 2)': (bounded / 1000).toFixed(2),
    'mpsc 1M items, bounded 1024, CPU time (s)': (cpuB[0] / 1000).toFixed(2),
    'mpsc 1M items send/recv_many(128), unbounded (s, target <= 2)': (unbounded / 1000).toFixed(2),
    'mpsc 1M items, unbounded, CPU time (s)': (cpuU[0] / 1000).toFixed(2),
    'filter reading record.type (calls/s, target >= 300000)': Math.round(rate),
    'filter reading record.type, per CPU second (calls/s)': Math.round(rateCpu[0]),
  };
}

if (require.main === module && !process.env.NO_BENCH_MAIN) {
  run().then(
    (figures) => {
      for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(70)} ${v}\n`);
    },
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
      process.exitCode = 1;
    },
  );
}
