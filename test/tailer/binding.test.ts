/** kumo.jsonl in the VM: the seed's multi-tailer examples unchanged, batches per consumer, commits, kumod checkpoints, validation, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSegments } from '../../runtime/engines/tailer/generator';
import { tempDir, runScript, readAllRecords, isReadOnly, readSeedExample } from './helpers';

/** The docs' multi-tailer example, unchanged (test/fixtures/scripts/seed-multi-tailer.lua). */
const SEED_EXAMPLE = readSeedExample();

/** The seed's first snippet (checkpoints cp-deliveries / cp-bounces), with a loop that counts batch sizes. */
const SEED_SNIPPET = `local kumo = require 'kumo'
kumo.on('main', function(dir)
local tailer = kumo.jsonl.new_multi_tailer {
directory = dir,
consumers = {
{
name = 'deliveries',
checkpoint_name = 'cp-deliveries',
max_batch_size = 100,
max_batch_latency = '1s',
filter = function(record)
return record.type == 'Delivery'
end,
},
{
name = 'bounces',
checkpoint_name = 'cp-bounces',
max_batch_latency = '5s',
filter = function(record)
return record.type == 'Bounce'
end,
},
},
}
for batches in tailer:batches() do
  for _, batch in ipairs(batches) do
    local recs = batch:records()
    print('batch', batch:consumer_name(), #recs)
    batch:commit()
  end
end
tailer:close()
end)
`;

/** Under kumod the docs' example runs inside a script's main; here its directory comes from main's argument. */
function asMain(source: string): string {
  const body = source.replace("'/var/log/kumomta'", 'DIR').replace("local kumo = require 'kumo'\n", '');
  return `local kumo = require 'kumo'\nkumo.on('main', function(DIR)\n${body}\nend)\n`;
}

test('the seed example runs unchanged: per-consumer batches, kumod checkpoints', async () => {
  const dir = tempDir();
  const gen = await generateSegments({ directory: dir, records: 3000, segments: 3, suffix: '.zst', seed: 7 });
  const all = readAllRecords(dir);
  const r = await runScript(asMain(SEED_EXAMPLE), [dir]);
  assert.equal(r.error, undefined, r.error?.message);
  const lines = r.out.trim().split('\n');
  const deliveries = lines.filter((l) => l.startsWith('deliveries: ')).map((l) => l.slice(12));
  const bounces = lines.filter((l) => l.startsWith('bounces: ')).map((l) => l.slice(9));
  assert.deepEqual(deliveries, all.filter((x) => x.type === 'Delivery').map((x) => x.id));
  assert.deepEqual(bounces, all.filter((x) => x.type === 'Bounce' || x.type === 'TransientFailure').map((x) => x.id));
  // kumod's checkpoint: compact JSON, full path, next line index, no newline; at the end of the last segment
  const last = gen.files[gen.files.length - 1];
  for (const name of ['.cp-del', '.cp-bounce']) {
    const text = readFileSync(join(dir, name), 'utf8');
    assert.equal(text, JSON.stringify({ file: last, line: 1000 }));
  }
  const stats = r.session.stats()[0].stats;
  assert.equal(stats.linesRead, 3000);
  assert.equal(stats.segmentsFinished, 3);
  const del = stats.consumers.find((c) => c.name === 'deliveries')!;
  assert.equal(del.records, deliveries.length);
  assert.equal(del.commits, del.batches);
  // A second run resumes from the checkpoints: nothing again.
  const again = await runScript(asMain(SEED_EXAMPLE), [dir]);
  assert.equal(again.error, undefined);
  assert.equal(again.out, '');
});

