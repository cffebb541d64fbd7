/** `kumo-policy tail` and `kumo-policy receiver` as processes: output, progress, exit statuses, clean stops. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateSegments } from '../../runtime/engines/tailer/generator';
import { JsonlWriter } from '../../runtime/engines/tailer/jsonl-writer';
import { tempDir, runCli, startCli, readAllRecords, readSeedExample } from './helpers';

const COUNTING = `local kumo = require 'kumo'
kumo.on('main', function(dir, sleep_s)
  local t = kumo.jsonl.new_multi_tailer { directory = dir, consumers = {
    { name = 'deliveries', checkpoint_name = 'cp-d', max_batch_size = 50, max_batch_latency = '100ms',
      filter = function(r) return r.type == 'Delivery' end },
    { name = 'all', checkpoint_name = 'cp-all', max_batch_size = 50, max_batch_latency = '100ms' },
  } }
  for batches in t:batches() do
    for _, b in ipairs(batches) do
      print(b:consumer_name(), #b)
      if sleep_s then kumo.time.sleep(tonumber(sleep_s)) end
      b:commit()
    end
  end
  print('loop ended')
end)
`;

test('tail --exit-when-caught-up: streams print output, ends by itself, summary per consumer on stderr', async () => {
  const dir = tempDir();
  await generateSegments({ directory: join(dir, 'logs'), records: 600, segments: 3, seed: 4 });
  const all = readAllRecords(join(dir, 'logs'));
  writeFileSync(join(dir, 's.lua'), COUNTING);
  const r = await runCli(['tail', join(dir, 's.lua'), '--exit-when-caught-up', '--', join(dir, 'logs')]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.at(-1), 'loop ended');
  const sum = (name: string) => lines.filter((l) => l.startsWith(name + '\t')).reduce((a, l) => a + Number(l.split('\t')[1]), 0);
  assert.equal(sum('all'), 600);
  assert.equal(sum('deliveries'), all.filter((x) => x.type === 'Delivery').length);
  assert.match(r.stderr, /tail: finished after [\d.]+ s/);
  assert.match(r.stderr, new RegExp(`new_multi_tailer\\(${join(dir, 'logs')}\\): 600 lines read \\(\\d+/s\\), 3 segments finished \\| deliveries: \\d+ records in \\d+ batches, \\d+ commits; all: 600 records in 12 batches, 12 commits`));
});

test('tail: SIGINT stops cleanly, keeps the committed position, and a rerun resumes there', async () => {
  const dir = tempDir();
  const logs = join(dir, 'logs');
  await generateSegments({ directory: logs, records: 400, segments: 2, seed: 8 });
  writeFileSync(join(dir, 's.lua'), COUNTING);
  // Without --exit-when-caught-up the tailer waits for more data; each batch takes 100 ms to "process".
  const { child, done } = startCli(['tail', join(dir, 's.lua'), '--progress', '0.2', '--', logs, '0.1']);
  let out = '';
  let sent = false;
  child.stdout!.on('data', (d) => {
    out += d;
    if (!sent && out.split('\n').length > 4) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /SIGINT: stopping the tailers \(checkpoints stay at the last commit\)/);
  assert.match(r.stdout, /loop ended\n$/); // the script left its loop normally
  assert.match(r.stderr, /tail: new_multi_tailer\(.*\): \d+ lines read/); // progress lines
  const printed = r.stdout.trim().split('\n').filter((l) => l.startsWith('all\t')).reduce((a, l) => a + Number(l.split('\t')[1]), 0);
  const cp = JSON.parse(readFileSync(join(logs, '.cp-all'), 'utf8'));
  assert.ok(printed > 0);
  // Rerun to the end: 'all' gets exactly the records after its committed position.
  const rest = await runCli(['tail', join(dir, 's.lua'), '--exit-when-caught-up', '--progress', '0', '--', logs]);
  assert.equal(rest.code, 0, rest.stderr);
  const again = rest.stdout.trim().split('\n').filter((l) => l.startsWith('all\t')).reduce((a, l) => a + Number(l.split('\t')[1]), 0);
  assert.ok(printed + again >= 400, `${printed} + ${again} < 400 (checkpoint ${JSON.stringify(cp)})`);
  assert.ok(printed + again - 400 <= 50, 'at most the batch in flight is delivered twice');
});

test('tail --timeout stops a tailer that waits on a writable segment (exit 124), output kept', async () => {
  const dir = tempDir();
  const logs = join(dir, 'logs');
  const w = new JsonlWriter({ logDir: logs, flushBytes: 0 });
  for (let i = 0; i < 5; i++) await w.writeLine(JSON.stringify({ type: 'Delivery', id: String(i) }));
  writeFileSync(join(dir, 's.lua'), COUNTING);
  const r = await runCli(['tail', join(dir, 's.lua'), '--timeout', '1.5', '--progress', '0', '--exit-when-caught-up', '--', logs]);
  await w.close();
  assert.equal(r.code, 124, r.stderr);
  assert.match(r.stdout, /deliveries\t5/);
  assert.match(r.stderr, /--timeout reached/);
});

test('tail: script errors, usage errors and bad segments are reported clearly', async () => {
  const dir = tempDir();
  const logs = join(dir, 'logs');
  await generateSegments({ directory: logs, records: 20, segments: 1 });
  writeFileSync(join(logs, 'notes.txt'), 'this is not a segment\n');
  writeFileSync(join(dir, 'bad.lua'), `local kumo = require 'kumo'
kumo.on('main', function(dir)
  local t = kumo.jsonl.new_tailer({ directory = dir }, function(r) return r.nope.deeper end)
  for b in t:batches() do end
end)`);
  const r = await runCli(['tail', join(dir, 'bad.lua'), '--exit-when-caught-up', '--progress', '0', '--', logs]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /filter of consumer 'default' failed on .*line 1: .*bad\.lua:3: attempt to index a nil value/);
  writeFileSync(join(dir, 's.lua'), COUNTING);
  const foreign = await runCli(['tail', join(dir, 's.lua'), '--exit-when-caught-up', '--progress', '0', '--', logs]);
  assert.equal(foreign.code, 0, foreign.stderr);
  assert.match(foreign.stderr, /WARN new_multi_tailer\(.*\): .*notes\.txt is not a zstd stream .* this file is skipped/);
  assert.match(foreign.stderr, /tail: finished after [\d.]+ s \(1 foreign-file\)/);
  assert.match(foreign.stderr, /1 bad files skipped/);
  const u = await runCli(['tail']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /SCRIPT is required/);
  const missing = await runCli(['tail', join(dir, 'nope.lua')]);
  assert.equal(missing.code, 2);
  assert.ok(!existsSync(join(dir, 'nope.lua')));
});

test('receiver: loopback only, injected failures and counts, /_stats', async () => {
  const { child, done } = startCli(['receiver', '--port', '0', '--fail-rate', '1', '--status', '503', '--quiet']);
  const url = await new Promise<string>((res) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) res(m[1]);
    });
  });
  const post = await fetch(url + '/customer-a', { method: 'POST', body: JSON.stringify([{ id: 'a' }, { id: 'b' }]) });
  assert.equal(post.status, 503);
  const stats = await (await fetch(url + '/_stats')).json() as { requests: number; failed: number; rejectedRecords: number };
  assert.deepEqual([stats.requests, stats.failed, stats.rejectedRecords], [1, 1, 2]);
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 0);
  assert.match(r.stdout, /received 1 requests: 0 accepted \(0 records\), 1 failed on purpose \(2 records\)/);
});

test('tail runs the docs example as a top-level script (no main), only its directory changed', async () => {
  const dir = tempDir();
  const logs = join(dir, 'logs');
  await generateSegments({ directory: logs, records: 300, segments: 2, suffix: '.zst', seed: 6 });
  const all = readAllRecords(logs);
  const example = readSeedExample().replace('/var/log/kumomta', logs);
  writeFileSync(join(dir, 'example.lua'), example);
  const r = await runCli(['tail', join(dir, 'example.lua'), '--exit-when-caught-up', '--progress', '0']);
  assert.equal(r.code, 0, r.stderr);
  const printed = r.stdout.trim().split('\n');
  assert.equal(printed.filter((l) => l.startsWith('deliveries: ')).length, all.filter((x) => x.type === 'Delivery').length);
  assert.equal(printed.filter((l) => l.startsWith('bounces: ')).length, all.filter((x) => x.type === 'Bounce' || x.type === 'TransientFailure').length);
  assert.ok(existsSync(join(logs, '.cp-del')) && existsSync(join(logs, '.cp-bounce')));
});
