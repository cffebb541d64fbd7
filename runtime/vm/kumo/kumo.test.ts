import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { capturingEngine, printed, tempPolicy } from '../test-support';
import { SimMessage } from './message';
import { ConfigValue } from './constructors';
import { LuaError } from '../errors';
import { SmtpRejection } from './reject';

async function lua(code: string, opts = {}): Promise<string> {
  const c = capturingEngine(tempPolicy({ 'data.json': '{"k": [1, 2.5]}', 'sub/a.lua': '', 'sub/b.lua': '', 'sub/c.txt': '' }), opts);
  await c.engine.runString(`local kumo = require 'kumo'\n${code}`, '=t');
  return printed(c);
}

test('config constructors check keys and values against the catalog and are recorded', async () => {
  const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain)
  return kumo.make_queue_config { retry_interval = '5m', egress_pool = domain }
end)
kumo.on('init', function()
  kumo.start_esmtp_listener { listen = '0.0.0.0:2525' }
  kumo.define_spool { name = 'data', path = '/var/spool/kumomta/data' }
  kumo.set_httpinject_threads(4)
end)` });
  const c = capturingEngine(dir);
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  await c.engine.fireEvent('init');
  const r = await c.engine.fireEvent('get_queue_config', ['example.com']);
  const cfg = r.values[0] as ConfigValue;
  assert.ok(cfg instanceof ConfigValue);
  assert.equal(cfg.type, 'QueueConfig');
  assert.equal(cfg.value.retry_interval, '5m');
  assert.equal(cfg.value.egress_pool, 'example.com');
  assert.deepEqual(c.engine.records.map((x) => x.function), ['kumo.start_esmtp_listener', 'kumo.define_spool', 'kumo.set_httpinject_threads', 'kumo.make_queue_config']);
  const out = await lua(`
print(pcall(kumo.make_queue_config, { retry_intervl = '5m' }))
print(pcall(kumo.make_egress_path, { max_deliveries_per_connection = 'many' }))
print(pcall(kumo.make_queue_config, { max_message_rate = '100/fortnight' }))
print(pcall(kumo.set_httpinject_recipient_rate_limit, 'nope'))
local q = kumo.make_queue_config { retry_interval = 300 }
print(q.retry_interval, q.strategy)`);
  const lines = out.split('\n');
  assert.match(lines[0], /^false\tkumo\.make_queue_config: unknown key 'retry_intervl' \(did you mean 'retry_interval'\?\)/);
  assert.match(lines[1], /^false\tkumo\.make_egress_path: invalid value for 'max_deliveries_per_connection': expected an integer, got the string "many"/);
  assert.match(lines[2], /^false\tkumo\.make_queue_config: invalid value for 'max_message_rate': /);
  assert.match(lines[3], /^false\tkumo\.set_httpinject_recipient_rate_limit: bad argument 'spec': /);
  assert.equal(lines[4], '300\tSingletonTimerWheel');
});

test('kumo.serde: JSON keeps integers and floats apart; TOML and YAML round-trip', async () => {
  const out = await lua(`
print(kumo.serde.json_encode({ n = 1, f = 1.5, g = 2.0, list = { 'a', 'b' }, empty = {} }))
local v = kumo.serde.json_parse('{"i": 3, "f": 3.0, "arr": [true, null, "x"]}')
print(math.type(v.i), math.type(v.f), v.arr[1], v.arr[3], v.arr[2] ~= nil)
print(pcall(kumo.serde.json_parse, '{"a": }'))
print(kumo.serde.json_load('data.json').k[2])
print(kumo.serde.toml_parse(kumo.serde.toml_encode({ name = 'n', port = 25 })).port)
print(kumo.serde.yaml_parse(kumo.serde.yaml_encode({ list = { 1, 2 } })).list[2])
print(kumo.json_encode({ 1, 2 }))`);
  assert.equal(out, '{"n":1,"f":1.5,"g":2.0,"list":["a","b"],"empty":{}}\ninteger\tfloat\ttrue\tx\ttrue\nfalse\tjson_parse: expected value at line 1 column 7\n2.5\n25\n2\n[1,2]\n');
});

test('kumo.time, digest, encode, uuid, string and regex', async () => {
  const out = await lua(`
