import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp, parseInetAton, parseIp, parseIpAddr, parseSocketAddr } from './ip';

// Rust core::net parser rules and Display; glibc inet_aton (checked against getaddrinfo on glibc 2.36).

test('Rust IpAddr grammar: accepted, with Display form', () => {
  const cases: Array<[string, string]> = [
    ['127.0.0.1', '127.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::1.2.3.4', '::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['fe80::', 'fe80::'],
  ];
  for (const [input, shown] of cases) {
    const ip = parseIpAddr(input);
    assert.ok(ip, input);
    assert.equal(formatIp(ip), shown, input);
  }
});

test('Rust IpAddr grammar: rejected', () => {
  for (const input of [
    '01.2.3.4', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.4 ', ' 1.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::', '12345::', 'fe80::1%eth0', '[::1]', '::ffff:1.2.3', '1.2.3.4::', '', 'localhost', '0', '127.1',
    '1:2:3:4:5:6:7:1.2.3.4',
  ]) {
    assert.equal(parseIpAddr(input), undefined, input);
    const r = parseIp(input);
    assert.ok(!r.ok, input);
    assert.equal(r.error.message, 'invalid IP address syntax');
  }
});

test('Rust SocketAddr grammar', () => {
  const ok: Array<[string, string, number, number]> = [
    ['0.0.0.0:25', '0.0.0.0', 25, 0],
    ['127.0.0.1:2025', '127.0.0.1', 2025, 0],
    ['[::]:25', '::', 25, 0],
    ['[::1]:8000', '::1', 8000, 0],
    ['[fe80::1%2]:25', 'fe80::1', 25, 2],
    ['1.2.3.4:00025', '1.2.3.4', 25, 0],
    ['1.2.3.4:65535', '1.2.3.4', 65535, 0],
  ];
  for (const [input, ip, port, scope] of ok) {
    const sa = parseSocketAddr(input);
    assert.ok(sa, input);
    assert.deepEqual([formatIp(sa.ip), sa.port, sa.scopeId], [ip, port, scope], input);
  }
  for (const input of ['0:25', '::1:25', '1.2.3.4:65536', '1.2.3.4:+25', '1.2.3.4', '[::1]', '[fe80::1%eth0]:25', 'localhost:25', '1.2.3.4:', '[::1]:25 ']) {
    assert.equal(parseSocketAddr(input), undefined, input);
  }
});

test('glibc inet_aton numeric forms', () => {
  const cases: Array<[string, string | undefined]> = [
    ['0', '0.0.0.0'],
    ['127.1', '127.0.0.1'],
    ['010.0.0.1', '8.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['4294967295', '255.255.255.255'],
    ['1.2.3', '1.2.0.3'],
    ['1.2.3.256', undefined],
    ['0.0.0.0.0', undefined],
    ['127.0.0.1x', undefined],
    ['08', undefined],
    ['', undefined],
    ['1.', undefined],
    ['4294967296', undefined],
  ];
  for (const [input, want] of cases) {
    const ip = parseInetAton(input);
    assert.equal(ip === undefined ? undefined : formatIp(ip), want, input);
  }
});
