// kumo.make_throttle and Throttle: explain() against kumod's own snapshots (crates/kumod/src/mod_kumo.rs
// test_explain_throttle), results shaped as mlua serializes kumod's ThrottleResult, GCRA values worked out from
// crates/throttle/src/throttle.rs local_throttle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { capturingEngine, printed, tempPolicy } from '../test-support';
import { explainThrottle } from './throttle-explain';
import { parseThrottle } from '../../values/throttle';
import { SimMessage } from './message';

async function lua(code: string): Promise<string> {
  const c = capturingEngine(tempPolicy({}));
  await c.engine.runString(`local kumo = require 'kumo'\n${code}`, '=t');
  return printed(c);
}

const explain = (text: string) => {
  const r = parseThrottle(text);
  assert.ok(r.ok);
  return explainThrottle(r.value);
};

test('explain() matches kumod test_explain_throttle snapshots byte for byte', () => {
  assert.equal(explain('100/h'), '100/h\nimplied burst rate 100 every 36s, or: 3/s, 167/m, 10,000/h, 240,000/d in that period.\noverall rate 0.028/s, 2/m, 100/h, 2,400/d');
  assert.equal(explain('500/d'), '500/d\nimplied burst rate 500 every 2m 52s 800ms, or: 3/s, 174/m, 10,417/h, 250,000/d in that period.\noverall rate 0.006/s, 0.347/m, 21/h, 500/d');
  assert.equal(explain('500/d,max_burst=1'), '500/d,max_burst=1\nexplicit burst rate 1 every 2m 52s 800ms, or: 0.006/s, 0.347/m, 21/h, 500/d in that period.\noverall rate 0.006/s, 0.347/m, 21/h, 500/d');
  assert.equal(explain('500/d,max_burst=10'), '500/d,max_burst=10\nexplicit burst rate 10 every 2m 52s 800ms, or: 0.058/s, 4/m, 209/h, 5,000/d in that period.\noverall rate 0.006/s, 0.347/m, 21/h, 500/d');
});

test('explain(): humantime intervals with sub-second parts, canonical spec text, saturating zero periods', () => {
  // 3600/7 s = 514.285714285... s: Duration::from_secs_f64 rounds to the nearest nanosecond.
  assert.match(explain('7/hour'), /^7\/h\nimplied burst rate 7 every 8m 34s 285ms 714us 286ns, or: 0\.014\/s, 0\.817\/m, 49\/h, 1,176\/d in that period\.\n/);
  assert.match(explain('local:1_000/30min'), /^local:1000\/1800s\n/);
  // limit / 0 = inf, `as usize` saturates.
  assert.match(explain('10/0s'), /^10\/0s\nimplied burst rate 10 every 0s, or: 18,446,744,073,709,551,615\/s,/);
});

test('make_throttle: results as kumod serializes ThrottleResult; same name and spec share state', async () => {
  const out = await lua(`
local function show(r)
  local retry = r.retry_after
  print(r.throttled, r.limit, r.remaining, r.reset_after.secs, r.reset_after.nanos,
    type(retry), retry == nil, type(retry) == 'table' and retry.secs or '-')
end
local t = kumo.make_throttle('test', '2/s')
show(t:throttle())
show(t:throttle())
show(kumo.make_throttle('test', '2/s'):throttle())
show(kumo.make_throttle('other', '2/s'):throttle())
show(kumo.make_throttle('test', '3/s'):throttle())
print(kumo.make_throttle('x', '500/d'):explain() == [[
500/d
implied burst rate 500 every 2m 52s 800ms, or: 3/s, 174/m, 10,417/h, 250,000/d in that period.
overall rate 0.006/s, 0.347/m, 21/h, 500/d]])
print(tostring(t))`);
  assert.equal(out, [
    // 2/s: interval 0.5 s, burst min(2, 2-1) = 1, limit = burst + 1; retry_after of an allowed call is mlua's null
    'false\t2\t1\t1\t0\tuserdata\tfalse\t-',
    'false\t2\t0\t1\t0\tuserdata\tfalse\t-',
    'true\t2\t0\t1\t0\ttable\tfalse\t1',
    'false\t2\t1\t1\t0\tuserdata\tfalse\t-',
    'false\t3\t2\t1\t0\tuserdata\tfalse\t-',
    'true',
    'Throttle(lua-user-throttle-test, 2/s)',
    '',
  ].join('\n'));
});

test('make_throttle: a bad spec raises kumod\'s parser error; a zero rate fails when used', async () => {
  const out = await lua(`
print(pcall(kumo.make_throttle, 'a', '10/fortnight'))
print(pcall(kumo.make_throttle, 'a', '0/s'))
print(pcall(kumo.make_throttle, 'a', 10))
print(pcall(kumo.make_throttle, 'a', 'ten/s'))
local z = kumo.make_throttle('z', '10/0s')
print(pcall(z.throttle, z))
print(pcall(z.sleep_if_throttled, z))`);
  assert.equal(out, [
    'false\tkumo.make_throttle: unknown period quantity fortnight',
    'false\tkumo.make_throttle: invalid ThrottleSpec `0/s`: limit must be greater than 0!',
    "false\tkumo.make_throttle: expected 'limit/period', got 10",
    "false\tkumo.make_throttle: invalid limit 'ten': invalid digit found in string",
    'false\tThrottle:throttle: Zero rates are not supported',
    'false\tThrottle:sleep_if_throttled: Zero rates are not supported',
    '',
  ].join('\n'));
});

test('sleep_if_throttled waits retry_after on the scheduler, then reports that it slept', async () => {
  const began = Date.now();
  const out = await lua(`
local t = kumo.make_throttle('sleepy', '2/s')
print(t:sleep_if_throttled(), t:sleep_if_throttled())
print(t:sleep_if_throttled())
print(t:throttle().throttled)`);
  const took = Date.now() - began;
  // The third call is 0.5 s early; kumod rounds the wait up to whole seconds.
  assert.equal(out, 'false\tfalse\ntrue\nfalse\n');
  assert.ok(took >= 950 && took < 5000, `slept ${took} ms`);
});

test('delay_message_if_throttled moves the due time by retry_after, without jitter', async () => {
  const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'
kumo.on('throttle_insert_ready_queue', function(msg)
  local t = kumo.make_throttle('tenant-' .. msg:get_meta('tenant'), '1/m')
  print(t:delay_message_if_throttled(msg))
end)` });
  const c = capturingEngine(dir);
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  const first = new SimMessage({ sender: 'a@example.com', recipients: ['b@example.net'], meta: { tenant: 't' } });
  const second = new SimMessage({ sender: 'a@example.com', recipients: ['b@example.net'], meta: { tenant: 't' } });
  await c.engine.fireEvent('throttle_insert_ready_queue', [first]);
  const before = Date.now();
  await c.engine.fireEvent('throttle_insert_ready_queue', [second]);
  assert.equal(printed(c), 'false\ntrue\n');
  assert.equal(first.due, undefined);
  // 1/m: burst min(1, 0) = 0, so the second waits the whole 60 s interval.
  const delay = second.due!.getTime() - before;
  assert.ok(delay >= 59_000 && delay <= 61_000, `delayed by ${delay} ms`);
  const bad = await lua(`print(pcall(function() return kumo.make_throttle('q', '1/s'):delay_message_if_throttled('x') end))`);
  assert.match(bad, /^false\tThrottle:delay_message_if_throttled: expected a Message, got string/);
});
