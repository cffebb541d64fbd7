import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from './args';

test('options, repeated options, booleans and the -- passthrough', () => {
  const a = parseArgs(['p.lua', '--meta', 'a=1', '--meta=b=2', '--exit-when-caught-up', '--', '--x', 'y'], new Set(['exit-when-caught-up']));
  assert.deepEqual(a.positional, ['p.lua']);
  assert.deepEqual(a.options.get('meta'), ['a=1', 'b=2']);
  assert.deepEqual(a.options.get('exit-when-caught-up'), ['true']);
  assert.deepEqual(a.passthrough, ['--x', 'y']);
});

test('--help and -h ask for the usage text; after -- they belong to the script', () => {
  assert.throws(() => parseArgs(['--help']), UsageError);
  assert.throws(() => parseArgs(['x', '-h']), UsageError);
  assert.deepEqual(parseArgs(['s.lua', '--', '--help']).passthrough, ['--help']);
});

test('an option missing its value is a usage error', () => {
  assert.throws(() => parseArgs(['--format']), /--format needs a value/);
});
