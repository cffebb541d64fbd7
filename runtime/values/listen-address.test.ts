import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListenAddress } from './listen-address';

// kumod: TcpListener::bind(&listen) -> SocketAddr parse, else rsplit(':') + u16 + getaddrinfo.

test('listen golden: accepted', () => {
  const cases: Array<[string, string, 'socket-addr' | 'resolver', string[]]> = [
    ['0.0.0.0:25', '0.0.0.0:25', 'socket-addr', []],
    ['[::]:25', '[::]:25', 'socket-addr', []],
    ['127.0.0.1:2025', '127.0.0.1:2025', 'socket-addr', []],
    ['127.0.0.1:8000', '127.0.0.1:8000', 'socket-addr', []],
    ['[::1]:587', '[::1]:587', 'socket-addr', []],
    ['[fe80::1%2]:25', '[fe80::1%2]:25', 'socket-addr', []],
    ['0.0.0.0:0', '0.0.0.0:0', 'socket-addr', ['listen-port-zero']],
    ['0:25', '0.0.0.0:25', 'resolver', ['listen-legacy-ipv4']],
    ['127.1:25', '127.0.0.1:25', 'resolver', ['listen-legacy-ipv4']],
    ['010.0.0.1:25', '8.0.0.1:25', 'resolver', ['listen-legacy-ipv4']],
    ['::1:25', '[::1]:25', 'resolver', ['listen-unbracketed-ipv6']],
    [':::25', '[::]:25', 'resolver', ['listen-unbracketed-ipv6']],
    ['localhost:25', 'localhost:25', 'resolver', ['listen-hostname']],
    ['mail.example.com:25', 'mail.example.com:25', 'resolver', ['listen-hostname']],
    ['0.0.0.0:+25', '0.0.0.0:25', 'resolver', ['listen-port-format']],
  ];
  for (const [input, normalized, via, warns] of cases) {
    const r = parseListenAddress(input);
    assert.ok(r.ok, `${input}: ${JSON.stringify(!r.ok && r.error)}`);
    assert.equal(r.value.normalized, normalized, input);
    assert.equal(r.value.via, via, input);
    assert.deepEqual((r.warnings ?? []).map((w) => w.code), warns, input);
  }
});

test('listen golden: rejected', () => {
  const cases: Array<[string, string, number, number]> = [
    ['25', 'invalid socket address', 0, 2],
    ['0.0.0.0', 'invalid socket address', 0, 7],
    ['', 'invalid socket address', 0, 0],
    ['0.0.0.0:65536', 'invalid port value', 8, 13],
    ['0.0.0.0:', 'invalid port value', 8, 8],
    ['0.0.0.0:smtp', 'invalid port value', 8, 12],
    ['[::1]:', 'invalid port value', 6, 6],
    [':25', 'failed to resolve "": not an address, and not a valid host name', 0, 0],
    [' 0.0.0.0:25', 'failed to resolve " 0.0.0.0": not an address, and not a valid host name', 0, 8],
    ['[fe80::1%eth0]:25', 'failed to resolve "[fe80::1%eth0]": not an address, and not a valid host name', 0, 14],
    ['1.2.3.256:25', 'failed to resolve "1.2.3.256": not an address, and not a valid host name', 0, 9],
  ];
  for (const [input, message, start, end] of cases) {
    const r = parseListenAddress(input);
    assert.ok(!r.ok, input);
    assert.deepEqual([r.error.message, r.error.start, r.error.end], [message, start, end], input);
  }
});
