/** Bad input through `kumo.jsonl` tailers: each case gives a clear message naming the file (and line), and loses nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compress } from '@mongodb-js/zstd';
import { generateSegments } from '../../runtime/engines/tailer/generator';
import { runScript, tempDir } from './helpers';

const PRINT_IDS = `local kumo = require 'kumo'
kumo.on('main', function(dir, extra)
  local t = kumo.jsonl.new_tailer { directory = dir, checkpoint_name = 'cp', max_batch_size = 1000, tail = extra == 'tail', poll_watcher = extra == 'poll' and '50ms' or nil }
  for b in t:batches() do
    for r in b:iter_records() do print(r.n) end
    b:commit()
  end
end)`;

async function segment(dir: string, name: string, text: string, opts: { truncate?: number } = {}): Promise<string> {
  const path = join(dir, name);
  let data = await compress(Buffer.from(text), 3);
  if (opts.truncate) data = data.subarray(0, data.length - opts.truncate);
  writeFileSync(path, data);
  chmodSync(path, 0o444);
  return path;
}

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => JSON.stringify({ n: from + i })).join('\n') + '\n';

test('blank and non-JSON lines: the rest of that file is skipped with its file and line named; later segments are read', async () => {
  const dir = tempDir();
  await segment(dir, '20250101-000000', lines(1, 3) + '\n' + lines(4, 5));
  await segment(dir, '20250101-000001', lines(6, 7) + 'not json\n' + lines(8, 8));
  await segment(dir, '20250101-000002', lines(9, 10));
  const r = await runScript(PRINT_IDS, [dir]);
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.out, '1\n2\n3\n6\n7\n9\n10\n');
  const warnings = r.logs.join('\n');
  assert.match(warnings, /20250101-000000 line 4 \(decompressed byte \d+\) is a blank line: skipping the rest of this file, as kumod does/);
  assert.match(warnings, /20250101-000001 line 3 .* is not JSON/);
  assert.equal(r.session.eventCounts.get('bad-line'), 2);
});

test('truncated zstd and invalid UTF-8: readable lines delivered, the damage reported', async () => {
  const dir = tempDir();
  await segment(dir, '20250101-000000', lines(1, 200), { truncate: 7 });
  const bad = Buffer.concat([Buffer.from('{"n":201,"s":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
  const path = join(dir, '20250101-000001');
  writeFileSync(path, await compress(bad, 3));
  chmodSync(path, 0o444);
  const r = await runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local t = kumo.jsonl.new_tailer { directory = dir, max_batch_size = 1000 }
  local n = 0
  for b in t:batches() do
    for r in b:iter_records() do n = n + 1; if r.s then print('s', #r.s) end end
  end
  print('records', n)
end)`, [dir]);
  assert.equal(r.error, undefined, r.error?.message);
  const m = /records\t(\d+)/.exec(r.out);
  assert.ok(m && Number(m[1]) > 0 && Number(m[1]) <= 201, r.out);
  assert.match(r.out, /s\t6\n/); // two bytes of invalid UTF-8 became two U+FFFD (3 bytes each), as String::from_utf8_lossy does
  assert.match(r.logs.join('\n'), /20250101-000000.*(zstd|partial|truncated|ends inside)/);
});

test('a checkpoint of another directory (foreign) is refused and left untouched', async () => {
  const dir = tempDir();
  await generateSegments({ directory: dir, records: 5, segments: 1 });
  const text = '{"file":"/elsewhere/20250101-000000","line":3}';
  writeFileSync(join(dir, '.cp'), text);
  const r = await runScript(PRINT_IDS, [dir]);
  assert.ok(r.error);
  assert.match(r.error!.message, /kumo\.jsonl\.new_tailer: checkpoint .*\.cp points at \/elsewhere\/20250101-000000, which is not in the tailer's directory/);
  assert.equal(readFileSync(join(dir, '.cp'), 'utf8'), text);
});

test('tail = true starts at line 0 of the newest segment; poll_watcher is accepted', async () => {
  const dir = tempDir();
  await segment(dir, '20250101-000000', lines(1, 3));
  await segment(dir, '20250101-000001', lines(4, 5));
  writeFileSync(join(dir, '.cp'), JSON.stringify({ file: join(dir, '20250101-000000'), line: 1 }));
  const r = await runScript(PRINT_IDS, [dir, 'tail']);
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.out, '4\n5\n');
  const sub = join(tempDir(), 'logs');
  mkdirSync(sub);
  await segment(sub, '20250101-000000', lines(1, 2));
  const p = await runScript(PRINT_IDS, [sub, 'poll']);
  assert.equal(p.error, undefined, p.error?.message);
  assert.equal(p.out, '1\n2\n');
});

test('a filter that tries to wait (sleep, HTTP) gets a filter-specific error', async () => {
  const dir = tempDir();
  await segment(dir, '20250101-000000', lines(1, 3));
  const r = await runScript(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local t = kumo.jsonl.new_tailer({ directory = dir }, function(record) kumo.time.sleep(0.01) return true end)
  for b in t:batches() do end
end)`, [dir]);
  assert.ok(r.error);
  assert.match(r.error!.message, /filter of consumer 'default' failed on .*20250101-000000 line 1: kumo\.time\.sleep cannot be used in a tailer filter: filters run synchronously/);
});
