import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripAttributes } from './attributes';

test('blanks const and close attributes keeping offsets', () => {
  const src = 'local x <const> = 1\nlocal f <close>, g = open(), 2\nreturn x';
  const { code, attributes } = stripAttributes(src);
  assert.equal(code.length, src.length);
  assert.equal(code, 'local x         = 1\nlocal f        , g = open(), 2\nreturn x');
  assert.deepEqual(attributes.map((a) => [a.name, a.kind, src.slice(a.start, a.end)]), [['x', 'const', '<const>'], ['f', 'close', '<close>']]);
  assert.equal(attributes[0].nameOffset, 6);
});

test('accepts spaces inside the brackets and several names', () => {
  const src = 'local a < const >, b <close> = 1, nil';
  const { code, attributes } = stripAttributes(src);
  assert.equal(code, 'local a          , b         = 1, nil');
  assert.deepEqual(attributes.map((a) => a.name), ['a', 'b']);
});

test('leaves comparisons, strings, comments and local functions alone', () => {
  const src = [
    "local s = 'local x <const> = 1' -- local y <const> = 2",
    '--[[ local z <close> = 3 ]]',
    'local function f(a) return a < b and c > d end',
    'if local_x <const_y> then end',
    'local n = 1 < 2',
  ].join('\n');
  const { code, attributes } = stripAttributes(src);
  assert.equal(code, src);
  assert.deepEqual(attributes, []);
});

test('reports unknown attribute names so checkers can flag them', () => {
  const { attributes } = stripAttributes('local x <constant> = 1');
  assert.equal(attributes[0].kind, 'constant');
});