test('the seed snippet: batch sizes respect max_batch_size per consumer', async () => {
  const dir = tempDir();
  await generateSegments({ directory: dir, records: 2500, segments: 2, seed: 3 });
  const all = readAllRecords(dir);
  const r = await runScript(SEED_SNIPPET, [dir]);
  assert.equal(r.error, undefined, r.error?.message);
  const batches = r.out.trim().split('\n').map((l) => l.split('\t'));
  const sizes = (name: string) => batches.filter((b) => b[1] === name).map((b) => Number(b[2]));
  const d = sizes('deliveries');
  assert.ok(d.every((n) => n >= 1 && n <= 100), `deliveries batches ${d}`);
  assert.equal(d.reduce((a, b) => a + b, 0), all.filter((x) => x.type === 'Delivery').length);
  assert.equal(sizes('bounces').reduce((a, b) => a + b, 0), all.filter((x) => x.type === 'Bounce').length);
  assert.ok(existsSync(join(dir, '.cp-deliveries')) && existsSync(join(dir, '.cp-bounces')));
});

test('a checkpoint written by kumod is honoured (start at its file and line)', async () => {
  const dir = tempDir();
  const gen = await generateSegments({ directory: dir, records: 300, segments: 3, seed: 11 });
  const all = readAllRecords(dir);
  writeFileSync(join(dir, '.mine'), `{"file":"${gen.files[1]}","line":40}`);
  const r = await runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local t = kumo.jsonl.new_tailer { directory = dir, checkpoint_name = 'mine', max_batch_size = 1000 }
  for batch in t:batches() do
    for r in batch:iter_records() do print(r.id) end
    batch:commit()
  end
end)`, [dir]);
  assert.equal(r.error, undefined, r.error?.message);
  assert.deepEqual(r.out.trim().split('\n'), all.slice(140).map((x) => x.id));
  assert.equal(readFileSync(join(dir, '.mine'), 'utf8'), `{"file":"${gen.files[2]}","line":100}`);
});

test('new_tailer: filter argument, consumer "default", commit empties the batch and a second commit is a no-op', async () => {
  const dir = tempDir();
  await generateSegments({ directory: dir, records: 200, segments: 1, seed: 5 });
  const all = readAllRecords(dir);
  const r = await runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local t = kumo.jsonl.new_tailer({ directory = dir, max_batch_size = 10, checkpoint_name = 'one' }, function(record)
    return record.type == 'Reception'
  end)
  local n, batches = 0, 0
  for batch in t:batches() do
    assert(batch:consumer_name() == 'default', batch:consumer_name())
    local recs = batch:records()
    assert(#recs <= 10)
    assert(#batch == #recs)
    for _, r in ipairs(recs) do assert(r.type == 'Reception'); n = n + 1 end
    batch:commit()
    batch:commit()
    assert(batch:consumer_name() == '')
    assert(#batch:records() == 0)
    assert(batch:iter_records()() == nil)
    batches = batches + 1
  end
  t:close()
  print(n, batches)
end)`, [dir]);
  assert.equal(r.error, undefined, r.error?.message);
  const want = all.filter((x) => x.type === 'Reception').length;
  assert.equal(r.out.trim(), `${want}\t${Math.ceil(want / 10)}`);
});