local t = kumo.time.from_unix_timestamp(1700000000)
print(t.rfc3339, t.year, t:format('%Y/%m/%d %H:%M'), tostring(t))
print((t + kumo.time.parse_duration('1h')).hour, (kumo.time.from_unix_timestamp(1700000060) - t).seconds)
print(kumo.time.parse_rfc3339('2024-01-02T03:04:05Z').unix_timestamp, pcall(kumo.time.parse_rfc3339, 'junk'))
print(kumo.digest.sha1('abc').hex, kumo.digest.md5 == nil)
print(kumo.encode.base32hex_nopad_encode('hi'), kumo.encode.base64url_nopad_encode('\\255\\255'), pcall(kumo.encode.hex_decode, 'zz'))
print(kumo.uuid.parse('{67E55044-10B1-426F-9247-BB680E5FE0C8}').hyphenated, tostring(kumo.uuid.new_v7()):sub(15, 15))
print(table.concat(kumo.string.split_whitespace('  a  b c '), ','), kumo.string.replacen('aaa', 'a', 'b', 2))
local re = kumo.regex.compile('(?i)^x-(\\\\w+)$')
print(re:is_match('X-Mailer'), re:captures('x-foo')[1], table.concat(kumo.regex.compile('\\\\s*,\\\\s*'):split('a , b,c'), '|'))
print(pcall(kumo.regex.compile, '('))`);
  const lines = out.split('\n');
  assert.equal(lines[0], '2023-11-14T22:13:20+00:00\t2023\t2023/11/14 22:13\t2023-11-14 22:13:20 UTC');
  assert.equal(lines[1], '23\t60.0');
  assert.match(lines[2], /^1704164645\tfalse\tkumo\.time\.parse_rfc3339: cannot parse 'junk'$/);
  assert.equal(lines[3], 'a9993e364706816aba3e25717850c26c9cd0d89d\ttrue');
  assert.match(lines[4], /^D1KG\t__8\tfalse\tkumo\.encode\.hex_decode: invalid hex input$/);
  assert.equal(lines[5], '67e55044-10b1-426f-9247-bb680e5fe0c8\t7');
  assert.equal(lines[6], 'a,b,c\tbba');
  assert.equal(lines[7], 'true\tfoo\ta|b|c');
  assert.match(lines[8], /^false\tkumo\.regex\.compile: invalid pattern/);
});

test('kumo.dns answers from configure_test_resolver zones, with site_name from the MX set', async () => {
  const out = await lua(`
