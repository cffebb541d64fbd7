import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateArgs } from './simulate-args';

test('simulateArgs maps the form to kumo-policy simulate options', () => {
  assert.deepEqual(
    simulateArgs('/p/init.lua', { sender: 'a@x.com', recipient: 'b@y.com', tenant: 't1', campaign: '', routing_domain: 'relay.example', meta: 'k=v, bad, x = y ' }),
    ['simulate', '/p/init.lua', '--sender', 'a@x.com', '--recipient', 'b@y.com', '--meta', 'tenant=t1', '--meta', 'routing_domain=relay.example', '--meta', 'k=v', '--meta', 'x=y', '--format', 'json'],
  );
});
