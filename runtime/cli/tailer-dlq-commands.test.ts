import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadLetterQueue } from '../engines/dlq/index';
import { captureIo } from './io';
import { runDlqCommand } from './dlq-command';
import { runSegmentsCommand } from './segments-command';

test('kumo-policy segments generate/list: kumod names, finished read-only, last one optionally active', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'kumo-cli-seg-')), 'logs');
  const io = captureIo();
  assert.equal(await runSegmentsCommand(['generate', dir, '--records', '300', '--segments', '3', '--leave-open'], io), 0, io.stderr);
  const names = readdirSync(dir).sort();
  assert.equal(names.length, 3);
  for (const n of names) assert.match(n, /^\d{8}-\d{6}(\.\d{3}|\.\d{6}|\.\d{9})?$/);
  assert.equal(statSync(join(dir, names[0])).mode & 0o222, 0);
  assert.notEqual(statSync(join(dir, names[2])).mode & 0o222, 0);
  const list = captureIo();
  assert.equal(await runSegmentsCommand(['list', dir], list), 0);
  assert.match(list.stdout, /finished +\d{8}/);
  assert.match(list.stdout, /active +\d{8}/);
  const bad = captureIo();
  assert.equal(await runSegmentsCommand(['generate', dir, '--records', 'many'], bad), 2);
  assert.match(bad.stderr, /--records must be/);
});

test('kumo-policy segments generate --writer appends to an active segment and finishes it', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'kumo-cli-w-')), 'logs');
  const io = captureIo();
  assert.equal(await runSegmentsCommand(['generate', dir, '--writer', '--rate', '2000', '--records', '300', '--max-file-size', '100000'], io), 0, io.stderr);
  assert.match(io.stdout, /300 records written, \d+ segments finished/);
  for (const n of readdirSync(dir)) assert.equal(statSync(join(dir, n)).mode & 0o222, 0);
});

test('kumo-policy dlq list/replay/purge with counts, and a JS handler module', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-cli-dlq-'));
  const q = new DeadLetterQueue(dir, { initialWaitMs: 0 });
  q.logMany([{ n: 1 }, { n: 2 }, { n: 3 }], 'HTTP 500', 1, 'customer-a');
  const list = captureIo();
  assert.equal(await runDlqCommand(['list', dir], list), 0);
  assert.match(list.stdout, /3 to replay \(3 in retry logs\), 0 permanently failed/);
  const json = captureIo();
  assert.equal(await runDlqCommand(['list', dir, '--format', 'json'], json), 0);
  assert.equal(JSON.parse(json.stdout).totals.pending, 3);
  const handler = join(dir, 'handler.js');
  writeFileSync(handler, 'exports.handle = (p) => { if (p.n === 2) throw new Error("nope"); };');
  const rep = captureIo();
  assert.equal(await runDlqCommand(['replay', dir, '--handler', handler, '--initial-wait', '0s', '--max-attempts', '2'], rep), 1);
  assert.match(rep.stdout, /2 delivered, 0 failed again .* 1 moved to the permanent log/);
  const usage = captureIo();
  assert.equal(await runDlqCommand(['replay', dir], usage), 2);
  assert.match(usage.stderr, /exactly one of --handler/);
  const lua = captureIo();
  assert.equal(await runDlqCommand(['replay', dir, '--handler', 'x.lua'], lua), 2);
  assert.match(lua.stderr, /no Lua replay handler/);
  const purge = captureIo();
  assert.equal(await runDlqCommand(['purge', dir], purge), 0);
  assert.match(purge.stdout, /purged 0 retry records and 1 permanent failures/);
});
