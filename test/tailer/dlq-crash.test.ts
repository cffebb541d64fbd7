/** dead_letter.lua's replay killed mid-way (SIGKILL) resumes at the right record: nothing lost, one duplicate per kill at most. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WebhookReceiver } from '../../runtime/tailer-lua/receiver';
import { runScript, runCli, samplePath, startCli, tempDir } from './helpers';

const KILLS = 4;
const RECORDS = 60;

test(`dead_letter.lua replay killed ${KILLS} times resumes at the right record`, { timeout: 120_000 }, async () => {
  const dlq = join(tempDir(), 'dlq');
  const logged = await runScript(`local kumo = require 'kumo'
local dead_letter = require 'dead_letter'
kumo.on('main', function(dir)
  local dlq = dead_letter.open { directory = dir, initial_wait = 0 }
  for b = 1, 6 do
    local recs = {}
    for i = 1, ${RECORDS / 6} do table.insert(recs, { id = string.format('r%02d', (b - 1) * ${RECORDS / 6} + i), egress_pool = 'customer-a' }) end
    dlq:log(recs, '503', { consumer = 'customer-a' })
  end
end)`, [dlq], { packagePath: [samplePath('lua', '?.lua')] });
  assert.equal(logged.error, undefined, logged.error?.message);

  const receiver = new WebhookReceiver({ slowMs: 25 });
  const base = await receiver.listen();
  const args = ['tail', samplePath('scripts', 'webhook_replay.lua'), '--path', samplePath('lua', '?.lua'), '--exit-when-caught-up', '--progress', '0', '--', base, dlq, '5', '0'];
  try {
    for (let k = 0; k < KILLS; k++) {
      const before = receiver.stats.records;
      const { child, done } = startCli(args);
      const target = before + 5 + Math.floor(Math.random() * 8);
      const timer = setInterval(() => {
        if (receiver.stats.records >= target) child.kill('SIGKILL');
      }, 5);
      const r = await done;
      clearInterval(timer);
      assert.equal(r.signal, 'SIGKILL', r.stderr);
    }
    const last = await runCli(args);
    assert.equal(last.code, 0, last.stderr);
    const got = (receiver.received.get('/customer-a') ?? []) as string[];
    const unique = new Set(got);
    assert.equal(unique.size, RECORDS, 'every dead letter delivered');
    assert.ok(got.length - RECORDS <= KILLS, `${got.length - RECORDS} duplicates for ${KILLS} kills`);
    // eslint-disable-next-line no-console
    console.log(`# replay killed ${KILLS} times: ${RECORDS} records delivered, ${got.length - RECORDS} duplicates`);
  } finally {
    await receiver.close();
  }
});
