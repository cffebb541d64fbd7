/** bin/code-cache.js: the V8 code cache the CLI's launcher installs before loading its bundle. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { repoRoot } from '../support/paths';

/** A package folder with two modules; b.js throws from a known line. */
function fixture(): { root: string; cache: string } {
  const base = mkdtempSync(join(tmpdir(), 'kumo-code-cache-'));
  const root = join(base, 'pkg');
  mkdirSync(join(root, 'lib'), { recursive: true });
  writeFileSync(join(root, 'main.js'), [
    `const b = require('./lib/b');`,
    `const resolved = require.resolve('./lib/b');`,
    `console.log(JSON.stringify({ sum: b.add(2, 3), dir: __dirname, file: __filename, resolved, same: require.cache[resolved].exports === b, main: require.main === module }));`,
    `try { b.fail(); } catch (e) { console.log(e.stack.split('\\n')[1].trim()); }`,
  ].join('\n'));
  writeFileSync(join(root, 'lib', 'b.js'), `exports.add = (a, b) => a + b;\n\nexports.fail = function fail() {\n  throw new Error('boom');\n};\n`);
  return { root, cache: join(base, 'cache') };
}

function run(root: string, cache: string, env: Record<string, string> = {}, cachedRoot = root): string {
  const launcher = `require(${JSON.stringify(join(repoRoot(), 'bin/code-cache.js'))}).enableCodeCache(${JSON.stringify(cachedRoot + sep)}); require(${JSON.stringify(join(root, 'main.js'))});`;
  return execFileSync(process.execPath, ['-e', launcher], { env: { ...process.env, KUMO_POLICY_CACHE_DIR: cache, ...env }, encoding: 'utf8' });
}

test('modules run the same with and without cached code; entries are written at exit and reused', () => {
  const { root, cache } = fixture();
  const plain = run(root, cache, { KUMO_POLICY_CODE_CACHE: '0' });
  assert.throws(() => readdirSync(join(cache, 'v8')), /ENOENT/, 'turned off: nothing written');
  const first = run(root, cache);
  const entries = readdirSync(join(cache, 'v8'));
  assert.equal(entries.length, 2);
  const second = run(root, cache);
  assert.deepEqual(readdirSync(join(cache, 'v8')), entries, 'a hit writes nothing new');
  assert.equal(first, plain);
  assert.equal(second, plain);
  const [json, frame] = second.trim().split('\n');
  assert.deepEqual(JSON.parse(json), { sum: 5, dir: root, file: join(root, 'main.js'), resolved: join(root, 'lib', 'b.js'), same: true, main: false });
  assert.match(frame, new RegExp(`at Object\\.fail \\(${join(root, 'lib', 'b.js').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:9\\)`));
});

test('a corrupt entry is rejected by V8 and replaced; an edited file gets a new entry', () => {
  const { root, cache } = fixture();
  const plain = run(root, cache);
  for (const e of readdirSync(join(cache, 'v8'))) writeFileSync(join(cache, 'v8', e), 'garbage');
  assert.equal(run(root, cache), plain);
  writeFileSync(join(root, 'lib', 'b.js'), `exports.add = (a, b) => a * b;\n\nexports.fail = function fail() {\n  throw new Error('boom');\n};\n`);
  assert.match(run(root, cache), /"sum":6/);
  assert.equal(readdirSync(join(cache, 'v8')).length, 3);
});

test('files outside the package root are left to Node', () => {
  const { root, cache } = fixture();
  run(root, cache, {}, join(root, 'lib'));
  assert.equal(readdirSync(join(cache, 'v8')).length, 1, 'only lib/b.js is under that root');
});

test('the caches stay bounded: past the maximum, the least recently written entries go', async () => {
  const { pruneOldest } = await import('../../bin/cache-dir');
  const { utimesSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'kumo-prune-'));
  for (let i = 0; i < 5; i++) {
    writeFileSync(join(dir, `e${i}`), 'x');
    utimesSync(join(dir, `e${i}`), 1000 + i, 1000 + i);
  }
  pruneOldest(dir, 5, 2);
  assert.equal(readdirSync(dir).length, 5, 'at the maximum nothing goes');
  pruneOldest(dir, 4, 2);
  assert.deepEqual(readdirSync(dir).sort(), ['e3', 'e4']);
});