kumo.dns.configure_test_resolver {
  [[
$ORIGIN example.com.
@ 300 IN MX 10 mx1.example.com.
@ 300 IN MX 10 mx2
@ 300 IN MX 20 backup.other.net.
@ 300 IN TXT "v=spf1 -all"
mx1 A 10.0.0.1
mx2 A 10.0.0.2
mx2 AAAA 2001:db8::2
nomx A 10.0.0.9
  ]],
  [[
$ORIGIN 2.0.0.127.zen.example.
@ A 127.0.0.2
@ TXT "listed"
  ]],
}
local mx = kumo.dns.lookup_mx('Example.COM')
print(mx.domain_name, mx.site_name, table.concat(mx.hosts, ','), #mx.by_pref[10], mx.is_mx)
print(kumo.dns.lookup_txt('example.com')[1], table.concat(kumo.dns.lookup_addr('mx2.example.com'), ','))
print(kumo.dns.rbl_lookup('127.0.0.2', 'zen.example'))
print(kumo.dns.rbl_lookup('127.0.0.3', 'zen.example'))
print(kumo.dns.lookup_mx('nomx.example.com').site_name, pcall(kumo.dns.lookup_mx, 'missing.test'))
print(kumo.dns.reverse_ip('1.2.3.4'), kumo.dns.ptr_host('::1'):sub(-12))`);
  const lines = out.split('\n');
  assert.equal(lines[0], 'example.com.\t(mx1|mx2|backup).(example|other).(com|net)\tmx1.example.com.,mx2.example.com.,backup.other.net.\t2\ttrue');
  assert.equal(lines[1], 'v=spf1 -all\t10.0.0.2,2001:db8::2');
  assert.equal(lines[2], '127.0.0.2\tlisted');
  assert.equal(lines[3], 'nil\tnil');
  assert.match(lines[4], /^nomx\.example\.com\tfalse\tkumo\.dns\.lookup_mx: .*NXDOMAIN/);
  assert.equal(lines[5], '4.3.2.1\t0.0.ip6.arpa');
  const none = await lua(`print(pcall(kumo.dns.lookup_mx, 'example.com'))`);
  assert.match(none, /no DNS data; the simulator does not use the network/);
  const fromSettings = await lua(`print(kumo.dns.lookup_mx('x.test').hosts[1])`, { dnsZones: ['$ORIGIN x.test.\n@ MX 5 in.x.test.\n'] });
  assert.equal(fromSettings, 'in.x.test.\n');
});

test('kumo.memoize caches per arguments, also when the function waits', async () => {
  const out = await lua(`
local calls = 0
local slow = kumo.memoize(function(a, b)
  calls = calls + 1
  kumo.time.sleep(0.001)
  return { sum = a + b }
end, { name = 'user.sum', ttl = '1 minute', capacity = 10 })
print(slow(1, 2).sum, slow(1, 2).sum, slow(2, 2).sum, calls)
print(pcall(slow, function() end, 1))`);
  const lines = out.split('\n');
  assert.equal(lines[0], '3\t3\t4\t2');
  assert.match(lines[1], /^false\tmemoized function 'user\.sum': argument a function is not memoizable/);
});

test('kumo.http.build_client makes real requests with headers, body and timeouts', async () => {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/slow') return setTimeout(() => res.end('late'), 500);
      res.setHeader('X-Echo-Method', req.method ?? '');
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end(JSON.stringify({ auth: req.headers.authorization, ua: req.headers['user-agent'], body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const out = await lua(`
local client = kumo.http.build_client { user_agent = 'kumo-test' }
local resp = client:post('http://127.0.0.1:${port}/x'):bearer_auth('tok'):body('payload'):send()
local data = kumo.serde.json_parse(resp:text())
print(resp:status_code(), resp:status_is_success(), resp:headers()['x-echo-method'], data.auth, data.ua, data.body)
print(client:get('http://127.0.0.1:${port}/missing'):send():status_is_client_error())
print(pcall(function() return client:get('http://127.0.0.1:${port}/slow'):timeout(0.1):send() end))
print(pcall(function() return client:get('http://127.0.0.1:${port}/slow'):timeout(10) end))`);
    const lines = out.split('\n');
    assert.equal(lines[0], '200\ttrue\tPOST\tBearer tok\tkumo-test\tpayload');
    assert.equal(lines[1], 'true');
    assert.match(lines[2], /^false\t.*timed out after 0\.1 s/);
    assert.match(lines[3], /^false\tHttpRequest:timeout: invalid timeout duration/);
  } finally {
    server.close();
  }
});

test('kumo.fs lists, globs and reads metadata relative to the policy directory', async () => {
  const out = await lua(`
print(table.concat(kumo.fs.read_dir('sub'), ','))
print(table.concat(kumo.fs.glob('sub/*.lua'), ','), #kumo.glob('**/*.lua'))
local m = kumo.fs.metadata_for_path('data.json')
print(m.is_file, m.is_dir, m.len, type(m.mtime.unix_timestamp))`);
  assert.equal(out, 'sub/a.lua,sub/b.lua,sub/c.txt\nsub/a.lua,sub/b.lua\t2\ntrue\tfalse\t15\tnumber\n');
});

test('the Message object: meta, envelope, headers and data, changes visible from JS', async () => {
  const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'
kumo.on('smtp_server_message_received', function(msg)
  print(msg:sender().email, msg:recipient().domain, #msg:recipient_list(), msg:get_meta('tenant'))
  print(msg:get_first_named_header_value('subject'), msg:from_header().email, msg:from_header().name)
  msg:set_meta('queue', 'custom')
  msg:prepend_header('X-Tag', 'yes')
  msg:remove_all_named_headers('X-Old')
  msg:set_sender('bounce@example.net')
  print(msg:queue_name(), msg:get_first_named_header_value('x-tag'))
  print(pcall(msg.dkim_sign, msg, nil))
end)` });
  const c = capturingEngine(dir);
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  const msg = new SimMessage({
    sender: 'alice@example.org',
    recipients: ['bob@example.com'],
    meta: { tenant: 't1' },
    data: 'From: "Alice A" <alice@example.org>\r\nSubject: Hello\r\nX-Old: 1\r\n\r\nBody\r\n',
  });
  await c.engine.fireEvent('smtp_server_message_received', [msg]);
  const lines = printed(c).split('\n');
  assert.equal(lines[0], 'alice@example.org\texample.com\t1\tt1');
  assert.equal(lines[1], 'Hello\talice@example.org\tAlice A');
  assert.equal(lines[2], 'custom\tyes');
  assert.equal(lines[3], 'false\tMessage:dkim_sign is not available in the simulator');
  assert.equal(msg.sender, 'bounce@example.net');
  assert.equal(msg.meta.queue, 'custom');
  assert.equal(msg.data, 'X-Tag: yes\r\nFrom: "Alice A" <alice@example.org>\r\nSubject: Hello\r\n\r\nBody\r\n');
});

