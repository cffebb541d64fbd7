import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, formatCidr, parseCidr, parseCidrList, parseCidrLookupKey } from './cidr';
import { parseIpAddr } from './ip';

// From kumomta crates/cidr-map (parse_cidr, parse_cidr_from_ip_and_or_port, CidrSet) and cidr 0.3.

test('cidr golden: accepted, with kumod display form', () => {
  const cases: Array<[string, string]> = [
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.1/32', '127.0.0.1'],
    ['::1', '::1'],
    ['::/0', '::/0'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['192.168.1.0/24', '192.168.1.0/24'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['any', 'any'],
    ['10.0.0.0/+8', '10.0.0.0/8'],
    ['10.0.0.0/008', '10.0.0.0/8'],
    ['::ffff:10.0.0.0/104', '::ffff:10.0.0.0/104'],
  ];
  for (const [input, shown] of cases) {
    const r = parseCidr(input);
    assert.ok(r.ok, `${input}: ${JSON.stringify(!r.ok && r.error)}`);
    assert.equal(formatCidr(r.value), shown, input);
  }
});

test('cidr golden: rejected with kumod messages and spans', () => {
  const cases: Array<[string, string, number, number]> = [
    ['10.0.0.1/24', '10.0.0.1/24 is not a valid CIDR: host part of address was not zero. Did you mean 10.0.0.0/24?', 0, 8],
    ['2001:db8::1/32', '2001:db8::1/32 is not a valid CIDR: host part of address was not zero. Did you mean 2001:db8::/32?', 0, 11],
    ['10.0.0.0/33', '10.0.0.0/33 is not a valid CIDR: invalid length for network: Network length 33 is too long for Ipv4 (maximum: 32)', 9, 11],
    ['::/129', '::/129 is not a valid CIDR: invalid length for network: Network length 129 is too long for Ipv6 (maximum: 128)', 3, 6],
    ['::1/560', "::1/560 is not a valid CIDR: couldn't parse length in network: number too large to fit in target type", 4, 7],
    ['0.0.0.0/-1', "0.0.0.0/-1 is not a valid CIDR: couldn't parse length in network: invalid digit found in string", 8, 10],
    ['10.0.0.0/', "10.0.0.0/ is not a valid CIDR: couldn't parse length in network: cannot parse integer from empty string", 9, 9],
    ['10.0.0.0/8/8', "10.0.0.0/8/8 is not a valid CIDR: couldn't parse address in network: invalid IP address syntax", 0, 10],
    ['10.0.0', "10.0.0 is not a valid CIDR: couldn't parse address in network: invalid IP address syntax", 0, 6],
    ['localhost', "localhost is not a valid CIDR: couldn't parse address in network: invalid IP address syntax", 0, 9],
    [' 10.0.0.1', " 10.0.0.1 is not a valid CIDR: couldn't parse address in network: invalid IP address syntax", 0, 9],
    ['ANY', "ANY is not a valid CIDR: couldn't parse address in network: invalid IP address syntax", 0, 3],
    ['10.0.0.1:25', "10.0.0.1:25 is not a valid CIDR: couldn't parse address in network: invalid IP address syntax", 0, 11],
  ];
  for (const [input, message, start, end] of cases) {
    const r = parseCidr(input);
    assert.ok(!r.ok, input);
    assert.deepEqual([r.error.message, r.error.start, r.error.end], [message, start, end], input);
  }
  const hinted = parseCidr('10.0.0.1/24');
  assert.ok(!hinted.ok);
  assert.equal(hinted.error.hint, 'did you mean 10.0.0.0/24?');
});

test('cidr lists report every bad entry', () => {
  const r = parseCidrList(['127.0.0.1', '10.0.0.1/24', '::1', 'nope']);
  assert.equal(r.ok, false);
  assert.deepEqual(r.errors.map((e) => e.index), [1, 3]);
  assert.equal(
    r.message,
    "10.0.0.1/24: 10.0.0.1/24 is not a valid CIDR: host part of address was not zero. Did you mean 10.0.0.0/24?, nope: nope is not a valid CIDR: couldn't parse address in network: invalid IP address syntax",
  );
  assert.equal(parseCidrList(['127.0.0.0/8', '::1', '0.0.0.0', '::']).ok, true);
});

test('cidr map keys accept ip:port and [ipv6]:port', () => {
  const shown = (s: string) => {
    const r = parseCidrLookupKey(s);
    assert.ok(r.ok, `${s}: ${JSON.stringify(!r.ok && r.error)}`);
    return formatCidr(r.value);
  };
  assert.equal(shown('10.0.0.1:25'), '10.0.0.1');
  assert.equal(shown('10.0.0.1:whatever'), '10.0.0.1');
  assert.equal(shown('[::1]:25'), '::1');
  assert.equal(shown('[::1]'), '::1');
  assert.equal(shown('10.0.0.0/8'), '10.0.0.0/8');
  // quirk: an unbracketed IPv6 with a port is read as one address
  assert.equal(shown('::1:25'), '::1:25');
  const bad = parseCidrLookupKey('[::1x]:25');
  assert.ok(!bad.ok);
  assert.equal(
    bad.error.message,
    "failed to parse '::1x', the []-enclosed portion of '[::1x]:25', as an IP address: ::1x is not a valid CIDR: couldn't parse address in network: invalid IP address syntax",
  );
  assert.deepEqual([bad.error.start, bad.error.end], [1, 5]);
  const bad2 = parseCidrLookupKey('host:25');
  assert.ok(!bad2.ok);
  assert.equal(
    bad2.error.message,
    "failed to parse 'host', the :-delimited portion of 'host:25', as an IP address: host is not a valid CIDR: couldn't parse address in network: invalid IP address syntax",
  );
  const bad3 = parseCidrLookupKey('nope');
  assert.ok(!bad3.ok);
  assert.equal(bad3.error.message, "nope is not a valid CIDR: couldn't parse address in network: invalid IP address syntax");
});

test('cidr containment', () => {
  const c = (s: string) => {
    const r = parseCidr(s);
    assert.ok(r.ok);
    return r.value;
  };
  const ip = (s: string) => parseIpAddr(s)!;
  assert.equal(cidrContains(c('10.0.0.0/8'), ip('10.1.2.3')), true);
  assert.equal(cidrContains(c('10.0.0.0/8'), ip('11.0.0.1')), false);
  assert.equal(cidrContains(c('192.168.3.0/28'), ip('192.168.3.15')), true);
  assert.equal(cidrContains(c('192.168.3.0/28'), ip('192.168.3.16')), false);
  assert.equal(cidrContains(c('::1'), ip('127.0.0.1')), false);
  assert.equal(cidrContains(c('any'), ip('::1')), true);
  assert.equal(cidrContains(c('2001:db8::/32'), ip('2001:db8:ffff::1')), true);
});
