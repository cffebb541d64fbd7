/**
 * Differential suite: each test/lua-diff/*.lua program runs under this runtime (fengari + the 5.4 lowering)
 * and under Debian's lua5.4; their outputs must match. Skipped when lua5.4 is not installed.
 * Known fengari differences that cannot be fixed are listed in test/lua-diff/README.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/paths';
import { capturingEngine, printed } from './test-support';
import { LuaError } from './errors';

const dir = join(repoRoot(), 'test', 'lua-diff');
const lua54 = spawnSync('lua5.4', ['-v'], { encoding: 'utf8' });
const available = lua54.status === 0;

for (const file of readdirSync(dir).filter((f) => f.endsWith('.lua')).sort()) {
  test(`lua-diff: ${file} prints the same under fengari and lua5.4`, { skip: available ? false : 'lua5.4 is not installed' }, async () => {
    const reference = spawnSync('lua5.4', [file], { cwd: dir, encoding: 'utf8' });
    assert.equal(reference.status, 0, `lua5.4 failed: ${reference.stderr}`);
    const c = capturingEngine(dir);
    try {
      await c.engine.runString(readFileSync(join(dir, file), 'utf8'), '@' + file);
    } catch (e) {
      assert.fail(`fengari failed: ${e instanceof LuaError ? e.traceback : String(e)}\noutput so far:\n${printed(c)}`);
    }
    assert.equal(normalize(printed(c)), normalize(reference.stdout));
  });
}

/** Table and function addresses differ between implementations by nature. */
function normalize(text: string): string {
  return text.replace(/(table|function|thread|userdata): (0x)?[0-9a-f]+/g, '$1: ADDR');
}
