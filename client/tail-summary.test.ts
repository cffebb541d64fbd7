import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCheckpoints, parseTailSummary } from './tail-summary';

test('parseTailSummary reads tailers and consumers from the final summary', () => {
  const r = parseTailSummary('tail: finished after 0.4 s\n  new_multi_tailer(/tmp/x): 300 lines read (847/s), 2 segments finished | bounces: 25 records in 3 batches, 3 commits; all: 300 records in 3 batches, 0 commits\n');
  assert.equal(r.kind, 'tail');
  assert.equal(r.segments, 2);
  assert.equal(r.lines, 300);
  assert.deepEqual(r.consumers, [
    { name: 'bounces', records: 25, batches: 3, commits: 3 },
    { name: 'all', records: 300, batches: 3, commits: 0 },
  ]);
});

test('later summaries replace earlier progress figures', () => {
  const r = parseTailSummary('  new_multi_tailer(/d): 10 lines read (5/s), 0 segments finished | a: 10 records in 1 batch, 0 commits\n  new_multi_tailer(/d): 20 lines read (5/s), 1 segment finished | a: 20 records in 2 batches, 2 commits\n');
  assert.deepEqual(r.consumers, [{ name: 'a', records: 20, batches: 2, commits: 2 }]);
});

test('parseCheckpoints reads segments list output', () => {
  const cps = parseCheckpoints('checkpoint bounces-cp               {"file":"/d/20261122-033504.354158357","line":150}\nfinished   20261122-033502.986207078        17165 bytes\n');
  assert.deepEqual(cps, { 'bounces-cp': { file: '/d/20261122-033504.354158357', line: 150 } });
});
