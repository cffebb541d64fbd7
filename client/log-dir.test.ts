import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeLogDir } from './log-dir';

test('summarizeLogDir counts segments, checkpoints and dead letters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kps-logs-'));
  writeFileSync(join(dir, '20261122-033502.986207078'), 'x');
  writeFileSync(join(dir, '20261122-033504.354158357'), 'x');
  writeFileSync(join(dir, '.bounces-cp'), JSON.stringify({ file: join(dir, '20261122-033504.354158357'), line: 150 }));
  writeFileSync(join(dir, '.keep'), '');
  mkdirSync(join(dir, 'dlq'));
  writeFileSync(join(dir, 'dlq', 'retry-000001.jsonl'), '{}\n{}\n');
  writeFileSync(join(dir, 'dlq', 'permanent-000001.jsonl'), '{}\n');
  const s = summarizeLogDir(dir);
  assert.equal(s.segments, 2);
  assert.deepEqual(s.checkpoints, ['bounces-cp → 20261122-033504.354158357:150']);
  assert.deepEqual(s.deadLetters, [{ name: 'dlq', files: 3, retry: 2, permanent: 1 }]);
  assert.equal(s.error, undefined);
});

test('summarizeLogDir reports a missing directory instead of throwing', () => {
  assert.ok(summarizeLogDir('/nonexistent/kumo/logs').error);
});
