// `kumo-policy simulate` end to end through real policies (test/fixtures/policies): the seed's
// "Queues, Sources, Pools" example, the eight queue-name forms of its table, the queue meta override and
// the null queue, chained get_queue_config handlers, and Lua errors with file and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { repoRoot } from './test-fixtures';
import { routeMessage } from './route-message';
import { LuaError } from '../vm/errors';
import { runSimulateCommand } from '../cli/simulate-command';
import { captureIo } from '../cli/io';

const FIX = join(repoRoot(), 'test', 'fixtures', 'policies');
const SEED = join(FIX, 'seed-queues-pools.lua');
const NAMES = join(FIX, 'queue-names.lua');

test('seed: tenant-1 goes to pool1 (legacy define_egress_pool) via ip-1; gmail site name from MX; site shaping applies', async () => {
  const r = await routeMessage({ policy: SEED, sender: 'news@example.com', recipient: 'someone@gmail.com', meta: { tenant: 'tenant-1' } });
  assert.equal(r.queue, 'tenant-1@gmail.com');
  assert.equal(r.egress_pool, 'pool1');
  assert.equal(r.pool?.origin, 'define_egress_pool');
  assert.equal(r.egress_source, 'ip-1');
  assert.equal(r.source_config?.source_address, '10.0.0.1');
  assert.equal(r.site_name, '(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com');
  assert.equal(r.ready_queue, 'ip-1->(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com@smtp_client');
  assert.equal(r.path_config?.max_connection_rate, '1000/hr');
  // SHAPE_BY_SOURCE is keyed by a table: Lua compares table keys by identity, so the page's
  // per-source max_message_rate never applies. The simulator shows what the policy really does.
  assert.equal(r.path_config?.max_message_rate, null);
  assert.equal(r.path_config?.connection_limit, 32, "kumod's default filled in");
  assert.equal(r.queue_config?.retry_interval, '20m', "kumod's default filled in");
  assert.equal(r.throttles?.effective, null);
  assert.equal(r.throttles?.connection_rate?.per_hour, 1000);
});

test('seed: tenant-2 goes to pool2, whose first WRR pick is ip-3 (kumod starts at index 1); yahoo shaping by domain', async () => {
  const r = await routeMessage({ policy: SEED, sender: 'news@example.com', recipient: 'x@yahoo.com', meta: { tenant: 'tenant-2' } });
  assert.equal(r.egress_pool, 'pool2');
  assert.deepEqual(r.pool?.entries, [{ name: 'ip-2', weight: 2 }, { name: 'ip-3', weight: 1 }]);
  assert.equal(r.egress_source, 'ip-3');
  assert.equal(r.site_name, '(mta5|mta6|mta7).am0.yahoodns.net');
  assert.equal(r.path_config?.max_connection_rate, '10/hr');
});

test('seed: an unmapped tenant gets the built-in unspecified pool and source; a domain without MX data uses itself, with a note', async () => {
  const r = await routeMessage({ policy: SEED, sender: 'a@example.com', recipient: 'b@example.net', meta: { tenant: 'tenant-9' } });
  assert.equal(r.egress_pool, 'unspecified');
  assert.equal(r.pool?.origin, 'built-in');
  assert.equal(r.egress_source, 'unspecified');
  assert.equal(r.site_name, 'example.net');
  assert.equal(r.site?.from_mx, false);
  assert.ok(r.notes.some((n) => n.includes('no MX records are configured for example.net')), r.notes.join('\n'));
});

test('trace: every event with args, result, duration and the handler file:line', async () => {
  const r = await routeMessage({ policy: SEED, sender: 'a@example.com', recipient: 'b@gmail.com', meta: { tenant: 'tenant-2' } });
  const names = r.trace.map((t) => t.event);
  assert.deepEqual(names, ['init', 'get_queue_config', 'get_egress_path_config']);
  const q = r.trace[1];
  assert.deepEqual(q.args, ['gmail.com', 'tenant-2', null, null]);
  assert.equal((q.result as Record<string, unknown>).egress_pool, 'pool2');
  assert.ok(q.file?.endsWith('seed-queues-pools.lua'));
  assert.equal(q.line, 61);
  assert.equal(r.trace[0].line, 23);
  assert.ok(r.trace.every((t) => typeof t.duration_ms === 'number' && t.duration_ms >= 0));
});

