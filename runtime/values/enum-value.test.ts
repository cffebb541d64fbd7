import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, parseEnumValue, serdeOneOf } from './enum-value';
import { parseRecordType, RECORD_TYPES } from './record-type';

test('enum membership is exact and case-sensitive, with serde messages', () => {
  const allowed = ['Jinja', 'Static', 'Handlebars'] as const;
  assert.deepEqual(parseEnumValue('Jinja', allowed), { ok: true, value: 'Jinja' });
  const r = parseEnumValue('jinja', allowed);
  assert.ok(!r.ok);
  assert.equal(r.error.message, 'unknown variant `jinja`, expected one of `Jinja`, `Static`, `Handlebars`');
  assert.equal(r.error.hint, "values are case-sensitive: did you mean 'Jinja'?");
  assert.deepEqual([r.error.start, r.error.end], [0, 5]);
  const typo = parseEnumValue('Handlbars', allowed);
  assert.ok(!typo.ok);
  assert.equal(typo.error.hint, "did you mean 'Handlebars'?");
  const far = parseEnumValue('zzz', allowed);
  assert.ok(!far.ok);
  assert.equal(far.error.hint, undefined);
  assert.equal(serdeOneOf(['A']), '`A`');
  assert.equal(serdeOneOf(['A', 'B']), '`A` or `B`');
});

test('didYouMean', () => {
  assert.equal(didYouMean('mn', ['ms', 'm', 'min']), 'min');
  assert.equal(didYouMean('TRANSIENTFAILURE', RECORD_TYPES), 'TransientFailure');
  assert.equal(didYouMean('Delivry', RECORD_TYPES), 'Delivery');
  assert.equal(didYouMean('qqqqqq', RECORD_TYPES), undefined);
});

test('record types', () => {
  assert.equal(RECORD_TYPES.length, 15);
  for (const t of RECORD_TYPES) assert.ok(parseRecordType(t).ok, t);
  const r = parseRecordType('delivery');
  assert.ok(!r.ok);
  assert.match(r.error.hint!, /'Delivery'/);
  const any = parseRecordType('Any', { allowAny: false });
  assert.ok(!any.ok);
  assert.ok(parseRecordType('Any').ok);
  assert.ok(!parseRecordType('Oob').ok);
});
