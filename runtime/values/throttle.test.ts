import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeThrottle, formatThrottle, parseThrottle, throttleBurst, throttleFromLua, throttleInterval } from './throttle';

// Golden values worked out from kumomta crates/throttle/src/lib.rs (ThrottleSpec::try_from and its
// unit tests) and Rust's u64 parsing; not from this implementation.

/** [input, limit, period, maxBurst, forceLocal, canonical form, warning codes] */
const VALID: Array<[string, number, number, number | undefined, boolean, string, string[]?]> = [
  // value_formats.throttle examples_valid
  ['10/s', 10, 1, undefined, false, '10/s'],
  ['1,000/hr', 1000, 3600, undefined, false, '1000/h'],
  ['1_000/h', 1000, 3600, undefined, false, '1000/h'],
  ['10_000/d', 10000, 86400, undefined, false, '10000/d'],
  ['100/5m', 100, 300, undefined, false, '100/300s'],
  ['local:100/hr', 100, 3600, undefined, true, 'local:100/h'],
  ['50/day,max_burst=1', 50, 86400, 1, false, '50/d,max_burst=1'],
  ['500/d,max_burst=10', 500, 86400, 10, false, '500/d,max_burst=10'],
  ['1_0,0/hour', 100, 3600, undefined, false, '100/h'],
  // kumod's unit tests
  ['100/hr', 100, 3600, undefined, false, '100/h'],
  ['local:100/123m', 100, 7380, undefined, true, 'local:100/7380s'],
  // every unit spelling
  ['1/h', 1, 3600, undefined, false, '1/h'],
  ['1/hour', 1, 3600, undefined, false, '1/h'],
  ['1/m', 1, 60, undefined, false, '1/m'],
  ['1/min', 1, 60, undefined, false, '1/m'],
  ['1/minute', 1, 60, undefined, false, '1/m'],
  ['1/s', 1, 1, undefined, false, '1/s'],
  ['1/sec', 1, 1, undefined, false, '1/s'],
  ['1/second', 1, 1, undefined, false, '1/s'],
  ['1/d', 1, 86400, undefined, false, '1/d'],
  ['1/day', 1, 86400, undefined, false, '1/d'],
  // multipliers
  ['5/2h', 5, 7200, undefined, false, '5/7200s'],
  ['5/24h', 5, 86400, undefined, false, '5/d'],
  ['5/60s', 5, 60, undefined, false, '5/m'],
  ['5/60m', 5, 3600, undefined, false, '5/h'],
  ['5/1s', 5, 1, undefined, false, '5/s'],
  ['5/007m', 5, 420, undefined, false, '5/420s'],
  ['100/2d', 100, 172800, undefined, false, '100/172800s'],
  ['1000/10min', 1000, 600, undefined, false, '1000/600s'],
  ['3/3600s', 3, 3600, undefined, false, '3/h'],
  ['5/0s', 5, 0, undefined, false, '5/0s', ['throttle-zero-period']],
  ['1/5124095576040431h', 1, 35_999_984, undefined, false, '1/35999984s', ['throttle-period-overflow']],
  // separators and signs in LIMIT / BURST
  ['+5/s', 5, 1, undefined, false, '5/s'],
  ['1,,0/s', 10, 1, undefined, false, '10/s'],
  ['_1_/s', 1, 1, undefined, false, '1/s'],
  ['0,1/s', 1, 1, undefined, false, '1/s'],
  ['local:0_5/hr', 5, 3600, undefined, true, 'local:5/h'],
  ['10/s,max_burst=0', 10, 1, 0, false, '10/s,max_burst=0', ['throttle-zero-burst']],
  ['10/s,max_burst=1,000', 10, 1, 1000, false, '10/s,max_burst=1000'],
  ['10/s,max_burst=+5', 10, 1, 5, false, '10/s,max_burst=5'],
  ['local:1/s,max_burst=1', 1, 1, 1, true, 'local:1/s,max_burst=1'],
  ['60/minute,max_burst=60', 60, 60, 60, false, '60/m,max_burst=60'],
  ['10/second', 10, 1, undefined, false, '10/s'],
  ['18446744073709551615/s', 18446744073709551615, 1, undefined, false, '18446744073709552000/s', ['throttle-precision']],
];

