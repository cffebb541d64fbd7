import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outlinePolicy } from './policy-outline';

const POLICY = `local kumo = require 'kumo'
kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:25' }
  kumo.start_http_listener { listen = '127.0.0.1:8000' }
end)
kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool { name = 'pool-a', entries = { { name = 'ip-1' }, { name = 'ip-2', weight = 2 } } }
end)
kumo.on('get_egress_source', function(name)
  return kumo.make_egress_source { name = name, source_address = '10.0.0.1' }
end)
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local x <const> = 1
  return kumo.make_queue_config { egress_pool = 'pool-a' }
end)
`;

test('outline lists events, listeners, pools with members, sources and queue configs with lines', () => {
  const o = outlinePolicy(POLICY);
  assert.equal(o.error, undefined);
  const by = (kind: string) => o.items.filter((i) => i.kind === kind);
  assert.deepEqual(by('event').map((i) => i.label), ['init', 'get_egress_pool', 'get_egress_source', 'get_queue_config']);
  assert.deepEqual(by('listener').map((i) => [i.label, i.line]), [['0.0.0.0:25', 3], ['127.0.0.1:8000', 4]]);
  assert.deepEqual(by('pool')[0].children, ['ip-1', 'ip-2']);
  assert.equal(by('source')[0].label, '(unnamed source)');
  assert.equal(by('queue')[0].label, 'queue config → pool-a');
});

test('outline of broken Lua reports the error instead of throwing', () => {
  const o = outlinePolicy('kumo.on(');
  assert.ok(o.error);
  assert.deepEqual(o.items, []);
});
