import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliCommands, parseJsonOutput, runCli } from './cli-runner';

test('parseCliCommands reads the help listing', () => {
  const help = 'usage: kumo-policy <command> [options]\n\ncommands:\n  catalog    show the catalog\n  export-luals write defs\n  simulate   run\n';
  assert.deepEqual([...parseCliCommands(help)], ['catalog', 'export-luals', 'simulate']);
});

test('parseJsonOutput takes the whole output or the trailing JSON block', () => {
  assert.deepEqual(parseJsonOutput('{"a":1}\n'), { a: 1 });
  assert.deepEqual(parseJsonOutput('progress 1\nprogress 2\n{\n  "b": 2\n}\n'), { b: 2 });
  assert.equal(parseJsonOutput('not json'), undefined);
  assert.equal(parseJsonOutput(''), undefined);
});

test('runCli streams output and returns the exit code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kps-cli-'));
  const script = join(dir, 'cli.js');
  writeFileSync(script, 'process.stdout.write(JSON.stringify({args: process.argv.slice(2)})); process.stderr.write("warn\\n"); process.exit(3);');
  const chunks: string[] = [];
  const r = await runCli({ nodePath: process.execPath, cliPath: script, args: ['x', '--format', 'json'], onStderr: (t) => chunks.push(t) });
  assert.equal(r.code, 3);
  assert.deepEqual(parseJsonOutput(r.stdout), { args: ['x', '--format', 'json'] });
  assert.equal(chunks.join(''), 'warn\n');
  assert.equal(r.cancelled, false);
});

test('runCli cancels a long run through the AbortSignal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kps-cli-'));
  const script = join(dir, 'slow.js');
  writeFileSync(script, 'setInterval(() => process.stdout.write("."), 20);');
  const ac = new AbortController();
  const p = runCli({ nodePath: process.execPath, cliPath: script, args: [], signal: ac.signal, killGraceMs: 200 });
  setTimeout(() => ac.abort(), 150);
  const r = await p;
  assert.equal(r.cancelled, true);
  assert.ok(r.durationMs < 3000);
});
