import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerLua54, LuaCompileError } from './lower54';

function compileError(src: string): LuaCompileError {
  try {
    lowerLua54(src, 'p.lua');
  } catch (e) {
    assert.ok(e instanceof LuaCompileError);
    return e;
  }
  assert.fail('expected a compile error');
}

test('code without attributes is returned unchanged', () => {
  const src = 'local x = 1\nreturn x\n';
  assert.deepEqual(lowerLua54(src, 'p.lua'), { code: src, rewritten: false });
});

test('<const> only blanks the attribute', () => {
  const r = lowerLua54('local x <const> = 1\nreturn x\n', 'p.lua');
  assert.equal(r.code, 'local x         = 1\nreturn x\n');
  assert.equal(r.rewritten, false);
});

test('assigning to a const or close local is a compile error at the assignment line', () => {
  assert.equal(compileError('local x <const> = 1\n\nx = 2\n').message, "p.lua:3: attempt to assign to const variable 'x'");
  assert.equal(compileError('local f <close> = nil\ndo f = 1 end\n').message, "p.lua:2: attempt to assign to const variable 'f'");
  assert.equal(compileError('local x <const> = 1\nfunction x() end\n').message, "p.lua:2: attempt to assign to const variable 'x'");
});

test('shadowing a const local with a plain one is fine', () => {
  assert.doesNotThrow(() => lowerLua54('local x <const> = 1\ndo local x = 2 x = 3 end\nlocal function f(x) x = 1 end\n', 'p.lua'));
});

test('unknown attributes and two to-be-closed variables in one list are errors', () => {
  assert.equal(compileError('local x <weird> = 1\n').message, "p.lua:1: unknown attribute 'weird'");
  assert.equal(compileError('local a <close>, b <close> = nil, nil\n').message, 'p.lua:1: multiple to-be-closed variables in local list');
});

test('<close> rewriting keeps every line in place', () => {
  const src = 'do\n  local a <close> = nil\n  print(1)\n  if x then return 2 end\nend\nprint(3)\n';
  const r = lowerLua54(src, 'p.lua');
  assert.equal(r.rewritten, true);
  assert.equal(r.code.split('\n').length, src.split('\n').length);
  const lines = r.code.split('\n');
  assert.match(lines[2], /print\(1\)/);
  assert.match(lines[3], /return 1, 2/);
  assert.match(lines[5], /^print\(3\)$/);
});

test('goto out of a <close> scope is reported', () => {
  assert.match(compileError('do\n  local a <close> = nil\n  goto out\nend\n::out::\n').message, /^p\.lua:3: goto 'out' leaves the scope of a <close> variable/);
});