test('errors raised inside kumo functions carry the calling line', async () => {
  const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'\n\nkumo.make_queue_config { bogus = 1 }\n` });
  const c = capturingEngine(dir);
  await assert.rejects(c.engine.loadPolicy(join(dir, 'init.lua')), (e: unknown) => e instanceof LuaError && e.location?.line === 3);
});

test('kumo.reject raises an SMTP rejection the caller can read back', async () => {
  const dir = tempPolicy({ 'init.lua': `local kumo = require 'kumo'
kumo.on('smtp_server_mail_from', function(sender)
  if sender.domain == 'spam.example' then kumo.reject(550, '5.7.1 go away') end
end)
kumo.on('main', function() print(pcall(kumo.reject, 421, 'later')) print(pcall(kumo.disconnect, 421, 'x', 'Sometimes')) end)` });
  const c = capturingEngine(dir);
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  await assert.rejects(c.engine.fireEvent('smtp_server_mail_from', [{ domain: 'spam.example' }]), (e: unknown) =>
    e instanceof LuaError && e.value instanceof SmtpRejection && e.value.code === 550 && e.message === '550 5.7.1 go away');
  await c.engine.fireEvent('main');
  const lines = printed(c).split('\n');
  assert.equal(lines[0], 'false\t421 later');
  assert.match(lines[1], /^false\tkumo\.disconnect: disposition must be one of If421, FollowWith421, ForceDisconnect/);
});

test('a DNS settings file (JSON or a zone file) feeds the offline resolver', async () => {
  const dir = tempPolicy({
    'dns.json': JSON.stringify({ zones: ['$ORIGIN j.test.\n@ MX 1 mx.j.test.\n'], servfail: ['broken.test'] }),
    'dns.zone': '$ORIGIN z.test.\n@ 60 IN MX 5 mx.z.test.\n',
  });
  const json = capturingEngine(dir, { dnsSettingsFile: join(dir, 'dns.json') });
  await json.engine.runString(`local kumo = require 'kumo'\nprint(kumo.dns.lookup_mx('j.test').site_name, pcall(kumo.dns.lookup_mx, 'broken.test'))`);
  assert.match(printed(json), /^mx\.j\.test\tfalse\tkumo\.dns\.lookup_mx: SERVFAIL/);
  const zone = capturingEngine(dir, { dnsSettingsFile: join(dir, 'dns.zone') });
  await zone.engine.runString(`print(require('kumo').dns.lookup_mx('z.test').hosts[1])`);
  assert.equal(printed(zone), 'mx.z.test.\n');
});

test('kumo.get_event_registrars lists the call stack of every kumo.on call, as kumod records them', async () => {
  const dir = tempPolicy({
    'init.lua': `local kumo = require 'kumo'
local function reg(name) kumo.on(name, function() end) end
kumo.on('get_egress_path_config', function() end)
reg('smtp_server_message_received')
local ok = pcall(kumo.on, 'get_egress_path_config', function() end)
require 'sub'
kumo.on('main', function()
  local function show(name)
    local r = kumo.get_event_registrars(name)
    if r == nil then return print(name, nil) end
    for i, stack in ipairs(r) do print(name, i, table.concat(stack, ' ')) end
  end
  show('get_egress_path_config')
  show('smtp_server_message_received')
  show('init')
  show('never')
  print(ok, kumo.get_event_registrars('init') == kumo.get_event_registrars('init'))
end)
`,
    'sub.lua': `require('kumo').on('init', function() end)\n`,
  });
  const c = capturingEngine(dir);
  await c.engine.loadPolicy(join(dir, 'init.lua'));
  await c.engine.fireEvent('main');
  assert.equal(printed(c), [
    'get_egress_path_config\t1\tinit.lua:3',
    // the refused second registration of a single-handler event is recorded too (kumod records first)
    'get_egress_path_config\t2\t[C]:0 init.lua:5',
    'smtp_server_message_received\t1\tinit.lua:2 init.lua:4',
    'init\t1\tsub.lua:1 [C]:0 init.lua:6',
    'never\tnil',
    'false\ttrue',
    '',
  ].join('\n'));
});
