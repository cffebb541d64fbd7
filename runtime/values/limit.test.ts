import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLimit, limitFromLua, parseLimit } from './limit';

// From kumomta crates/throttle/src/lib.rs LimitSpec (TryFrom<&str>, Deserialize) and its tests.

const VALID: Array<[string, number, boolean]> = [
  ['100', 100, false],
  ['1_00', 100, false],
  ['local:1_00', 100, true],
  ['1,000', 1000, false],
  ['+7', 7, false],
  ['local:1', 1, true],
  ['007', 7, false],
  ['_1_', 1, false],
];

const INVALID: Array<[string, string, number, number]> = [
  ['three', "invalid limit 'three': invalid digit found in string", 0, 5],
  ['0', 'invalid LimitSpec `0`: limit must be greater than 0!', 0, 1],
  ['local:0', 'invalid LimitSpec `0`: limit must be greater than 0!', 6, 7],
  ['0_0', 'invalid LimitSpec `0_0`: limit must be greater than 0!', 0, 3],
  ['', "invalid limit '': cannot parse integer from empty string", 0, 0],
  ['local:', "invalid limit '': cannot parse integer from empty string", 0, 6],
  // kumod quotes the limit with the separators removed
  ['1,0 ', "invalid limit '10 ': invalid digit found in string", 3, 4],
  ['10/s', "invalid limit '10/s': invalid digit found in string", 2, 3],
  ['-5', "invalid limit '-5': invalid digit found in string", 0, 1],
  ['LOCAL:5', "invalid limit 'LOCAL:5': invalid digit found in string", 0, 1],
  ['18446744073709551616', "invalid limit '18446744073709551616': number too large to fit in target type", 0, 20],
];

test('limit strings: golden table', () => {
  for (const [input, limit, local] of VALID) {
    const r = parseLimit(input);
    assert.ok(r.ok, input);
    assert.deepEqual(r.value, { limit, forceLocal: local }, input);
  }
  for (const [input, message, start, end] of INVALID) {
    const r = parseLimit(input);
    assert.ok(!r.ok, input);
    assert.deepEqual([r.error.message, r.error.start, r.error.end], [message, start, end], input);
  }
});

test('limit from Lua values', () => {
  const ok = (v: Parameters<typeof limitFromLua>[0], limit: number, local = false, float?: boolean) => {
    const r = limitFromLua(v, float === undefined ? {} : { float });
    assert.ok(r.ok, String(v));
    assert.deepEqual(r.value, { limit, forceLocal: local });
    return r;
  };
  const bad = (v: Parameters<typeof limitFromLua>[0], message: string, float?: boolean) => {
    const r = limitFromLua(v, float === undefined ? {} : { float });
    assert.ok(!r.ok, String(v));
    assert.equal(r.error.message, message);
  };
  ok(10, 10);
  ok(1, 1);
  ok(42n, 42);
  ok('local:5', 5, true);
  ok({ limit: 7, force_local: true }, 7, true);
  ok({ limit: 7 }, 7);
  const zero = ok({ limit: 0 }, 0);
  assert.deepEqual(zero.warnings?.map((w) => w.code), ['limit-zero']);
  bad(0, 'limit must be 1 or larger');
  bad(-3, 'limit must be 1 or larger');
  bad(1.5, 'invalid type: floating point `1.5`, expected string or numeric limit spec');
  bad(10, 'invalid type: floating point `10.0`, expected string or numeric limit spec', true);
  bad({ limit: 1, force_local: false, oops: 1 }, 'unknown field `oops`, expected `limit` or `force_local`');
  bad({ force_local: true }, 'missing field `limit`');
  bad({ limit: -1 }, 'invalid value: integer `-1`, expected u64');
});

test('limit display', () => {
  assert.equal(formatLimit({ limit: 10, forceLocal: false }), '10');
  assert.equal(formatLimit({ limit: 10, forceLocal: true }), 'local:10');
});
