import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../../runtime/cli/io';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../../test/support/paths';
import { diagnosticCodesMarkdown, runCheckCommand } from './check-command';

function policy(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-check-'));
  writeFileSync(join(dir, 'init.lua'), text);
  return dir;
}

test('check: JSON output with 0-based ranges, exit 1 on errors', async () => {
  const dir = policy("local kumo = require 'kumo'\nkumo.dns.lookup_mxx('a')\n");
  const io = captureIo();
  assert.equal(await runCheckCommand(['--format', 'json', dir], io), 1);
  const out = JSON.parse(io.stdout);
  assert.equal(out.length, 1);
  assert.deepEqual(Object.keys(out[0]).sort(), ['code', 'file', 'message', 'range', 'severity']);
  assert.deepEqual(out[0].range, { start: { line: 1, character: 9 }, end: { line: 1, character: 19 } });
  assert.equal(out[0].code, 'unknown-member');
});

test('check: clean policy exits 0; sarif; target version', async () => {
  const dir = policy("local kumo = require 'kumo'\nkumo.on('init', function()\n  local q = kumo.mpsc.define('x')\nend)\n");
  const io = captureIo();
  assert.equal(await runCheckCommand([dir], io), 0);
  const io2 = captureIo();
  assert.equal(await runCheckCommand(['--format', 'sarif', '--target-version', '2024.01.01', dir], io2), 0);
  const sarif = JSON.parse(io2.stdout);
  assert.equal(sarif.runs[0].results[0].ruleId, 'newer-than-target');
});

test('check: usage and I/O errors exit 2', async () => {
  assert.equal(await runCheckCommand([], captureIo()), 2);
  assert.equal(await runCheckCommand(['--format', 'xml', '.'], captureIo()), 2);
  assert.equal(await runCheckCommand(['--target-version', 'soon', '.'], captureIo()), 2);
  assert.equal(await runCheckCommand(['/nonexistent/policy.lua'], captureIo()), 2);
});

test('check --list-codes: the registry drives the CLI and server/DIAGNOSTICS.md', async () => {
  const io = captureIo();
  assert.equal(await runCheckCommand(['--list-codes', '--format', 'json'], io), 0);
  assert.ok(JSON.parse(io.stdout).some((c: { code: string }) => c.code === 'global-assignment'));
  assert.equal(readFileSync(join(repoRoot(), 'server/DIAGNOSTICS.md'), 'utf8'), diagnosticCodesMarkdown());
});

test('check --policy-extras DIR: policy-extras.NAME is read from DIR and its members are checked', async () => {
  const extras = mkdtempSync(join(tmpdir(), 'kumo-extras-'));
  writeFileSync(join(extras, 'queue.lua'), 'local mod = {}\n-- Reads the queue files.\nfunction mod:setup(file_names)\nend\nreturn mod\n');
  const dir = policy("local queue = require 'policy-extras.queue'\nqueue:setup { '/opt/kumomta/etc/policy/queues.toml' }\nqueue:setupp {}\n");
  const io = captureIo();
  assert.equal(await runCheckCommand(['--format', 'json', '--policy-extras', extras, dir], io), 1);
  const out = JSON.parse(io.stdout);
  assert.deepEqual(out.map((f: { code: string; range: { start: { line: number } } }) => `${f.range.start.line}:${f.code}`), ['2:unknown-member']);
  assert.match(out[0].message, /no member 'setupp'.*Did you mean 'setup'/);
  // Without the folder (and no KumoMTA install here) the module is opaque: nothing to report.
  if (!existsSync('/opt/kumomta/share/policy-extras')) assert.equal(await runCheckCommand([dir], captureIo()), 0);
  const bad = captureIo();
  assert.equal(await runCheckCommand(['--policy-extras', '/nonexistent/extras', dir], bad), 2);
  assert.match(bad.stderr, /--policy-extras: \/nonexistent\/extras is not a directory/);
  const help = captureIo();
  await runCheckCommand(['--help'], help);
  assert.match(help.stdout + help.stderr, /--policy-extras DIR/);
});
