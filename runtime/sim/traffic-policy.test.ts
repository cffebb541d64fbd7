// `kumo-policy traffic` through policies: the counts add up (sent + bounced + expired + in queue = N),
// the mix is routed by the reception event, configs come from the policy, and get_queue_config runs
// again only when refresh_interval elapses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runTrafficThroughPolicy, checkScenario } from './traffic-policy';
import { runTrafficCommand } from '../cli/traffic-command';
import { captureIo } from '../cli/io';
import { fixturePolicy, repoRoot } from './test-fixtures';
import type { TrafficRunResult } from './traffic-run-types';

function addsUp(r: TrafficRunResult, n: number): void {
  const t = r.totals;
  assert.equal(t.injected, n);
  assert.equal(t.sent + t.bounced + t.expired + t.stranded + t.in_queue, n, JSON.stringify(t));
  assert.equal(r.queues.reduce((a, q) => a + q.totals.sent, 0), t.sent);
  assert.equal(r.paths.reduce((a, p) => a + p.totals.sent, 0), t.sent);
  for (const q of r.queues) assert.equal(q.sent.reduce((a, x) => a + x, 0), q.totals.sent);
}

test('seed policy: 3,000 messages over two tenants and two domains; counts add up; pool2 splits 2:1', async () => {
  const scenario = checkScenario({
    messages: 3000,
    duration: '2h',
    inject_over: '10m',
    bucket: '5m',
    seed: 3,
    tenants: [{ name: 'tenant-1', weight: 1 }, { name: 'tenant-2', weight: 2 }],
    domains: [
      { name: 'gmail.com', weight: 1 },
      { name: 'example.net', weight: 1, mx: ['mx1.example.net', 'mx2.example.net'] },
    ],
    sites: { 'example.net': { transient: 0.2, permanent: 0.05, timeout: 0.01 } },
    default_site: { transient: 0.05, permanent: 0.01 },
  });
  const r = await runTrafficThroughPolicy({ policy: fixturePolicy('seed-queues-pools.lua'), scenario });
  addsUp(r, 3000);
  assert.deepEqual(r.queues.map((q) => q.name).sort(), ['tenant-1@example.net', 'tenant-1@gmail.com', 'tenant-2@example.net', 'tenant-2@gmail.com']);
  assert.equal(r.queues.find((q) => q.name === 'tenant-2@gmail.com')?.pool, 'pool2');
  assert.equal(r.queues.find((q) => q.name === 'tenant-1@example.net')?.site, '(mx1|mx2).example.net');
  const gmail = (s: string) => r.paths.find((p) => p.name === `${s}->(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com@smtp_client`)!;
  const ip2 = gmail('ip-2').totals;
  const ip3 = gmail('ip-3').totals;
  const a2 = ip2.sent + ip2.deferred + ip2.bounced;
  const a3 = ip3.sent + ip3.deferred + ip3.bounced;
  assert.ok(Math.abs(a2 / a3 - 2) < 0.15, `ip-2 ${a2} vs ip-3 ${a3} attempts`);
  assert.equal(gmail('ip-1').config.max_connection_rate, '1000/hr');
  assert.equal(r.time.length, 24);
  assert.equal(r.time[23], 7200);
  assert.ok(r.totals.bounced > 0 && r.totals.deferred > 0 && r.totals.retries > 0);
});

test('refresh_interval: get_queue_config runs once per queue, then once per 5 minutes while the queue lives', async () => {
  const scenario = checkScenario({
    messages: 600,
    duration: '1h',
    inject_over: '1h',
    domains: [{ name: 'a.example', weight: 1 }, { name: 'b.example', weight: 1 }],
    default_site: { transient: 0.3 },
  });
  const r = await runTrafficThroughPolicy({ policy: fixturePolicy('refresh-count.lua'), scenario });
  addsUp(r, 600);
  // two queues alive for the whole hour: 2 + 2 x ~11 refreshes (10 s maintainer granularity)
  assert.ok(r.totals.queue_config_calls >= 2 + 2 * 10 && r.totals.queue_config_calls <= 2 + 2 * 12, String(r.totals.queue_config_calls));
  assert.ok(r.totals.expired > 0, 'max_age 30m with 30% transient failures expires some');
});

test('CLI: traffic --format json on the shipped sample scenario; a bad scenario exits 2', async () => {
  const root = repoRoot();
  const io = captureIo();
  const code = await runTrafficCommand([join(root, 'samples/policy/init.lua'), '--scenario', join(root, 'samples/scenarios/day.json'), '--format', 'json'], io);
  assert.equal(code, 0, io.stderr);
  const r = JSON.parse(io.stdout) as TrafficRunResult;
  assert.equal(r.kind, 'traffic');
  addsUp(r, 20000);
  assert.ok(Array.isArray(r.time) && r.queues.every((q) => Array.isArray(q.depth) && q.depth.length === r.time.length));
  const bad = captureIo();
  assert.equal(await runTrafficCommand([join(root, 'samples/policy/init.lua'), '--scenario', join(root, 'package.json')], bad), 2);
  assert.match(bad.stderr, /messages/);
});

test('CLI: traffic text form summarises totals, queues and paths', async () => {
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), 'sim-scn-'));
  const file = join(dir, 'small.json');
  writeFileSync(file, JSON.stringify({ messages: 200, duration: '30m', inject_over: 0, tenants: [{ name: 'tenant-a', headers: { 'X-Tenant': 'tenant-a' } }], domains: [{ name: 'example.com', mx: ['mx.example.com'] }] }));
  const io = captureIo();
  assert.equal(await runTrafficCommand([join(root, 'samples/policy/init.lua'), '--scenario', file], io), 0, io.stderr);
  assert.match(io.stdout, /^200 messages over 1800 simulated seconds \(1 queues, 1 egress paths\)/);
  assert.match(io.stdout, /tenant-a@example\.com +pool1 +200 /);
  assert.match(io.stdout, /ip-1->mx\.example\.com@smtp_client +200 /);
});

test('SkipList same-second replacement: stranded counted (kumod), or none with the switch off; counts add up', async () => {
  const base = {
    messages: 5000,
    duration: '2h',
    inject_over: '10m',
    tenants: [{ name: 'tenant1', headers: { 'X-Tenant': 'tenant1' } }],
    domains: [{ name: 'domain1.example', mx: ['mx1.site1.example'] }, { name: 'domain4.example', mx: ['mx1.site4.example'] }],
    default_site: { transient: 0.3 },
  };
  const kumod = await runTrafficThroughPolicy({ policy: fixturePolicy('bench-routing.lua'), scenario: checkScenario(base) });
  addsUp(kumod, 5000);
  assert.ok(kumod.queues.every((q) => q.config.strategy === 'SkipList'));
  assert.ok(kumod.totals.stranded > 0, 'retries due in the same second displace each other');
  assert.ok(kumod.notes.some((n) => n.includes('SkipSet')));
  const intent = await runTrafficThroughPolicy({ policy: fixturePolicy('bench-routing.lua'), scenario: checkScenario({ ...base, skip_list_replaces_same_second: false }) });
  addsUp(intent, 5000);
  assert.equal(intent.totals.stranded, 0);
});
