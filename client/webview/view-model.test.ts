import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildViewModel } from './view-model';

test('simulate result: routing rows, trace with file:line, durations chart', () => {
  const vm = buildViewModel({
    queue: 'campaign:tenant@example.com', egress_pool: 'pool-a', egress_source: 'ip-1', site_name: 'mx.example.com',
    queue_config: { retry_interval: '20m' }, path_config: { connection_limit: 10 },
    trace: [{ event: 'smtp_server_message_received', args: ['msg'], duration_ms: 1.5, file: 'init.lua', line: 12 }],
  });
  assert.equal(vm.feature, 'simulate');
  const routing = vm.sections.find((s) => s.type === 'kv' && s.title === 'Routing');
  assert.ok(routing && routing.type === 'kv' && routing.rows.some(([k, v]) => k === 'queue' && v === 'campaign:tenant@example.com'));
  const trace = vm.sections.find((s) => s.type === 'trace');
  assert.ok(trace && trace.type === 'trace' && trace.items[0].file === 'init.lua' && trace.items[0].line === 12);
  assert.ok(vm.sections.some((s) => s.type === 'chart' && s.id === 'trace-durations'));
  assert.equal(vm.sections.at(-1)!.type, 'json');
});

test('pool result: shares doughnut and sequence chart', () => {
  const vm = buildViewModel({ sequence: ['a', 'b', 'a', 'a'], shares: { a: 0.75, b: 0.25 }, warmup: { a: 1, b: 0.2 } });
  assert.equal(vm.feature, 'pool');
  const shares = vm.sections.find((s) => s.type === 'chart' && s.id === 'pool-shares');
  assert.ok(shares && shares.type === 'chart');
  assert.deepEqual(shares.chart.datasets[0].data, [0.75, 0.25]);
  const seq = vm.sections.find((s) => s.type === 'chart' && s.id === 'pool-sequence');
  assert.ok(seq && seq.type === 'chart');
  assert.deepEqual(seq.chart.datasets[0].data, [0, 1, 0, 0]);
  assert.ok(vm.sections.some((s) => s.type === 'chart' && s.id === 'pool-warmup'));
});

test('traffic, tail, export results are recognised; unknown shows JSON only', () => {
  assert.equal(buildViewModel({ time: [0, 60], queues: [{ name: 'q', sent: [1, 2], depth: [5, 3] }] }).feature, 'traffic');
  assert.equal(buildViewModel({ consumers: [{ name: 'c', records: 3 }] }).feature, 'tail');
  const exp = buildViewModel({ kind: 'export-luals', directory: '/x', files: [{ name: 'kumo.lua', path: '/x/kumo.lua', bytes: 10 }] });
  assert.equal(exp.feature, 'export-luals');
  assert.ok(exp.sections.some((s) => s.type === 'chart'));
  const unknown = buildViewModel({ whatever: 1 });
  assert.equal(unknown.feature, 'unknown');
  assert.deepEqual(unknown.sections.map((s) => s.type), ['json']);
});

test('dlq listing: totals and a per-segment chart', () => {
  const vm = buildViewModel({ directory: '/d', retry: [{ segment: 's1', records: 3, pending: 1, bytes: 10, attempts: { '1': 3 } }], permanent: [], totals: { retryRecords: 3, pending: 1, permanentRecords: 0 } });
  assert.equal(vm.feature, 'dlq');
  const chart = vm.sections.find((s) => s.type === 'chart');
  assert.ok(chart && chart.type === 'chart');
  assert.deepEqual(chart.chart.datasets[0].data, [3]);
});
