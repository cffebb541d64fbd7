import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY_GLOBS, globToRegExp, PolicyFilter, requiresKumo } from './policy-filter';

test('globToRegExp handles **, *, ? and braces', () => {
  assert.ok(globToRegExp('**/init.lua').test('init.lua'));
  assert.ok(globToRegExp('**/init.lua').test('etc/kumomta/policy/init.lua'));
  assert.ok(!globToRegExp('**/init.lua').test('etc/xinit.lua'));
  assert.ok(globToRegExp('**/policy/**/*.lua').test('policy/shaping.lua'));
  assert.ok(globToRegExp('**/policy/**/*.lua').test('a/policy/b/c/x.lua'));
  assert.ok(!globToRegExp('**/policy/**/*.lua').test('a/policy/x.txt'));
  assert.ok(globToRegExp('src/*.{lua,luau}').test('src/a.luau'));
  assert.ok(globToRegExp('x?.lua').test('x1.lua'));
});

test('requiresKumo finds the require but not in comments', () => {
  assert.ok(requiresKumo("local kumo = require 'kumo'\n"));
  assert.ok(requiresKumo('local k = require("kumo")'));
  assert.ok(!requiresKumo("-- local kumo = require 'kumo'\nprint(1)"));
  assert.ok(!requiresKumo("--[[ require 'kumo' ]] return 1"));
  assert.ok(!requiresKumo("local x = require 'kumo.something_else'"));
});

test('PolicyFilter combines globs and require detection', () => {
  const f = new PolicyFilter({ globs: DEFAULT_POLICY_GLOBS, detectRequireKumo: true });
  assert.ok(f.isPolicy('init.lua', ''));
  assert.ok(f.isPolicy('policy/sources.lua', undefined));
  assert.ok(f.isPolicy('scripts/tail.lua', "local kumo = require 'kumo'"));
  assert.ok(!f.isPolicy('game/main.lua', 'print("hi")'));
  assert.ok(!f.isPolicy('init.txt', ''));
  const noRequire = new PolicyFilter({ globs: DEFAULT_POLICY_GLOBS, detectRequireKumo: false });
  assert.ok(!noRequire.isPolicy('scripts/tail.lua', "local kumo = require 'kumo'"));
});

test('isTailerScript', () => {
  assert.ok(PolicyFilter.isTailerScript("kumo.on('main', function() local t = kumo.jsonl.new_tailer{} end)"));
  assert.ok(!PolicyFilter.isTailerScript("kumo.on('init', function() end)"));
});