/** [input, kumod's message, start, end] */
const INVALID: Array<[string, string, number, number]> = [
  // value_formats.throttle examples_invalid + kumod's unit tests
  ['100/our', 'unknown period quantity our', 4, 7],
  ['three/hour', "invalid limit 'three': invalid digit found in string", 0, 5],
  ['0/s', 'invalid ThrottleSpec `0/s`: limit must be greater than 0!', 0, 1],
  ['10/hours', 'unknown period quantity hours', 3, 8],
  ['10 /s', "invalid limit '10 ': invalid digit found in string", 2, 3],
  ['100/1w', 'unknown period quantity w', 5, 6],
  // structure
  ['10', "expected 'limit/period', got 10", 0, 2],
  ['', "expected 'limit/period', got ", 0, 0],
  ['local:', "expected 'limit/period', got ", 6, 6],
  ['10/', 'invalid period quantity ', 2, 3],
  ['10/5', 'invalid period quantity 5', 3, 4],
  ['10/1', 'invalid period quantity 1', 3, 4],
  ['/s', "invalid limit '': cannot parse integer from empty string", 0, 1],
  ['10//s', 'unknown period quantity /s', 3, 5],
  ['1/2/s', 'unknown period quantity /s', 3, 5],
  // units: case, plurals, weeks, sub-second, whitespace
  ['10/S', 'unknown period quantity S', 3, 4],
  ['10/H', 'unknown period quantity H', 3, 4],
  ['10/seconds', 'unknown period quantity seconds', 3, 10],
  ['10/days', 'unknown period quantity days', 3, 7],
  ['10/minutes', 'unknown period quantity minutes', 3, 10],
  ['10/mins', 'unknown period quantity mins', 3, 7],
  ['10/hrs', 'unknown period quantity hrs', 3, 6],
  ['10/w', 'unknown period quantity w', 3, 4],
  ['10/ms', 'unknown period quantity ms', 3, 5],
  ['10/5x', 'unknown period quantity x', 4, 5],
  ['10/1.5h', 'unknown period quantity .5h', 4, 7],
  ['10/ s', 'unknown period quantity  s', 3, 5],
  ['10/s ', 'unknown period quantity s ', 3, 5],
  [' 10/s', "invalid limit ' 10': invalid digit found in string", 0, 1],
  ['1,000 /h', "invalid limit '1,000 ': invalid digit found in string", 5, 6],
  // the limit
  ['LOCAL:10/s', "invalid limit 'LOCAL:10': invalid digit found in string", 0, 1],
  ['local:local:10/s', "invalid limit 'local:10': invalid digit found in string", 6, 7],
  ['-10/s', "invalid limit '-10': invalid digit found in string", 0, 1],
  ['1.5/s', "invalid limit '1.5': invalid digit found in string", 1, 2],
  ['1e3/s', "invalid limit '1e3': invalid digit found in string", 1, 2],
  ['ten/s', "invalid limit 'ten': invalid digit found in string", 0, 3],
  ['18446744073709551616/s', "invalid limit '18446744073709551616': number too large to fit in target type", 0, 20],
  ['10/99999999999999999999s', 'number too big', 3, 23],
  ['0/0s', 'invalid ThrottleSpec `0/0s`: limit must be greater than 0!', 0, 1],
  // kumod quotes the spec without `local:` and without the burst
  ['local:0/s', 'invalid ThrottleSpec `0/s`: limit must be greater than 0!', 6, 7],
  ['0/s,max_burst=5', 'invalid ThrottleSpec `0/s`: limit must be greater than 0!', 0, 1],
  // the burst (kumod calls it a "limit" in the message)
  ['10/s,max_burst=', "invalid limit '': cannot parse integer from empty string", 4, 15],
  ['10/hr,max_burst=', "invalid limit '': cannot parse integer from empty string", 5, 16],
  ['10/s,max_burst=x', "invalid limit 'x': invalid digit found in string", 15, 16],
  ['10/s,max_burst=1 ', "invalid limit '1 ': invalid digit found in string", 16, 17],
  ['10/s,max_burst=5,max_burst=6', "invalid limit '5,max_burst=6': invalid digit found in string", 17, 18],
  ['10/s,max_burst=99999999999999999999', "invalid limit '99999999999999999999': number too large to fit in target type", 15, 35],
  ['10/s, max_burst=5', 'unknown period quantity s, max_burst=5', 3, 17],
  ['10/s,burst=5', 'unknown period quantity s,burst=5', 3, 12],
  // which error wins: burst, then period, then limit
  ['0/hours', 'unknown period quantity hours', 2, 7],
  ['x/s,max_burst=y', "invalid limit 'y': invalid digit found in string", 14, 15],
];

