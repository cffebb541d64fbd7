// kumo.string.wrap against crates/kumo-wrap's own test table and the examples of docs/reference/string/wrap.md;
// kumo.string.psl_domain / psl_suffix against the official PSL test vectors the Rust psl crate runs
// (tests/tests.txt), its extra suffix tests, psl-utils' normalization tests and kumod's docs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capturingEngine, printed, tempPolicy } from '../test-support';
import { wrapImpl, kumoWrap } from './string-wrap';
import { pslDomain, pslSuffix, normalizeDomain } from './psl';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => Buffer.from(b).toString('latin1');

async function lua(code: string): Promise<string> {
  const c = capturingEngine(tempPolicy({}));
  await c.engine.runString(`local kumo = require 'kumo'\n${code}`, '=t');
  return printed(c);
}

test('wrap_impl: the kumo-wrap crate test table (soft 10, hard 15)', () => {
  for (const [input, expect] of [
    ['foo', 'foo'],
    ['hi there', 'hi there'],
    ['hello world', 'hello\r\n\tworld'],
    ['hello world ', 'hello\r\n\tworld'],
    ['hello world foo bar baz woot woot', 'hello\r\n\tworld foo\r\n\tbar baz\r\n\twoot woot'],
    ['hi there breakmepleaseIamtoolong', 'hi there\r\n\tbreakmepleaseIa\r\n\tmtoolong'],
  ]) {
    assert.equal(dec(wrapImpl(enc(input), 10, 15)), expect, input);
  }
});

test('wrap: quirks of the byte algorithm and the final trim', () => {
  // A word of exactly the hard limit leaves a trailing CRLF that trim_end removes.
  assert.equal(dec(wrapImpl(enc('x ' + 'A'.repeat(6)), 3, 3)), 'x\r\n\tAAA\r\n\tAAA\r\n');
  assert.equal(dec(kumoWrap(enc('x ' + 'A'.repeat(6)), 3, 3)), 'x\r\n\tAAA\r\n\tAAA');
  // \v is not ASCII whitespace for Rust, but trailing Unicode whitespace (\v, NBSP) is trimmed.
  assert.equal(dec(kumoWrap(enc('a\vb\v'))), 'a\vb');
  assert.equal(Buffer.from(kumoWrap(enc('a b\u00a0'))).toString('utf8'), 'a b');
  // Runs of whitespace collapse to one space; the soft limit does not count the separating space.
  assert.equal(dec(kumoWrap(enc(' a \t\n b '), 3, 10)), 'a b');
  assert.equal(dec(kumoWrap(enc('ab cd'), 4, 10)), 'ab\r\n\tcd');
});

test('kumo.string.wrap from Lua: the examples of the kumod docs, defaults and bad limits', async () => {
  const out = await lua(`
print(kumo.string.wrap 'hello')
print(kumo.string.wrap(string.rep('A', 200), 75, 100) == string.rep('A', 100) .. '\\r\\n\\t' .. string.rep('A', 100))
print(kumo.string.wrap(string.rep('hello there ', 10), 75, 100) ==
  'hello there hello there hello there hello there hello there hello there\\r\\n'
    .. '\\thello there hello there hello there hello there')
print(#kumo.string.wrap(string.rep('B', 2000)), kumo.string.wrap(12345, 3, 2), kumo.string.wrap(12345, nil, 2))
print(pcall(kumo.string.wrap, 'x', -1))`);
  assert.equal(out, 'hello\ntrue\ntrue\n2006\t12\r\n\t34\r\n\t5\t12345\nfalse\tkumo.string.wrap: error converting Lua integer to usize (out of range)\n');
});

