import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enumKind, getValueKind, validateValue, valueKinds } from './index';

test('valueKinds covers the catalog value kinds', () => {
  for (const k of ['duration', 'throttle', 'limit', 'cidr', 'ip', 'min_free', 'listen_address', 'record_type', 'cidr_key']) {
    assert.ok(valueKinds[k], k);
    assert.equal(valueKinds[k].name, k);
  }
  assert.equal(getValueKind('socket_address')?.name, 'listen_address');
  assert.equal(validateValue('string', 'x'), undefined);
});

test('registry validates literals with normalized forms and descriptions', () => {
  const ok = (kind: string, v: string | number, normalized: string, description: string, float?: boolean) => {
    const r = validateValue(kind, v, float === undefined ? undefined : { float });
    assert.ok(r && r.ok, `${kind} ${v}: ${JSON.stringify(r && !r.ok && r.error)}`);
    assert.equal(r.value.normalized, normalized, `${kind} ${v}`);
    assert.equal(r.value.description, description, `${kind} ${v}`);
  };
  ok('duration', '20 minutes', '20m', '20 minutes = 1200 s');
  ok('duration', '1h 30m', '1h 30m', '1 hour 30 minutes = 5400 s');
  ok('duration', 10, '10s', '10 seconds = 10 s');
  ok('duration', 1.5, '1s 500ms', '1.5 seconds = 1.5 s');
  ok('duration', '5M', '5months', '152 days 4 hours 48 minutes = 13150080 s');
  ok('throttle', '1,000/hr', '1000/h', '1000 per hour (one every 3.6 s), bursts of up to 1000');
  ok('limit', 'local:1_000', 'local:1000', 'at most 1000 concurrent connections, counted in this process only (even with Redis configured)');
  ok('limit', 32, '32', 'at most 32 concurrent connections');
  ok('min_free', '10%', '10%', 'keep at least 10% free');
  ok('cidr', '10.0.0.0/8', '10.0.0.0/8', 'IPv4 network 10.0.0.0/8 (16777216 addresses)');
  ok('ip', '::1', '::1', 'IPv6 address ::1');
  ok('listen_address', '0.0.0.0:25', '0.0.0.0:25', 'listen on all IPv4 interfaces, port 25');
  ok('record_type', 'Bounce', 'Bounce', 'Bounce records');
});

test('registry rejects with kumod messages and keeps warnings', () => {
  const err = (kind: string, v: string | number, message: string, float?: boolean) => {
    const r = validateValue(kind, v, float === undefined ? undefined : { float });
    assert.ok(r && !r.ok, `${kind} ${v}`);
    assert.equal(r.error.message, message);
  };
  err('duration', '10', 'time unit needed, for example 10sec or 10ms');
  err('throttle', 100, 'invalid type: integer `100`, expected a string');
  err('cidr', 25, 'invalid type: integer `25`, expected a string');
  err('limit', 0, 'limit must be 1 or larger');
  err('limit', 10, 'invalid type: floating point `10.0`, expected string or numeric limit spec', true);
  err('min_free', '10GB', 'invalid MinFree size specifier. invalid digit found in string');
  const warned = validateValue('duration', '5M');
  assert.ok(warned && warned.ok);
  assert.deepEqual(warned.warnings?.map((w) => w.code), ['duration-months']);
  const e = enumKind(['Jinja', 'Static', 'Handlebars'], 'template_dialect');
  const bad = e.validate('jinja');
  assert.ok(!bad.ok);
  assert.match(bad.error.message, /unknown variant `jinja`/);
  assert.ok(e.validate('Static').ok);
});
