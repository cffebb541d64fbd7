import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '../../test/support/paths';
import { parseDuration } from './duration';
import { parseThrottle } from './throttle';
import { RECORD_TYPES } from './record-type';

// The doc examples in the reference catalog's value_formats must behave as documented.

function valueFormats(): Record<string, any> | undefined {
  const shared = sharedDir();
  if (!shared) return undefined;
  return JSON.parse(readFileSync(join(shared, 'reference', 'kumo-api.json'), 'utf8')).value_formats;
}

test('value_formats.duration examples', (t) => {
  const vf = valueFormats();
  if (!vf) return t.skip('shared/reference not available');
  const g = vf.duration.humantime_grammar;
  for (const s of g.examples_valid as string[]) assert.ok(parseDuration(s).ok, s);
  for (const s of g.examples_invalid as string[]) assert.ok(!parseDuration(s).ok, s);
  // every listed unit spelling is accepted after a number
  for (const spellings of Object.values(g.units) as string[][]) {
    for (const u of spellings) assert.ok(parseDuration(`2${u}`).ok, u);
  }
});

test('value_formats.throttle examples', (t) => {
  const vf = valueFormats();
  if (!vf) return t.skip('shared/reference not available');
  const th = vf.throttle;
  for (const s of th.examples_valid as string[]) assert.ok(parseThrottle(s).ok, s);
  for (const s of th.examples_invalid as string[]) assert.ok(!parseThrottle(s).ok, s);
  for (const [u, secs] of Object.entries(th.UNIT as Record<string, number>)) {
    const r = parseThrottle(`1/${u}`);
    assert.ok(r.ok, u);
    assert.equal(r.value.period, secs, u);
  }
});

test('value_formats.record_type matches RECORD_TYPES', (t) => {
  const vf = valueFormats();
  if (!vf) return t.skip('shared/reference not available');
  assert.deepEqual([...RECORD_TYPES], vf.record_type);
});
