/**
 * The Lua examples of the shared seeds run unchanged (with the `local kumo = require 'kumo'` line a policy
 * has): seed 004's make_queue_config examples register get_queue_config and return checked configs.
 * (Seed 001's MPSC examples are exercised in mpsc.test.ts.) Skipped when shared/ is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '../../test/support/paths';
import { capturingEngine, tempPolicy } from './test-support';
import { ConfigValue } from './kumo/constructors';

function luaBlocks(text: string): string[] {
  return [...text.matchAll(/```lua\n([\s\S]*?)```/g)].map((m) => m[1]);
}

const shared = sharedDir();
const seed004 = shared && join(shared, 'seeds', '004_de81e270f566d1f8.txt');

test('seed 004: every make_queue_config example loads and answers get_queue_config', { skip: seed004 && existsSync(seed004) ? false : 'shared seeds not present' }, async () => {
  const blocks = luaBlocks(readFileSync(seed004!, 'utf8'));
  assert.ok(blocks.length >= 5);
  for (const block of blocks) {
    const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'\n${block}` });
    const c = capturingEngine(dir);
    await c.engine.loadPolicy(join(dir, 'init.lua'));
    for (const domain of ['example.com', 'smarthost.example.com', 'maildir.example.com', 'webhook']) {
      const r = await c.engine.fireEvent('get_queue_config', [domain, null, null, domain]);
      assert.equal(r.handled, true, block);
      assert.ok(r.values[0] instanceof ConfigValue, block);
    }
  }
});
