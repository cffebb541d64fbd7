import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getCatalog } from './catalog';
import { exportLuaLsDefinitions, luaLsType } from './luals-export';

test('luaLsType maps catalog types to LuaLS types', () => {
  const objects = new Set(['Message', 'EgressPool']);
  assert.equal(luaLsType('string|nil', objects), 'string|nil');
  assert.equal(luaLsType('array<string>', objects), 'string[]');
  assert.equal(luaLsType('Message', objects), 'kumo.Message');
  assert.equal(luaLsType('duration', objects), 'string');
  assert.equal(luaLsType('map<string,string>', objects), 'table<string, string>');
  assert.equal(luaLsType('array<string|nil>', objects), '(string|nil)[]');
  assert.equal(luaLsType('(string|nil, string|nil)', objects), 'string|nil, string|nil');
  assert.equal(luaLsType('SomethingUnknown', objects), 'any');
});

test('export produces ---@meta files covering functions, events, objects and config tables', () => {
  const catalog = getCatalog();
  const files = exportLuaLsDefinitions(catalog);
  const byName = new Map(files.map((f) => [f.name, f.text]));
  assert.ok(byName.has('kumo.lua'));
  assert.ok(byName.has('kumo-objects.lua'));
  assert.ok(byName.has('kumo-config.lua'));
  for (const f of files) assert.match(f.text, /^---@meta\n/, `${f.name} starts with ---@meta`);
  const kumo = byName.get('kumo.lua')!;
  assert.match(kumo, /function kumo\.make_egress_path\(/);
  assert.match(kumo, /---@overload fun\(name: "get_queue_config", handler: fun\(/);
  assert.match(kumo, /^---@class kumo\.dns$/m);
  // Every live kumo.* function of the catalog is defined.
  for (const fn of catalog.data.functions) {
    if (fn.removed || !fn.name.startsWith('kumo.') || fn.name === 'kumo.on') continue;
    const def = fn.kind === 'field' ? `${fn.name} = nil` : `function ${fn.name}(`;
    assert.ok(kumo.includes(def), `missing ${fn.name}`);
  }
  const objects = byName.get('kumo-objects.lua')!;
  assert.match(objects, /^---@class kumo\.Message$/m);
  assert.match(objects, /function Message:set_meta\(/);
  const config = byName.get('kumo-config.lua')!;
  assert.match(config, /---@class kumo\.config\.make_queue_config/);
  assert.match(config, /---@field retry_interval\? string/);
});

test('export is deterministic', () => {
  const a = exportLuaLsDefinitions(getCatalog());
  const b = exportLuaLsDefinitions(getCatalog());
  assert.deepEqual(a, b);
});