test(`throttle golden: ${VALID.length} valid inputs`, () => {
  assert.ok(VALID.length >= 40);
  for (const [input, limit, period, burst, local, canonical, warns] of VALID) {
    const r = parseThrottle(input);
    assert.ok(r.ok, `${input} should parse: ${JSON.stringify(!r.ok && r.error)}`);
    assert.equal(r.value.limit, limit, input);
    assert.equal(r.value.period, period, input);
    assert.equal(r.value.maxBurst, burst, input);
    assert.equal(r.value.forceLocal, local, input);
    assert.equal(formatThrottle(r.value), canonical, input);
    assert.deepEqual((r.warnings ?? []).map((w) => w.code), warns ?? [], input);
  }
});

test(`throttle golden: ${INVALID.length} invalid inputs with kumod's messages and exact spans`, () => {
  assert.ok(INVALID.length >= 40);
  for (const [input, message, start, end] of INVALID) {
    const r = parseThrottle(input);
    assert.ok(!r.ok, `${input} should be rejected`);
    assert.deepEqual([r.error.message, r.error.start, r.error.end], [message, start, end], input);
  }
});

test('canonical form round-trips', () => {
  for (const [input] of VALID) {
    const r = parseThrottle(input);
    assert.ok(r.ok);
    if (r.value.limit > Number.MAX_SAFE_INTEGER) continue;
    const again = parseThrottle(formatThrottle(r.value));
    assert.ok(again.ok, input);
    assert.deepEqual(again.value, r.value, input);
  }
});

test('throttle hints', () => {
  const hint = (s: string) => {
    const r = parseThrottle(s);
    return r.ok ? undefined : r.error.hint;
  };
  assert.match(hint('10/hours')!, /plural.*"hour"/);
  assert.match(hint('10/S')!, /case-sensitive.*"s"/);
  assert.match(hint('100/1w')!, /7d/);
  assert.match(hint('10 /s')!, /whitespace/);
  assert.match(hint('100/our')!, /"hour"/);
});

test('interval, burst and description', () => {
  const p = (s: string) => {
    const r = parseThrottle(s);
    assert.ok(r.ok, s);
    return r.value;
  };
  assert.equal(throttleInterval(p('1,000/h')), 3.6);
  assert.equal(throttleInterval(p('50/day,max_burst=1')), 1728);
  assert.equal(throttleInterval(p('10/s')), 0.1);
  assert.equal(throttleInterval(p('5/0s')), 0);
  assert.equal(throttleBurst(p('10/s')), 10);
  assert.equal(throttleBurst(p('10/s,max_burst=2')), 2);
  assert.equal(describeThrottle(p('1,000/h')), '1000 per hour (one every 3.6 s), bursts of up to 1000');
  assert.equal(
    describeThrottle(p('local:6/m,max_burst=1')),
    '6 per minute (one every 10 s), max_burst 1, always throttled in this process, even with Redis throttles configured',
  );
  assert.equal(describeThrottle(p('100/5m')), '100 per 5 minutes (one every 3 s), bursts of up to 100');
  assert.equal(describeThrottle(p('20/s')), '20 per second (one every 50 ms), bursts of up to 20');
});

test('throttles come from strings only', () => {
  const r = throttleFromLua(10);
  assert.ok(!r.ok);
  assert.equal(r.error.message, 'invalid type: integer `10`, expected a string');
  const f = throttleFromLua(1.5);
  assert.ok(!f.ok);
  assert.equal(f.error.message, 'invalid type: floating point `1.5`, expected a string');
  assert.ok(throttleFromLua('10/s').ok);
});
