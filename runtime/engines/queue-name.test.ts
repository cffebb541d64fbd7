// Golden tables from KumoCorp/kumomta crates/message/src/queue_name.rs (format/parse and its unit tests),
// crates/message/src/message.rs (get_queue_name) and the seed's eight-row table (seed 002).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatQueueName,
  parseQueueName,
  queueNameFromMeta,
  isNullQueue,
  isInternalQueue,
  routingDomainOf,
  addressDomain,
} from './queue-name';

// tenant?, campaign?, routing_domain? -> name (the seed's table, row by row)
const EIGHT: Array<[string | null, string | null, string | null, string]> = [
  ['tenant', 'campaign', null, 'campaign:tenant@example.com'],
  ['tenant', 'campaign', 'routing.net', 'campaign:tenant@example.com!routing.net'],
  ['tenant', null, null, 'tenant@example.com'],
  ['tenant', null, 'routing.net', 'tenant@example.com!routing.net'],
  [null, 'campaign', null, 'campaign:@example.com'],
  [null, 'campaign', 'routing.net', 'campaign:@example.com!routing.net'],
  [null, null, null, 'example.com'],
  [null, null, 'routing.net', 'example.com!routing.net'],
];

test('all eight queue-name forms from meta', () => {
  for (const [tenant, campaign, rd, expected] of EIGHT) {
    const meta: Record<string, unknown> = {};
    if (tenant !== null) meta.tenant = tenant;
    if (campaign !== null) meta.campaign = campaign;
    if (rd !== null) meta.routing_domain = rd;
    assert.deepEqual(queueNameFromMeta(meta, 'Example.COM'), { ok: true, name: expected }, expected);
    assert.equal(formatQueueName({ campaign, tenant, domain: 'example.com', routingDomain: rd }), expected);
  }
});

test('parse back: all eight forms', () => {
  for (const [tenant, campaign, rd, name] of EIGHT) {
    const p = parseQueueName(name);
    // campaign without tenant parses back with tenant "" (kumod's parse is lossy here)
    const expectTenant = campaign !== null && tenant === null ? '' : tenant;
    assert.deepEqual(p, { campaign, tenant: expectTenant, domain: 'example.com', routingDomain: rd }, name);
  }
});

test('parse quirks as in queue_name.rs tests', () => {
  assert.deepEqual(parseQueueName('foo.com:2025'), { campaign: null, tenant: null, domain: 'foo.com:2025', routingDomain: null });
  assert.deepEqual(parseQueueName('foo.com!routing.com:2025'), { campaign: null, tenant: null, domain: 'foo.com', routingDomain: 'routing.com:2025' });
  assert.deepEqual(parseQueueName('a:b:c@d!e!f'), { campaign: 'a', tenant: 'b:c', domain: 'd', routingDomain: 'e!f' });
  assert.deepEqual(parseQueueName('x@y@z'), { campaign: null, tenant: 'x', domain: 'y@z', routingDomain: null });
  assert.equal(routingDomainOf('c:t@d.com!r.com'), 'r.com');
  assert.equal(routingDomainOf('c:t@d.com'), 'd.com');
});

test('queue meta override is verbatim; null queue; non-string meta is an error', () => {
  assert.deepEqual(queueNameFromMeta({ queue: 'My:Odd@Queue', tenant: 't' }, 'x.com'), { ok: true, name: 'My:Odd@Queue' });
  assert.deepEqual(queueNameFromMeta({ queue: 'null' }, 'x.com'), { ok: true, name: 'null' });
  assert.ok(isNullQueue('null'));
  assert.ok(!isNullQueue('NULL'));
  assert.deepEqual(queueNameFromMeta({ queue: null, tenant: 'T' }, 'X.com'), { ok: true, name: 'T@x.com' });
  const bad = queueNameFromMeta({ tenant: 5 }, 'x.com');
  assert.equal(bad.ok, false);
  const badQ = queueNameFromMeta({ queue: true }, 'x.com');
  assert.equal(badQ.ok, false);
  // campaign and tenant are verbatim (no lower-casing); empty strings are kept
  assert.deepEqual(queueNameFromMeta({ campaign: 'Camp', tenant: '' }, 'D.com'), { ok: true, name: 'Camp:@d.com' });
  assert.ok(isInternalQueue('foo.xfer.kumomta.internal'));
  assert.ok(isInternalQueue('generator.kumomta.internal'));
  assert.equal(addressDomain('user@Example.com'), 'Example.com');
});
