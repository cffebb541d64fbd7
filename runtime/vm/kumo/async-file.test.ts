// kumo.fs.open / AsyncFile as crates/mod-filesystem/src/file.rs builds them: OpenOptions per mode, a tokio
// BufStream (8 KiB read and write buffers) over the file, kumod's seek argument rules and error texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { capturingEngine, printed, tempPolicy } from '../test-support';

async function run(files: Record<string, string>, code: string): Promise<{ out: string; dir: string }> {
  const dir = tempPolicy(files);
  const c = capturingEngine(dir);
  await c.engine.runString(`local kumo = require 'kumo'\n${code}`, '=t');
  return { out: printed(c), dir };
}

test('kumod\'s docs example: "w" opens write-only, so reading back fails as it does in kumod', async () => {
  const { out, dir } = await run({}, `
local file = kumo.fs.open('somefile.txt', 'w')
file:write 'hello there'
print(file:seek 'set')
print(pcall(file.read, file))
file:close()`);
  assert.equal(out, '0\nfalse\tAsyncFile:read: Bad file descriptor (os error 9)\n');
  assert.equal(readFileSync(join(dir, 'somefile.txt'), 'utf8'), 'hello there');
});

test('w+ reads back what was written; seek whence/offset in either order, defaults cur and 0', async () => {
  const { out } = await run({}, `
local f = kumo.fs.open('f.txt', 'w+')
f:write 'hello there'
print(f:seek 'set', f:read())
print(f:seek 'end', f:seek(), f:seek('cur', -5), f:read(3), f:seek(2, 'set'), f:read(1))
f:close()
f:close()`);
  assert.equal(out, '0\thello there\n11\t11\t6\tthe\t2\tl\n');
});

test('modes: w creates without truncating, a and a+ append, r+ creates, r does not', async () => {
  const { out, dir } = await run({ 'w.txt': 'abcdef', 'a.txt': 'abc', 'ap.txt': '123' }, `
local w = kumo.fs.open('w.txt', 'w') w:write 'XY' w:close()
local a = kumo.fs.open('a.txt', 'ab') a:write 'de' a:close()
local ap = kumo.fs.open('ap.txt', 'a+')
print(ap:read(), ap:seek('set'))
ap:write '45'
print(ap:seek('cur'))
ap:close()
kumo.fs.open('new.txt', 'r+'):close()
print(pcall(kumo.fs.open, 'missing.txt'))
print(pcall(kumo.fs.open, 'w.txt', 'x'))`);
  assert.equal(out, '123\t0\n5\nfalse\tkumo.fs.open: failed to open missing.txt with mode r: No such file or directory (os error 2)\nfalse\tkumo.fs.open: unsupported file mode `x`\n');
  assert.equal(readFileSync(join(dir, 'w.txt'), 'utf8'), 'XYcdef');
  assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'abcde');
  assert.equal(readFileSync(join(dir, 'ap.txt'), 'utf8'), '12345');
  assert.equal(readFileSync(join(dir, 'new.txt'), 'utf8'), '');
});

test('BufStream: reads do not flush writes, writes land after the read-ahead, seeks flush and rewind it', async () => {
  const { out, dir } = await run({ 'p.txt': 'abcdef', 'q.txt': 'abcdef', 's.txt': 'abcdef' }, `
local p = kumo.fs.open('p.txt', 'r+')
p:write 'XY'
print(p:read())
p:close()
local q = kumo.fs.open('q.txt', 'r+')
print(q:read(2))
q:write 'XY'
q:close()
local s = kumo.fs.open('s.txt', 'r+')
print(s:read(2), s:seek())
s:write 'XY'
s:flush()
print(s:seek('set'), s:read())
s:close()`);
  assert.equal(out, 'abcdef\nab\nab\t2\n0\tabXYef\n');
  assert.equal(readFileSync(join(dir, 'p.txt'), 'utf8'), 'abcdefXY');
  assert.equal(readFileSync(join(dir, 'q.txt'), 'utf8'), 'abcdefXY');
  assert.equal(readFileSync(join(dir, 's.txt'), 'utf8'), 'abXYef');
});

test('read(n) returns at most what the 8 KiB read buffer holds; big reads on an empty buffer go straight through', async () => {
  const { out } = await run({ 'big.bin': 'x'.repeat(20000) }, `
local f = kumo.fs.open('big.bin')
print(#f:read(8190), #f:read(100), #f:read(100), #f:read(10000), #f:read(0), #f:read(), #f:read(5))
print(pcall(f.read, f, -1))`);
  assert.equal(out, '8190\t2\t100\t8092\t0\t3616\t0\nfalse\tAsyncFile:read: error converting Lua integer to usize (out of range)\n');
});

test('seek argument and range errors, closed handles, write errors surfacing at close', async () => {
  const { out, dir } = await run({ 'r.txt': 'abc' }, `
local f = kumo.fs.open('r.txt', 'r')
print(pcall(f.seek, f, 'set', -1))
print(pcall(f.seek, f, 'bogus'))
print(pcall(f.seek, f, 'set', 'cur'))
print(pcall(f.seek, f, 1, 2))
print(pcall(f.seek, f, 1.5))
print(pcall(f.seek, f, 'end', -100))
f:write 'zz'
print(pcall(f.close, f))
print(pcall(f.read, f))
print(pcall(f.seek, f))
print(pcall(f.write, f, 'x'))
print(pcall(f.flush, f))
print(pcall(f.close, f))`);
  assert.equal(out, [
    'false\tAsyncFile:seek: start-relative offset -1 is out of range',
    'false\tAsyncFile:seek: invalid whence/offset parameters to seek',
    'false\tAsyncFile:seek: whence already set',
    'false\tAsyncFile:seek: offset already set',
    'false\tAsyncFile:seek: invalid whence/offset parameters to seek',
    'false\tAsyncFile:seek: Invalid argument (os error 22)',
    'false\tAsyncFile:close: Bad file descriptor (os error 9)',
    'false\tAsyncFile:read: attempt to flush a closed file handle',
    'false\tAsyncFile:seek: attempt to seek a closed file handle',
    'false\tAsyncFile:write: attempt to flush a closed file handle',
    'false\tAsyncFile:flush: attempt to flush a closed file handle',
    'true',
    '',
  ].join('\n'));
  assert.equal(readFileSync(join(dir, 'r.txt'), 'utf8'), 'abc');
});

test('absolute paths are used as given; binary data round-trips', async () => {
  const dir = tempPolicy({});
  const abs = join(dir, 'abs.bin');
  const { out } = await run({}, `
local f = kumo.fs.open(${JSON.stringify(abs)}, 'w+b')
f:write '\\0\\255\\1'
f:seek 'set'
local s = f:read()
print(#s, s:byte(1, -1))
f:close()`);
  assert.equal(out, '3\t0\t255\t1\n');
  assert.deepEqual([...readFileSync(abs)], [0, 255, 1]);
});