test('records() converts like kumod (nested tables, nulls become nil); filters see a read-only view', async () => {
  const dir = tempDir();
  await generateSegments({ directory: dir, records: 50, segments: 1, seed: 9 });
  const all = readAllRecords(dir);
  const r = await runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local t = kumo.jsonl.new_tailer({ directory = dir, max_batch_size = 1000 }, function(record)
    local ok = pcall(function() record.type = 'x' end)
    assert(not ok, 'record view must be read-only')
    return record.response ~= nil and record.response.code >= 200
  end)
  for batch in t:batches() do
    for _, r in ipairs(batch:records()) do
      r.extra = 1 -- real tables
      print(r.id, r.response.code, type(r.peer_address), r.egress_pool == nil)
    end
  end
end)`, [dir]);
  assert.equal(r.error, undefined, r.error?.message);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, all.length);
  const first = all[0] as { id: string; response: { code: number }; peer_address: unknown; egress_pool: unknown };
  assert.equal(lines[0], `${first.id}\t${first.response.code}\t${first.peer_address === null ? 'nil' : 'table'}\t${first.egress_pool === null}`);
});

test('config tables are checked against the catalog, with the key named', async () => {
  const dir = tempDir();
  const cases: [string, RegExp][] = [
    [`kumo.jsonl.new_multi_tailer { directory = DIR, consumers = { { name = 'a', max_batch_size = 'ten' } } }`, /max_batch_size.*integer/],
    [`kumo.jsonl.new_multi_tailer { directory = DIR, consumers = { { max_batch_size = 5 } } }`, /name/],
    [`kumo.jsonl.new_multi_tailer { directory = DIR }`, /consumers/],
    [`kumo.jsonl.new_multi_tailer { directory = DIR, consumers = { { name = 'a', max_batch_latency = 'soon' } } }`, /max_batch_latency/],
    [`kumo.jsonl.new_multi_tailer { directory = DIR, consumers = { { name = 'a', filter = 42 } } }`, /filter/],
    [`kumo.jsonl.new_multi_tailer { directory = DIR, consumers = { { name = 'a' }, { name = 'a' } } }`, /used twice/],
    [`kumo.jsonl.new_multi_tailer { directory = DIR, consumers = { { name = 'a', checkpoint_name = '../escape' } } }`, /checkpoint_name.*inside the directory/],
    [`kumo.jsonl.new_tailer { pattern = '*' }`, /directory/],
    [`kumo.jsonl.new_tailer({ directory = DIR }, 'not a function')`, /filter/],
    [`kumo.jsonl.new_tailer { directory = DIR .. '/missing' }`, /missing/],
    [`kumo.jsonl.new_writer { max_file_size = 10 }`, /log_dir/],
  ];
  for (const [code, want] of cases) {
    const r = await runScript(`local kumo = require 'kumo'\nkumo.on('main', function(DIR) ${code} end)`, [dir]);
    assert.ok(r.error, `no error for ${code}`);
    assert.match(r.error!.message, want, code);
    assert.match(r.error!.message, /kumo\.jsonl\.new_/, code);
  }
});

test('a filter error ends the tailer with the file, line and Lua error; the checkpoint stays at the last commit', async () => {
  const dir = tempDir();
  const gen = await generateSegments({ directory: dir, records: 100, segments: 1, seed: 1 });
  const r = await runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local seen = 0
  local t = kumo.jsonl.new_multi_tailer { directory = dir, consumers = {
    { name = 'x', checkpoint_name = 'x', max_batch_size = 10, filter = function(record)
      seen = seen + 1
      if seen == 35 then error('boom in filter') end
      return true
    end } } }
  for batches in t:batches() do
    for _, b in ipairs(batches) do print('batch', #b) b:commit() end
  end
end)`, [dir]);
  assert.ok(r.error);
  assert.match(r.error!.message, /filter of consumer 'x' failed on .* line 35: .*boom in filter/);
  assert.equal(r.out, 'batch\t10\nbatch\t10\nbatch\t10\n');
  assert.equal(readFileSync(join(dir, '.x'), 'utf8'), JSON.stringify({ file: gen.files[0], line: 30 }));
  assert.ok(r.logs.some((l) => /filter-error|filter of consumer 'x'/.test(l)), r.logs.join('\n'));
});

test('a corrupt checkpoint is reported with its path and left untouched', async () => {
  const dir = tempDir();
  await generateSegments({ directory: dir, records: 10, segments: 1 });
  writeFileSync(join(dir, '.cp'), '{"file": 12');
  const r = await runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local t = kumo.jsonl.new_tailer { directory = dir, checkpoint_name = 'cp' }
  for b in t:batches() do b:commit() end
end)`, [dir]);
  assert.ok(r.error);
  assert.match(r.error!.message, /checkpoint .*\.cp is not valid JSON/);
  assert.equal(readFileSync(join(dir, '.cp'), 'utf8'), '{"file": 12');
  writeFileSync(join(dir, '.cp'), '{"position":3}');
  const r2 = await runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir) kumo.jsonl.new_tailer { directory = dir, checkpoint_name = 'cp' } end)`, [dir]);
  assert.match(r2.error!.message, /not a tailer checkpoint/);
});

