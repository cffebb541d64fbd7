import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../../test/support/paths';
import { DeadLetterQueue } from './index';

const haveLua = spawnSync('lua5.4', ['-e', 'require "cjson"'], { stdio: 'ignore' }).status === 0;

/** Runs `body` under lua5.4 with kumo.serde backed by lua-cjson and kumo.time.sleep recorded (no real waits). */
function lua(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-dlq-lua-'));
  const script = join(dir, 'run.lua');
  writeFileSync(
    script,
    `local cjson = require 'cjson'
kumo = { serde = { json_encode = cjson.encode, json_parse = cjson.decode }, time = { sleep = function(s) SLEPT = (SLEPT or 0) + s end } }
package.path = ${JSON.stringify(join(repoRoot(), 'runtime/engines/dlq'))} .. '/?.lua;' .. package.path
local dlq = require 'kumo_dlq'
${body}`,
  );
  const r = spawnSync('lua5.4', [script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('kumo_dlq.lua (the module for scripts under kumod) shares its files with the TS engine both ways', { skip: !haveLua && 'lua5.4 with lua-cjson is not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-dlq-shared-'));
  // Lua dead-letters a failed batch; the TS engine sees and replays it
  lua(`local q = dlq.open { directory = ${JSON.stringify(dir)}, initial_wait = 0 }
q:log_batch({ { n = 1 }, { n = 2 } }, 'HTTP 503', 'customer-a')`);
  const q = new DeadLetterQueue(dir, { initialWaitMs: 0, maxAttempts: 3 });
  assert.equal(q.list().totals.retryRecords, 2);
  const seen: unknown[] = [];
  const res = await q.replay((p, env) => {
    seen.push(p);
    assert.equal(env.consumer, 'customer-a');
    if ((p as { n: number }).n === 2) throw new Error('still 503');
  });
  assert.deepEqual(seen, [{ n: 1 }, { n: 2 }]);
  assert.equal(res.failed, 1);
  // the TS engine re-logged n=2 with attempt 2; Lua replays it, fails it again -> attempt 3 = max -> permanent
  const out = lua(`local q = dlq.open { directory = ${JSON.stringify(dir)}, initial_wait = 0.5, max_attempts = 3 }
local calls = 0
local c = q:replay(function(record, env) calls = calls + 1; assert(env.attempt == 2); error('down') end)
print(calls, c.delivered, c.failed, c.permanent, c.malformed)
local n = q:counts()
print(n.retry, n.permanent)`);
  assert.deepEqual(out.trim().split('\n'), ['1\t0\t0\t1\t0', '0\t1']);
  const l = q.list();
  assert.equal(l.totals.retryRecords, 0);
  assert.equal(l.totals.permanentRecords, 1);
  const perm = JSON.parse(readFileSync(join(dir, 'permanent-000001.jsonl'), 'utf8'));
  assert.deepEqual(perm.payload, { n: 2 });
  assert.equal(perm.attempts, 3);
});

test('kumo_dlq.lua: backoff grows and is capped; handler errors are logged back, not fatal; replay resumes at the saved line', { skip: !haveLua && 'lua5.4 with lua-cjson is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-dlq-lua2-'));
  const out = lua(`math.randomseed(1)
for _, a in ipairs { 0, 1, 2, 10, 1000 } do
  local w = dlq.backoff(1, a)
  io.write(string.format('%d:%s ', a, tostring(w >= math.min(2 ^ a, 30) and w < math.min(2 ^ a, 30) * 1.1)))
end
print()
local q = dlq.open { directory = ${JSON.stringify(dir)}, initial_wait = 0 }
q:log_batch({ { n = 1 }, { n = 2 }, { n = 3 } }, 'x')
local seen = {}
local ok = pcall(function()
  q:replay(function(r) seen[#seen + 1] = r.n; if r.n == 2 then error({ crash = true }) end end)
end)
-- simulate a crash inside the handler of record 2: the error escaped only because the test handler raised a table
print(ok, #seen)`);
  assert.match(out.split('\n')[0], /^0:true 1:true 2:true 10:true 1000:true/);
  // the pcall in replay catches handler errors, so the replay went on: 3 records seen, n=2 re-logged
  assert.match(out.split('\n')[1], /^true\t3/);
  const q = new DeadLetterQueue(dir, { initialWaitMs: 0 });
  assert.equal(q.list().totals.retryRecords, 1);
  // an interrupted replay (state saved at line 2 of the first log) resumes there
  const dir2 = mkdtempSync(join(tmpdir(), 'kumo-dlq-lua3-'));
  const q2 = new DeadLetterQueue(dir2, { initialWaitMs: 0 });
  q2.logMany([{ n: 1 }, { n: 2 }, { n: 3 }], 'x');
  writeFileSync(join(dir2, 'replay.state'), JSON.stringify({ segment: 'retry-000001.jsonl', line: 2 }));
  const out2 = lua(`local q = dlq.open { directory = ${JSON.stringify(dir2)}, initial_wait = 0 }
local c = q:replay(function(r) io.write(r.n, ' ') end)
print(c.delivered)`);
  assert.equal(out2.trim(), '3 1');
  assert.equal(q2.list().totals.retryRecords, 0);
});
