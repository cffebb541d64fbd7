// Site names from KumoCorp/kumomta crates/mailexchanger/src/lib.rs: the `name_factoring` and
// `mx_order_name_factor` unit tests, plus cases worked out from `lookup_mx_record`/`resolve_uncached`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factorNames, resolveSite, hasColonPort, readyQueueName, mxListSiteName, failedSiteName } from './site-name';

test('factor_names: kumod unit-test table', () => {
  const cases: Array<[string[], string]> = [
    [['mta5.am0.yahoodns.net', 'mta6.am0.yahoodns.net', 'mta7.am0.yahoodns.net'], '(mta5|mta6|mta7).am0.yahoodns.net'],
    [['mta5.AM0.yahoodns.net', 'mta6.am0.yAHOodns.net', 'mta7.am0.yahoodns.net'], '(mta5|mta6|mta7).am0.yahoodns.net'],
    [
      ['gmail-smtp-in.l.google.com', 'alt1.gmail-smtp-in.l.google.com', 'alt2.gmail-smtp-in.l.google.com', 'alt3.gmail-smtp-in.l.google.com', 'alt4.gmail-smtp-in.l.google.com'],
      '(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com',
    ],
    [['mta5.am0.yahoodns.net:123', 'mta6.am0.yahoodns.net:123', 'mta7.am0.yahoodns.net:123'], '(mta5|mta6|mta7).am0.yahoodns.net:123'],
    [['mta5.am0.yahoodns.net:123', 'mta6.am0.yahoodns.net:456', 'mta7.am0.yahoodns.net:123'], '(mta5|mta6|mta7).am0.yahoodns.(net:123|net:456)'],
    [
      ['example-com.mail.protection.outlook.com.', 'mx-biz.mail.am0.yahoodns.net.', 'mx-biz.mail.am0.yahoodns.net.'],
      '(example-com|mx-biz).mail.(protection|am0).(outlook|yahoodns).(com|net)',
    ],
    [
      ['mx-biz.mail.am0.yahoodns.net.', 'mx-biz.mail.am0.yahoodns.net.', 'example-com.mail.protection.outlook.com.'],
      '(mx-biz|example-com).mail.(am0|protection).(yahoodns|outlook).(net|com)',
    ],
    [['.'], ''],
    [['mx.example.com.'], 'mx.example.com'],
  ];
  for (const [hosts, want] of cases) assert.equal(factorNames(hosts), want, hosts.join(','));
});

test('resolveSite: gmail MX set sorted by preference then name', () => {
  const r = resolveSite('gmail.com', {
    records: [
      { preference: 40, exchange: 'alt4.gmail-smtp-in.l.google.com.' },
      { preference: 5, exchange: 'gmail-smtp-in.l.google.com.' },
      { preference: 20, exchange: 'alt2.gmail-smtp-in.l.google.com.' },
      { preference: 10, exchange: 'ALT1.gmail-smtp-in.l.google.com.' },
      { preference: 30, exchange: 'alt3.gmail-smtp-in.l.google.com.' },
    ],
  });
  assert.ok(r.ok);
  assert.equal(r.siteName, '(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com');
  assert.equal(r.hosts[0], 'gmail-smtp-in.l.google.com.');
});

test('resolveSite: same preference sorts alphabetically; order matters for the result', () => {
  const r = resolveSite('yahoo.com', {
    records: [
      { preference: 1, exchange: 'mta7.am0.yahoodns.net.' },
      { preference: 1, exchange: 'mta5.am0.yahoodns.net.' },
      { preference: 1, exchange: 'mta6.am0.yahoodns.net.' },
    ],
  });
  assert.ok(r.ok);
  assert.equal(r.siteName, '(mta5|mta6|mta7).am0.yahoodns.net');
  const r2 = resolveSite('x.com', { records: [{ preference: 10, exchange: 'b.mx.net.' }, { preference: 20, exchange: 'a.mx.net.' }] });
  assert.ok(r2.ok);
  assert.equal(r2.siteName, '(b|a).mx.net');
});

test('resolveSite: implicit MX, port, null MX, NXDOMAIN, literals', () => {
  const implicit = resolveSite('Example.COM', { records: [] });
  assert.ok(implicit.ok);
  assert.equal(implicit.siteName, 'example.com');
  assert.equal(implicit.isMx, false);
  const port = resolveSite('example.com:2525', { records: [{ preference: 0, exchange: 'mx1.example.com.' }, { preference: 0, exchange: 'mx2.example.com.' }] });
  assert.ok(port.ok);
  assert.deepEqual(port.hosts, ['mx1.example.com.:2525', 'mx2.example.com.:2525']);
  assert.equal(port.siteName, '(mx1|mx2).example.com:2525');
  const nullMx = resolveSite('nomail.example', { records: [{ preference: 0, exchange: '.' }] });
  assert.ok(nullMx.ok);
  assert.equal(nullMx.siteName, '');
  assert.equal(resolveSite('gone.example', { records: [], nxdomain: true }).ok, false);
  const lit = resolveSite('[10.0.0.1]', { records: [] });
  assert.ok(lit.ok);
  assert.equal(lit.siteName, '10.0.0.1');
  const lit6 = resolveSite('[IPv6:2001:DB8:0:0:0:0:0:1]', { records: [] });
  assert.ok(lit6.ok);
  assert.equal(lit6.siteName, '2001:db8::1');
  const litPort = resolveSite('[10.0.0.1]:2525', { records: [] });
  assert.ok(litPort.ok);
  assert.equal(litPort.siteName, '10.0.0.1:2525');
});

test('has_colon_port and names', () => {
  assert.deepEqual(hasColonPort('foo.com:25'), ['foo.com', 25]);
  assert.equal(hasColonPort('::1'), null);
  assert.equal(hasColonPort('foo.com:99999'), null);
  assert.equal(readyQueueName('ip-1', '(mta5|mta6|mta7).am0.yahoodns.net'), 'ip-1->(mta5|mta6|mta7).am0.yahoodns.net@smtp_client');
  assert.equal(mxListSiteName(['smart.host.local', 'mx.example.com']), 'mx_list:smart.host.local,mx.example.com');
  assert.equal(failedSiteName('x.invalid', true), 'NXDOMAIN:x.invalid');
});
