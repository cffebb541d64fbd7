import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capturingEngine, printed, tempPolicy } from './test-support';
import { LuaError } from './errors';

async function out(code: string): Promise<string> {
  const c = capturingEngine(tempPolicy({}));
  await c.engine.runString(code, '=t');
  return printed(c);
}

const CLOSABLE = `local function closable(name)
  return setmetatable({}, { __close = function(_, err) print('close ' .. name, err) end })
end
`;

test('<close> variables close in reverse order at block end', async () => {
  assert.equal(await out(`${CLOSABLE}do
  local a <close> = closable('a')
  local b <close> = closable('b')
  print('body')
end
print('after')`), 'body\nclose b\tnil\nclose a\tnil\nafter\n');
});

test('<close> on return keeps the returned values, on break leaves the loop', async () => {
  assert.equal(await out(`${CLOSABLE}local function f(...)
  local a <close> = closable('a')
  if select('#', ...) > 1 then return ... end
  return 'none'
end
print(f(1, 2, 3))
print(f())
for i = 1, 3 do
  local c <close> = closable('loop' .. i)
  if i == 2 then break end
  print('iter', i)
end
print('done')`), 'close a\tnil\n1\t2\t3\nclose a\tnil\nnone\niter\t1\nclose loop1\tnil\nclose loop2\tnil\ndone\n');
});

test('<close> on error gets the error object, and the error goes on', async () => {
  assert.equal(await out(`${CLOSABLE}print(pcall(function()
  local a <close> = closable('a')
  error({ code = 7 })
end))
print(select(2, pcall(function()
  local a <close> = closable('b')
  error('boom')
end)))`).then((s) => s.replace(/table: 0x[0-9a-f]+/g, 'table')), 'close a\ttable\nfalse\ttable\nclose b\tt:10: boom\nt:10: boom\n');
});

test('nil and false are allowed; other values without __close raise', async () => {
  assert.equal(await out(`do local a <close> = nil local b <close> = false print('ok') end
print(pcall(function() local c <close> = {} end))`), "ok\nfalse\tt:2: variable 'c' got a non-closable value\n");
});

test('error lines stay right after rewriting', async () => {
  const c = capturingEngine(tempPolicy({}));
  try {
    await c.engine.runString(`${CLOSABLE}do
  local a <close> = closable('a')
  local x = nil
  print(x.y)
end`, '=t');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof LuaError);
    assert.match(e.message, /^t:7: attempt to index a nil value/);
  }
});

test('<close> in a loop with goto continue, and inside a coroutine that yields', async () => {
  assert.equal(await out(`${CLOSABLE}for i = 1, 2 do
  local c <close> = closable('c' .. i)
  if i == 1 then goto continue end
  print('second')
  ::continue::
end
local co = coroutine.wrap(function()
  local d <close> = closable('d')
  coroutine.yield('yielded')
  return 'finished'
end)
print(co())
print(co())`), 'close c1\tnil\nsecond\nclose c2\tnil\nyielded\nclose d\tnil\nfinished\n');
});

test('load() and required chunks understand <const>', async () => {
  assert.equal(await out(`local f = load('local k <const> = 5 return k * 2')
print(f())
print(load('local k <const> = 1 k = 2'))`), '10\nnil\t[string "local k <const> = 1 k = 2"]:1: attempt to assign to const variable \'k\'\n');
});
