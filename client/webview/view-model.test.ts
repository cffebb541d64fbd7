import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildViewModel } from './view-model';

const rateInfo = { spec: '100/s', limit: 100, period_seconds: 1, interval_seconds: 0.01, burst: 100, per_second: 100, per_hour: 360000 };

test('simulate result: routing rows, throttles, trace with file:line, durations chart', () => {
  const vm = buildViewModel({
    kind: 'simulate', policy: '/p/init.lua', sender: 'a@x', recipient: 'b@example.com', meta: {}, queue: 'campaign:tenant@example.com',
    queue_parts: { domain: 'example.com', tenant: 'tenant', campaign: 'campaign', routing_domain: null }, discarded: false,
    queue_config: { retry_interval: '20m' }, egress_pool: 'pool-a', pool: { name: 'pool-a', entries: [{ name: 'ip-1', weight: 1 }], origin: 'get_egress_pool' },
    egress_source: 'ip-1', source_config: null, site_name: 'mx.example.com', site: { site_name: 'mx.example.com', hosts: ['mx.example.com'], domain: 'example.com', from_mx: true },
    ready_queue: 'ip-1->mx.example.com@smtp_client', path_config: { connection_limit: 10 },
    throttles: { queue: null, path: rateInfo, connection_rate: null, connection_limit: 10, effective: { ...rateInfo, from: 'path' } },
    trace: [{ event: 'get_queue_config', args: ['example.com'], result: {}, handled: true, duration_ms: 1.5, file: 'init.lua', line: 12 }],
    notes: ['implicit MX'],
  });
  assert.equal(vm.feature, 'simulate');
  const routing = vm.sections.find((s) => s.type === 'kv' && s.title === 'Routing');
  assert.ok(routing && routing.type === 'kv' && routing.rows.some(([k, v]) => k === 'queue' && v === 'campaign:tenant@example.com'));
  const throttles = vm.sections.find((s) => s.type === 'kv' && s.title === 'Throttle timings');
  assert.ok(throttles && throttles.type === 'kv' && throttles.rows.some(([k, v]) => k === 'effective message rate' && /100\/s/.test(v)));
  const trace = vm.sections.find((s) => s.type === 'trace');
  assert.ok(trace && trace.type === 'trace' && trace.items[0].file === 'init.lua' && trace.items[0].line === 12);
  assert.ok(vm.sections.some((s) => s.type === 'chart' && s.id === 'trace-durations'));
  assert.equal(vm.sections.at(-1)!.type, 'json');
});

test('pool result: shares doughnut, sequence, warm-up and rate charts', () => {
  const vm = buildViewModel({ kind: 'pool', pool: 'p', picks: 4, sequence: ['a', 'b', 'a', 'a'], shares: { a: 0.75, b: 0.25 }, warmup: { a: 3, b: 1 }, rates: { a: 10, b: 2 }, sources: [], notes: [] });
  assert.equal(vm.feature, 'pool');
  const shares = vm.sections.find((s) => s.type === 'chart' && s.id === 'pool-shares');
  assert.ok(shares && shares.type === 'chart');
  assert.deepEqual(shares.chart.datasets[0].data, [0.75, 0.25]);
  const seq = vm.sections.find((s) => s.type === 'chart' && s.id === 'pool-sequence');
  assert.ok(seq && seq.type === 'chart');
  assert.deepEqual(seq.chart.datasets.map((d) => [d.label, d.data]), [['a', [1, 1, 2, 3]], ['b', [0, 1, 1, 1]]]);
  assert.ok(vm.sections.some((s) => s.type === 'chart' && s.id === 'pool-warmup'));
  assert.ok(vm.sections.some((s) => s.type === 'chart' && s.id === 'pool-rates'));
});

test('traffic, tail, export results are recognised; unknown shows JSON only', () => {
  const traffic = buildViewModel({
    kind: 'traffic', messages: 3, duration_sec: 120, bucket_sec: 60, time: [60, 120], totals: { injected: 3 }, notes: [],
    queues: [{ name: 'q', pool: 'p', site: 's', config: {}, totals: {}, sent: [1, 2], deferred: [0, 1], bounced: [0, 0], expired: [0, 0], retries: [0, 0], throttle_delays: [0, 0], depth: [5, 3] }],
    paths: [{ name: 'a->s@smtp_client', source: 'a', site: 's', config: {}, totals: {}, sent: [1, 2], deferred: [0, 0], bounced: [0, 0], throttle_sleeps: [0, 0], depth: [0, 1], connections: [1, 1] }],
  });
  assert.equal(traffic.feature, 'traffic');
  const q = traffic.sections.find((s) => s.type === 'chart' && s.id === 'queue-q');
  assert.ok(q && q.type === 'chart');
  assert.deepEqual(q.chart.labels, [60, 120]);
  assert.ok(traffic.sections.some((s) => s.type === 'chart' && s.id.startsWith('path-')));
  assert.ok(traffic.sections.some((s) => s.type === 'chart' && s.id === 'traffic-depth'));
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