// The seed's table, with the domain lower-cased as kumod does.
const FORMS: Array<[Record<string, string>, string, [string, string | null, string | null, string | null]]> = [
  [{ 'X-Tenant': 't1', 'X-Campaign': 'c1' }, 'c1:t1@example.com', ['example.com', 't1', 'c1', null]],
  [{ 'X-Tenant': 't1', 'X-Campaign': 'c1', 'X-Routing-Domain': 'relay.example' }, 'c1:t1@example.com!relay.example', ['example.com', 't1', 'c1', 'relay.example']],
  [{ 'X-Tenant': 't1' }, 't1@example.com', ['example.com', 't1', null, null]],
  [{ 'X-Tenant': 't1', 'X-Routing-Domain': 'relay.example' }, 't1@example.com!relay.example', ['example.com', 't1', null, 'relay.example']],
  [{ 'X-Campaign': 'c1' }, 'c1:@example.com', ['example.com', '', 'c1', null]],
  [{ 'X-Campaign': 'c1', 'X-Routing-Domain': 'relay.example' }, 'c1:@example.com!relay.example', ['example.com', '', 'c1', 'relay.example']],
  [{}, 'example.com', ['example.com', null, null, null]],
  [{ 'X-Routing-Domain': 'relay.example' }, 'example.com!relay.example', ['example.com', null, null, 'relay.example']],
];

for (const [headers, queue, args] of FORMS) {
  test(`queue name form ${queue}: built from meta set at reception, parsed back for get_queue_config`, async () => {
    const r = await routeMessage({ policy: NAMES, sender: 's@example.org', recipient: 'User@Example.COM', headers: Object.entries(headers) });
    assert.equal(r.queue, queue);
    const q = r.trace.find((t) => t.event === 'get_queue_config');
    assert.deepEqual(q?.args, args);
    // the routing domain (when set) is what MX and get_egress_path_config use
    const p = r.trace.find((t) => t.event === 'get_egress_path_config');
    assert.equal((p?.args as string[])[0], args[3] ?? 'example.com');
  });
}

test('the queue meta is used verbatim; the null queue discards at reception', async () => {
  const r = await routeMessage({ policy: NAMES, sender: 's@example.org', recipient: 'u@example.com', headers: [['X-Queue', 'Custom:Name@Other.Example'], ['X-Tenant', 'ignored']] });
  assert.equal(r.queue, 'Custom:Name@Other.Example');
  assert.equal(r.queue_parts.tenant, 'Name');
  const n = await routeMessage({ policy: NAMES, sender: 's@example.org', recipient: 'u@example.com', headers: [['X-Queue', 'null']] });
  assert.equal(n.queue, 'null');
  assert.equal(n.discarded, true);
  assert.equal(n.queue_config, null);
  assert.ok(!n.trace.some((t) => t.event === 'get_queue_config'));
});

test('get_queue_config handlers chain as in kumod: the first that returns a value wins', async () => {
  const special = await routeMessage({ policy: NAMES, sender: 's@x.org', recipient: 'u@special.example' });
  assert.equal(special.egress_pool, 'special');
  assert.equal(special.queue_config?.max_message_rate, '10/s');
  const other = await routeMessage({ policy: NAMES, sender: 's@x.org', recipient: 'u@plain.example' });
  assert.equal(other.egress_pool, 'unspecified');
  assert.equal(other.queue_config?.retry_interval, '5m');
  const q = other.trace.find((t) => t.event === 'get_queue_config');
  assert.equal(q?.handlers?.length, 2);
  // the lesser of queue (10/s) and path (100/s) rates is the effective one
  assert.equal(special.throttles?.effective?.from, 'queue');
  assert.equal(special.throttles?.effective?.per_second, 10);
  assert.equal(special.egress_source, 'b', 'WRR over (5,3,0): weight 0 dropped, first pick is index 1');
});

test('a Lua error in a handler comes back as a LuaError with its file and line', async () => {
  const policy = join(FIX, 'lua-error.lua');
  await assert.rejects(routeMessage({ policy, sender: 's@x.org', recipient: 'u@y.example', meta: { tenant: 'broken' } }), (e: unknown) => {
    assert.ok(e instanceof LuaError);
    assert.equal(e.location?.file, policy);
    assert.equal(e.location?.line, 8);
    return true;
  });
  const io = captureIo();
  const code = await runSimulateCommand([policy, '--sender', 's@x.org', '--recipient', 'u@y.example', '--meta', 'tenant=broken'], io);
  assert.equal(code, 1);
  assert.match(io.stderr, new RegExp(`${policy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8: attempt to index a nil value`));
});