test('a directory that disappears while tailing stops with a clear message (exit-when-caught-up) and loses no commit', async () => {
  const r2 = await (async () => {
    const dir2 = tempDir();
    const logs2 = join(dir2, 'logs');
    await generateSegments({ directory: logs2, records: 60, segments: 2, seed: 2 });
    const p = runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local t = kumo.jsonl.new_tailer { directory = dir, checkpoint_name = 'cp', max_batch_size = 30, max_batch_latency = '50ms' }
  for b in t:batches() do print('batch', #b) b:commit() kumo.time.sleep(0.3) end
end)`, [logs2]);
    await new Promise((res) => setTimeout(res, 150));
    const cp = readFileSync(join(logs2, '.cp'), 'utf8');
    rmSync(logs2, { recursive: true, force: true });
    const res = await p;
    return { res, cp };
  })();
  assert.ok(r2.res.error, 'expected an error');
  assert.match(r2.res.error!.message, /disappeared/);
  assert.ok(r2.res.logs.some((l) => /has disappeared.*Nothing past the last committed checkpoint was lost/.test(l)), r2.res.logs.join('\n'));
  assert.match(r2.cp, /"line":30/);
});

test('new_writer writes zstd segments a tailer reads back; close marks them finished', async () => {
  const dir = tempDir();
  const out = join(dir, 'out');
  mkdirSync(out);
  const r = await runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local w = kumo.jsonl.new_writer { log_dir = dir, suffix = '.log' }
  for i = 1, 5 do w:write_record { n = i, name = 'r' .. i } end
  w:write_line('{"n":6}')
  w:close()
  local ok, err = pcall(function() w:write_line('x') end)
  assert(not ok and err:match('closed'), err)
  local t = kumo.jsonl.new_tailer { directory = dir, pattern = '*.log' }
  for b in t:batches() do for r in b:iter_records() do print(r.n) end end
end)`, [out]);
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.out, '1\n2\n3\n4\n5\n6\n');
  const recs = readAllRecords(out);
  assert.equal(recs.length, 6);
  const { readdirSync } = await import('node:fs');
  const files = readdirSync(out).filter((n) => n.endsWith('.log'));
  assert.equal(files.length, 1);
  assert.match(files[0], /^\d{8}-\d{6}(\.\d+)?\.log$/);
  assert.ok(isReadOnly(join(out, files[0])));
});

test('a filter reading record.type through the lazy record view keeps exactly the matching records', async () => {
  // Its speed (>= 300,000 calls/s) is a figure of `npm run bench -- vm` and `-- tail`, not of this test.
  const { PolicyEngine } = await import('../../runtime/vm/engine');
  const { LuaFilter } = await import('../../runtime/tailer-lua/filter');
  const { RecordFactory } = await import('../../runtime/engines/tailer/records');
  const { lua } = await import('../../runtime/vm/lua-api');
  const engine = new PolicyEngine({});
  await engine.runString("TEST_FILTER = function(record) return record.type == 'Delivery' end");
  lua.lua_getglobal(engine.host.L, 'TEST_FILTER');
  const filter = new LuaFilter(engine.host, engine.host.L, -1);
  lua.lua_pop(engine.host.L, 1);
  const factory = new RecordFactory({ seed: 12 });
  const records = Array.from({ length: 5000 }, () => JSON.parse(factory.nextLine()));
  const want = records.filter((r) => r.type === 'Delivery').length;
  assert.ok(want > 0 && want < records.length);
  let kept = 0;
  for (let round = 0; round < 3; round++) for (const r of records) if (filter.callLua(r)) kept++;
  assert.equal(kept, want * 3);
});

