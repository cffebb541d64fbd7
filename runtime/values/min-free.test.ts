import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minFreeFromLua, parseMinFree } from './min-free';

// From kumomta crates/kumo-server-common/src/disk_space.rs (MinFree).

test('min_free golden table', () => {
  const valid: Array<[string, unknown, string[]]> = [
    ['10%', { kind: 'percent', percent: 10 }, []],
    ['0%', { kind: 'percent', percent: 0 }, []],
    ['100%', { kind: 'percent', percent: 100 }, []],
    ['150%', { kind: 'percent', percent: 150 }, ['min-free-over-100']],
    ['255%', { kind: 'percent', percent: 255 }, ['min-free-over-100']],
    ['+5%', { kind: 'percent', percent: 5 }, []],
    ['1000000', { kind: 'value', value: 1_000_000 }, []],
    ['0', { kind: 'value', value: 0 }, []],
  ];
  for (const [input, value, warns] of valid) {
    const r = parseMinFree(input);
    assert.ok(r.ok, input);
    assert.deepEqual(r.value, value, input);
    assert.deepEqual((r.warnings ?? []).map((w) => w.code), warns, input);
  }
  const invalid: Array<[string, string, number, number]> = [
    ['256%', 'invalid MinFree percentage specifier. number too large to fit in target type', 0, 3],
    ['10.5%', 'invalid MinFree percentage specifier. invalid digit found in string', 0, 4],
    ['%', 'invalid MinFree percentage specifier. cannot parse integer from empty string', 0, 0],
    ['10%%', 'invalid MinFree percentage specifier. invalid digit found in string', 0, 3],
    ['10 %', 'invalid MinFree percentage specifier. invalid digit found in string', 0, 3],
    ['10GB', 'invalid MinFree size specifier. invalid digit found in string', 0, 4],
    ['', 'invalid MinFree size specifier. cannot parse integer from empty string', 0, 0],
    ['-1', 'invalid MinFree size specifier. invalid digit found in string', 0, 2],
    ['1_000', 'invalid MinFree size specifier. invalid digit found in string', 0, 5],
  ];
  for (const [input, message, start, end] of invalid) {
    const r = parseMinFree(input);
    assert.ok(!r.ok, input);
    assert.deepEqual([r.error.message, r.error.start, r.error.end], [message, start, end], input);
  }
});

test('min_free from Lua numbers', () => {
  const r = minFreeFromLua(1024);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { kind: 'value', value: 1024 });
  const neg = minFreeFromLua(-1);
  assert.ok(!neg.ok);
  assert.equal(neg.error.message, 'invalid MinFree size specifier. -1 could not be converted to u64');
  const flt = minFreeFromLua(1e9, { float: true });
  assert.ok(!flt.ok);
  assert.equal(flt.error.message, 'invalid MinFree size specifier. 1000000000.0 could not be converted to u64');
  const half = minFreeFromLua(0.5);
  assert.ok(!half.ok);
  assert.equal(half.error.message, 'invalid MinFree size specifier. 0.5 could not be converted to u64');
});
