import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from './io';
import { main } from './main';

function script(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-run-'));
  const path = join(dir, 'script.lua');
  writeFileSync(path, text);
  return path;
}

test('run: calls main with the arguments after --, prints, exits 0', async () => {
  const path = script(`local kumo = require 'kumo'\nkumo.on('main', function(a, b) print('args', a, b) end)\n`);
  const io = captureIo();
  assert.equal(await main(['run', path, '--', 'one', 'two'], io), 0);
  assert.equal(io.stdout, 'args\tone\ttwo\n');
});

test('run: a failing script exits 1 with the error, file and line, and a traceback', async () => {
  const path = script(`local kumo = require 'kumo'\nkumo.on('main', function()\n  local t = nil\n  return t.x\nend)\n`);
  const io = captureIo();
  assert.equal(await main(['run', path], io), 1);
  assert.match(io.stderr, new RegExp(`^kumo-policy run: ${path.replace(/[.]/g, '\\.')}:4: attempt to index a nil value \\(local 't'\\)\\nstack traceback:`));
});

test('run: --timeout stops a runaway script and names where it was', async () => {
  const path = script(`local kumo = require 'kumo'\nkumo.on('main', function()\n  while true do end\nend)\n`);
  const io = captureIo();
  const began = Date.now();
  assert.equal(await main(['run', path, '--timeout', '0.3'], io), 1);
  assert.ok(Date.now() - began < 1500);
  assert.match(io.stderr, /script\.lua:3: stopped: the script ran for more than 0\.3 s without yielding/);
});

test('run: usage errors exit 2; a script without main is an error', async () => {
  const io = captureIo();
  assert.equal(await main(['run'], io), 2);
  assert.match(io.stderr, /SCRIPT is required/);
  const io2 = captureIo();
  assert.equal(await main(['run', script(`print('loaded')`)], io2), 1);
  assert.match(io2.stderr, /registers no 'main' handler/);
});

test('run: os.exit ends the script with its status instead of the process', async () => {
  const io = captureIo();
  assert.equal(await main(['run', script(`require('kumo').on('main', function() print('bye') os.exit(3) end)`)], io), 3);
  assert.equal(io.stdout, 'bye\n');
});

test('run: a jsonl writer the script leaves open is finished when the script ends (no record lost)', async () => {
  const { mkdirSync, readdirSync, readFileSync, statSync } = await import('node:fs');
  const { decompress } = await import('@mongodb-js/zstd');
  const out = mkdtempSync(join(tmpdir(), 'kumo-run-writer-'));
  mkdirSync(join(out, 'logs'));
  const path = script(`local kumo = require 'kumo'
kumo.on('main', function(dir)
  local w = kumo.jsonl.new_writer { log_dir = dir }
  for i = 1, 3 do w:write_record { n = i } end
end)
`);
  const io = captureIo();
  assert.equal(await main(['run', path, '--', join(out, 'logs')], io), 0, io.stderr);
  const files = readdirSync(join(out, 'logs'));
  assert.equal(files.length, 1);
  const file = join(out, 'logs', files[0]);
  assert.equal(statSync(file).mode & 0o222, 0, 'finished: marked read-only');
  const lines = (await decompress(readFileSync(file))).toString().trim().split('\n');
  assert.deepEqual(lines.map((l) => JSON.parse(l).n), [1, 2, 3]);
});