test('simple filters are compiled to JS and agree with Lua; others stay in Lua', async () => {
  const { PolicyEngine } = await import('../../runtime/vm/engine');
  const { LuaFilter } = await import('../../runtime/tailer-lua/filter');
  const { RecordFactory } = await import('../../runtime/engines/tailer/records');
  const { lua } = await import('../../runtime/vm/lua-api');
  const dir = tempDir();
  const compiled = [
    "function(record) return record.type == 'Delivery' end",
    "function(r)\n  return r.type == 'Bounce' or r.type == \"TransientFailure\"\nend",
    'function(record) return not (record.egress_pool == nil) end',
    "function(record) return record.egress_pool ~= nil and record.type ~= 'Reception' end",
    "function(record) return record['type'] == 'Delivery' end",
    'function(record) return record.size == 0 end',
    'function(record) return record.egress_pool end',
    "function(record) return 'Delivery' == record.type end",
    'function(record) return record.response.code == 250 end',
    'function(record) return record.size > 0 end',
    "function(record) return record.response.code >= 400 and record.type ~= 'Rejection' end",
    "function(record) return record.peer_address.name == 'mx1.example.net.' end", // nil peer_address: Lua raises
    'function(record) return record.meta == record.headers end', // tables: only Lua knows
    'function(record) return record.egress_pool > 3 end', // string or nil > number: Lua raises
    'function(record) return record.egress_pool == pool end', // a local upvalue, read at each call
  ];
  const interpreted = [
    "function(record) return record.egress_pool == POOL end",
    "function(record) return string.find(record.type, 'D') ~= nil end",
    "function(record) local t = record.type return t == 'Delivery' end",
    'function(record) return record.size + 1 > 1 end',
    'function(record, extra) return record.type == extra end',
  ];
  const all = [...compiled, ...interpreted];
  const file = join(dir, 'filters.lua');
  writeFileSync(file, "POOL = 'customer-a'\nlocal pool = 'customer-a'\nfunction SET_POOL(p) pool = p end\nFILTERS = {\n" + all.map((f) => `  ${f},\n`).join('') + '}\n');
  const engine = new PolicyEngine({ policyDir: dir });
  await engine.loadPolicy(file);
  const L = engine.host.L;
  const factory = new RecordFactory({ seed: 4 });
  const records = Array.from({ length: 3000 }, () => JSON.parse(factory.nextLine()));
  for (let i = 0; i < all.length; i++) {
    lua.lua_getglobal(L, 'FILTERS');
    lua.lua_rawgeti(L, -1, i + 1);
    const f = new LuaFilter(engine.host, L, -1);
    lua.lua_pop(L, 2);
    assert.equal(f.compiled, i < compiled.length, `${all[i]} compiled: ${f.compiled}`);
    const outcome = (fn: () => boolean): string => {
      try {
        return String(fn());
      } catch (e) {
        return 'error: ' + (e as Error).message;
      }
    };
    for (let k = 0; k < records.length; k++) {
      const r = records[k];
      if (k === 1500) await engine.runString("SET_POOL('customer-b')"); // the upvalue changes mid-stream
      assert.equal(outcome(() => f.predicate(r)), outcome(() => f.callLua(r)), `${all[i]} disagrees on ${JSON.stringify(r).slice(0, 80)}`);
    }
    await engine.runString("SET_POOL('customer-a')");
    assert.equal(f.compiled, i < compiled.length, `${all[i]} was dropped after a disagreement`);
  }
});

test('records() and iter_records() build the same tables as the generic converter', async () => {
  const { PolicyEngine } = await import('../../runtime/vm/engine');
  const { pushJs, toJs } = await import('../../runtime/vm/convert');
  const { pushRecordTable, pushRecordTables } = await import('../../runtime/tailer-lua/record-table');
  const { RecordFactory } = await import('../../runtime/engines/tailer/records');
  const { lua } = await import('../../runtime/vm/lua-api');
  const engine = new PolicyEngine({});
  const L = engine.host.L;
  const factory = new RecordFactory({ seed: 8 });
  const records: unknown[] = Array.from({ length: 500 }, () => JSON.parse(factory.nextLine()));
  records.push({ a: null, b: [1, null, 'x'], c: { '1': 2.5, d: 2 ** 40 }, long: 'y'.repeat(100), '': true });
  for (const r of records) {
    pushJs(L, r);
    const want = toJs(L, -1);
    lua.lua_pop(L, 1);
    pushRecordTable(L, r, engine.host);
    assert.deepEqual(toJs(L, -1), want);
    lua.lua_pop(L, 1);
  }
  pushRecordTables(L, records.slice(0, 3), engine.host);
  assert.equal(lua.lua_rawlen(L, -1), 3);
  lua.lua_pop(L, 1);
});