/** The official PSL checks (public domain), as psl's tests/list.rs runs them: input lower-cased, expected domain. */
const PSL_TESTS: Array<[string, string | null]> = [
  ['', null], ['COM', null], ['example.COM', 'example.com'], ['WwW.example.COM', 'example.com'],
  ['example', null], ['example.example', 'example.example'], ['b.example.example', 'example.example'], ['a.b.example.example', 'example.example'],
  ['biz', null], ['domain.biz', 'domain.biz'], ['b.domain.biz', 'domain.biz'], ['a.b.domain.biz', 'domain.biz'],
  ['com', null], ['example.com', 'example.com'], ['b.example.com', 'example.com'], ['a.b.example.com', 'example.com'],
  ['uk.com', null], ['example.uk.com', 'example.uk.com'], ['b.example.uk.com', 'example.uk.com'], ['a.b.example.uk.com', 'example.uk.com'], ['test.ac', 'test.ac'],
  ['mm', null], ['c.mm', null], ['b.c.mm', 'b.c.mm'], ['a.b.c.mm', 'b.c.mm'],
  ['jp', null], ['test.jp', 'test.jp'], ['www.test.jp', 'test.jp'], ['ac.jp', null], ['test.ac.jp', 'test.ac.jp'], ['www.test.ac.jp', 'test.ac.jp'],
  ['kyoto.jp', null], ['test.kyoto.jp', 'test.kyoto.jp'], ['ide.kyoto.jp', null], ['b.ide.kyoto.jp', 'b.ide.kyoto.jp'], ['a.b.ide.kyoto.jp', 'b.ide.kyoto.jp'],
  ['c.kobe.jp', null], ['b.c.kobe.jp', 'b.c.kobe.jp'], ['a.b.c.kobe.jp', 'b.c.kobe.jp'], ['city.kobe.jp', 'city.kobe.jp'], ['www.city.kobe.jp', 'city.kobe.jp'],
  ['ck', null], ['test.ck', null], ['b.test.ck', 'b.test.ck'], ['a.b.test.ck', 'b.test.ck'], ['www.ck', 'www.ck'], ['www.www.ck', 'www.ck'],
  ['us', null], ['test.us', 'test.us'], ['www.test.us', 'test.us'], ['ak.us', null], ['test.ak.us', 'test.ak.us'], ['www.test.ak.us', 'test.ak.us'],
  ['k12.ak.us', null], ['test.k12.ak.us', 'test.k12.ak.us'], ['www.test.k12.ak.us', 'test.k12.ak.us'],
  ['食狮.com.cn', '食狮.com.cn'], ['食狮.公司.cn', '食狮.公司.cn'], ['www.食狮.公司.cn', '食狮.公司.cn'], ['shishi.公司.cn', 'shishi.公司.cn'], ['公司.cn', null],
  ['食狮.中国', '食狮.中国'], ['www.食狮.中国', '食狮.中国'], ['shishi.中国', 'shishi.中国'], ['中国', null],
  ['xn--85x722f.com.cn', 'xn--85x722f.com.cn'], ['xn--85x722f.xn--55qx5d.cn', 'xn--85x722f.xn--55qx5d.cn'], ['www.xn--85x722f.xn--55qx5d.cn', 'xn--85x722f.xn--55qx5d.cn'],
  ['shishi.xn--55qx5d.cn', 'shishi.xn--55qx5d.cn'], ['xn--55qx5d.cn', null], ['xn--85x722f.xn--fiqs8s', 'xn--85x722f.xn--fiqs8s'],
  ['www.xn--85x722f.xn--fiqs8s', 'xn--85x722f.xn--fiqs8s'], ['shishi.xn--fiqs8s', 'shishi.xn--fiqs8s'], ['xn--fiqs8s', null],
];

test('psl_domain passes the official PSL test vectors (and the suffix is the domain minus its first label)', () => {
  for (const [input, expected] of PSL_TESTS) {
    assert.equal(pslDomain(input.toLowerCase()), expected, input);
    if (expected !== null) assert.equal(pslSuffix(input.toLowerCase()), expected.slice(expected.indexOf('.') + 1), input);
  }
});

test('psl_suffix: the psl crate\'s extra suffix tests, private rules included', () => {
  for (const [input, expected] of [
    ['gp-id-ter-acc-1.to.gp-kl-cas-11-ses001-ses-1.wdsl.5m.za', 'za'],
    ['yokohama.jp', 'jp'],
    ['kobe.jp', 'jp'],
    ['foo.bar.platformsh.site', 'bar.platformsh.site'],
    ['bar.platformsh.site', 'bar.platformsh.site'],
    ['platform.sh', 'sh'],
    ['sh', 'sh'],
    ['www.食狮.中国', '中国'],
    ['www.xn--85x722f.xn--55qx5d.cn', 'xn--55qx5d.cn'],
    ['a.b.example.uk.com', 'uk.com'],
    ['_tcp.example.com.', 'com'],
    ['example.com.', 'com'],
  ]) {
    assert.equal(pslSuffix(input), expected, input);
  }
});

test('psl: kumod normalization first (psl-utils tests), then the crate\'s unvalidated slicing', () => {
  assert.equal(normalizeDomain('Example.COM.'), 'example.com');
  assert.equal(normalizeDomain(''), '');
  assert.equal(pslDomain('foo.Example.COM.'), 'example.com');
  // Only ASCII is lower-cased; one trailing dot is removed by kumod, a second one by the crate's fqdn handling.
  assert.equal(pslDomain('www.example.com..'), 'example.com');
  assert.equal(pslSuffix('..'), '');
  assert.equal(pslSuffix('.'), null);
  // No validation: empty labels, leading dots, IP addresses and unknown TLDs go through the rules as they are.
  assert.equal(pslDomain('a..com'), '.com');
  assert.equal(pslSuffix('.com'), 'com');
  assert.equal(pslDomain('.com'), null);
  assert.equal(pslSuffix('.mm'), '.mm'); // `*.mm` matches the empty label
  assert.equal(pslDomain('1.2.3.4'), '3.4');
  assert.equal(pslDomain('mail.example.unknowntld'), 'example.unknowntld');
  assert.equal(pslSuffix('city.kawasaki.jp'), 'kawasaki.jp');
  assert.equal(pslSuffix('foo.kawasaki.jp'), 'foo.kawasaki.jp');
});

test('kumo.string.psl_domain / psl_suffix from Lua: nil when there is none, strings are Rust Strings', async () => {
  const out = await lua(`
print(kumo.string.psl_domain 'www.example.com', kumo.string.psl_suffix 'www.example.com')
print(kumo.string.psl_domain 'com', kumo.string.psl_suffix '', kumo.string.psl_domain 'Mail.Example.CO.UK.')
print(pcall(kumo.string.psl_domain, 'a\\255.com'))`);
  assert.equal(out, 'example.com\tcom\nnil\tnil\texample.co.uk\nfalse\tkumo.string.psl_domain: error converting Lua string to String (invalid utf-8 encoding)\n');
});