test('CLI: simulate --format json prints the issue keys; usage errors exit 2', async () => {
  const io = captureIo();
  const code = await runSimulateCommand([SEED, '--sender', 'a@example.com', '--recipient', 'b@gmail.com', '--meta', 'tenant=tenant-2', '--format', 'json'], io);
  assert.equal(code, 0, io.stderr);
  const r = JSON.parse(io.stdout);
  for (const k of ['queue', 'queue_config', 'egress_pool', 'egress_source', 'site_name', 'path_config', 'throttles', 'trace']) assert.ok(k in r, k);
  assert.equal(r.kind, 'simulate');
  const text = captureIo();
  assert.equal(await runSimulateCommand([SEED, '--sender', 'a@example.com', '--recipient', 'b@gmail.com'], text), 0);
  assert.match(text.stdout, /^queue +gmail\.com$/m);
  const bad = captureIo();
  assert.equal(await runSimulateCommand([SEED, '--recipient', 'b@gmail.com'], bad), 2);
  assert.match(bad.stderr, /--sender is required/);
});

test('CLI: --mx and --dns give the offline resolver MX data (site_name factored as kumod does)', async () => {
  const sample = join(repoRoot(), 'samples', 'policy', 'init.lua');
  const io = captureIo();
  const code = await runSimulateCommand([sample, '--sender', 'a@example.com', '--recipient', 'b@yahoo.com', '--mx', 'yahoo.com=mta6.am0.yahoodns.net,mta5.am0.yahoodns.net,mta7.am0.yahoodns.net', '--format', 'json'], io);
  assert.equal(code, 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.equal(r.site_name, '(mta6|mta5|mta7).am0.yahoodns.net', 'preferences 10, 20, 30 keep the given order');
  const dir = mkdtempSync(join(tmpdir(), 'sim-dns-'));
  const zone = join(dir, 'zones.json');
  writeFileSync(zone, JSON.stringify({ zones: ['$ORIGIN example.org.\n@ 300 IN MX 10 mx-b.example.net.\n@ 300 IN MX 10 mx-a.example.net.\n'] }));
  const io2 = captureIo();
  assert.equal(await runSimulateCommand([sample, '--sender', 'a@example.com', '--recipient', 'b@example.org', '--dns', zone, '--format', 'json'], io2), 0, io2.stderr);
  const r2 = JSON.parse(io2.stdout);
  assert.equal(r2.site_name, '(mx-a|mx-b).example.net', 'same preference: sorted');
  assert.deepEqual(r2.site.hosts, ['mx-a.example.net.', 'mx-b.example.net.']);
});

test('reception gets connection metadata: conn_meta:get_meta works (--conn-meta authn_id=...)', async () => {
  const r = await routeMessage({ policy: join(FIX, 'conn-meta.lua'), sender: 'a@x.org', recipient: 'b@y.example', connMeta: { authn_id: 'customer-7' } });
  assert.equal(r.queue, 'customer-7@y.example');
  assert.equal(r.meta.received_via, '0.0.0.0:25');
  const io = captureIo();
  assert.equal(await runSimulateCommand([join(FIX, 'conn-meta.lua'), '--sender', 'a@x.org', '--recipient', 'b@y.example', '--conn-meta', 'authn_id=c9', '--format', 'json'], io), 0, io.stderr);
  assert.equal(JSON.parse(io.stdout).queue, 'c9@y.example');
});

test('protocols: mx_list names the site mx_list:labels; maildir and custom Lua use the routing domain', async () => {
  const policy = join(FIX, 'protocols.lua');
  const smart = await routeMessage({ policy, sender: 'a@x.org', recipient: 'u@smarthost.example.com' });
  assert.equal(smart.site_name, 'mx_list:smart.host.local,10.0.0.1');
  assert.equal(smart.ready_queue, 'unspecified->mx_list:smart.host.local,10.0.0.1@smtp_client');
  const maildir = await routeMessage({ policy, sender: 'a@x.org', recipient: 'u@maildir.example.com' });
  assert.equal(maildir.ready_queue, 'unspecified->maildir.example.com@maildir:/var/tmp/kumo-maildir');
  const hook = await routeMessage({ policy, sender: 'a@x.org', recipient: 'log@webhook', meta: { queue: 'webhook' } });
  assert.equal(hook.ready_queue, 'unspecified->webhook@lua:make.webhook');
});

test('kumo.reject in the reception event is reported as the SMTP response, not as a failure', async () => {
  const policy = join(FIX, 'reject.lua');
  const r = await routeMessage({ policy, sender: 'a@x.org', recipient: 'u@y.example', meta: { tenant: 'suspended' } });
  assert.deepEqual(r.rejected, { code: 550, response: '550 5.7.1 tenant suspended' });
  assert.equal(r.queue_config, null);
  const ok = await routeMessage({ policy, sender: 'a@x.org', recipient: 'u@y.example', meta: { tenant: 'fine' } });
  assert.equal(ok.rejected, null);
  assert.equal(ok.queue, 'fine@y.example');
});
