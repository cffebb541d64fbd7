import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationFromLua, durationFromSecsF64, formatDuration, humantimeFormat, parseDuration } from './duration';

// Golden values worked out from humantime 2.4.0's src/duration.rs (its own unit tests included)
// and kumomta's duration_serde; not from this implementation.

/** [input, whole seconds, nanos, warning codes] */
const VALID: Array<[string, bigint, number, string[]?]> = [
  // value_formats.duration examples_valid
  ['20 minutes', 1200n, 0],
  ['1h', 3600n, 0],
  ['500ms', 0n, 500_000_000],
  ['7 days', 604800n, 0],
  ['1h 30m', 5400n, 0],
  ['2h37min', 9420n, 0],
  ['4.2s', 4n, 200_000_000],
  ['0', 0n, 0],
  ['10 seconds', 10n, 0],
  ['5m', 300n, 0],
  // every unit spelling
  ['2h 37min', 9420n, 0],
  ['32ms', 0n, 32_000_000],
  ['17nsec', 0n, 17],
  ['17nanos', 0n, 17],
  ['33ns', 0n, 33],
  ['3usec', 0n, 3000],
  ['78us', 0n, 78_000],
  ['163\u00b5s', 0n, 163_000],
  ['31msec', 0n, 31_000_000],
  ['31millis', 0n, 31_000_000],
  ['300secs', 300n, 0],
  ['300sec', 300n, 0],
  ['50seconds', 50n, 0],
  ['1second', 1n, 0],
  ['12mins', 720n, 0],
  ['1minute', 60n, 0],
  ['7minutes', 420n, 0],
  ['7hr', 25200n, 0],
  ['7hrs', 25200n, 0],
  ['24hours', 86400n, 0],
  ['1day', 86400n, 0],
  ['2days', 172_800n, 0],
  ['1week', 604_800n, 0],
  ['104wks', 62_899_200n, 0],
  ['100wk', 60_480_000n, 0],
  ['52w', 31_449_600n, 0],
  ['1month', 2_630_016n, 0],
  ['3months', 7_890_048n, 0],
  ['12M', 31_560_192n, 0, ['duration-months']],
  ['1year', 31_557_600n, 0],
  ['15yrs', 473_364_000n, 0],
  ['10yr', 315_576_000n, 0],
  ['17y', 536_479_200n, 0],
  // fractions
  ['3.1us', 0n, 3100],
  ['3.001us', 0n, 3001],
  ['31.000001ms', 0n, 31_000_001],
  ['1.123456789s', 1n, 123_456_789],
  ['1.000000002s', 1n, 2],
  ['0.0s', 0n, 0],
  ['12.1min', 726n, 0],
  ['1.5minutes', 90n, 0],
  ['2.0hours', 7200n, 0],
  ['2.5h', 9000n, 0],
  ['0.5h', 1800n, 0],
  ['0.1h', 360n, 0],
  ['1.5d', 129_600n, 0],
  ['1.3d', 112_320n, 0],
  ['1.234s 1.345ms 1.678us 1ns', 1n, 235_346_679],
  ['1.234s0.345ms0.678us0ns', 1n, 234_345_678],
  ['7.123us 4ns', 0n, 7127],
  // whitespace rules
  ['20 min 17 nsec ', 1200n, 17],
  ['  5s', 5n, 0],
  ['1 hour 30 minutes', 5400n, 0],
  ['1h\t30m', 5400n, 0],
  ['1h\u00a030m', 5400n, 0],
  ['1h30m', 5400n, 0],
  ['1 2h', 43_200n, 0, ['duration-split-number']],
  ['1 000 000 s', 1_000_000n, 0, ['duration-split-number']],
  ['1. 5s', 1n, 500_000_000],
  ['1 .5s', 1n, 500_000_000],
  ['1.5 5s', 1n, 550_000_000],
  // carries, zeros, limits
  ['0.5s 0.5s', 1n, 0],
  ['5000000000ns', 5n, 0],
  ['00s', 0n, 0],
  ['0s', 0n, 0],
  ['18446744073709551615s', 18_446_744_073_709_551_615n, 0],
  // months: warned only when minutes were likely meant
  ['5M', 13_150_080n, 0, ['duration-months']],
  ['10 months', 26_300_160n, 0],
  ['1 month 2 hours', 2_637_216n, 0, ['duration-months']],
];

/** [input, humantime message, start, end] */
const INVALID: Array<[string, string, number, number]> = [
  // value_formats.duration examples_invalid
  ['10', 'time unit needed, for example 10sec or 10ms', 0, 2],
  ['1 hour 30', 'time unit needed, for example 30sec or 30ms', 7, 9],
  ['-1s', 'expected number at 0', 0, 1],
  ['1h,30m', 'invalid character at 2', 2, 3],
  ['1H', 'unknown time unit "H", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 1, 2],
  ['5 mn', 'unknown time unit "mn", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 2, 4],
  // humantime's own error tests
  ['', 'value was empty', 0, 0],
  ['   ', 'value was empty', 0, 3],
  ['\r', 'value was empty', 0, 1],
  ['\0', 'expected number at 0', 0, 1],
  ['1~', 'invalid character at 1', 1, 2],
  ['1Nå', 'invalid character at 2', 2, 3],
  ['222nsec221nanosmsec7s5msec572s', 'unknown time unit "nanosmsec", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 10, 19],
  ['123', 'time unit needed, for example 123sec or 123ms', 0, 3],
  ['10 months 1', 'time unit needed, for example 1sec or 1ms', 10, 11],
  ['10nights', 'unknown time unit "nights", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 2, 8],
  ['1.s', 'invalid character at 1', 1, 2],
  ['1..s', 'invalid character at 1', 1, 2],
  ['1.', 'invalid character at 1', 1, 2],
  ['.1s', 'expected number at 0', 0, 1],
  ['.', 'expected number at 0', 0, 1],
  // precision / overflow
  ['0.000123456789s', OVERFLOW(), 0, 15],
  ['17.5nsec', OVERFLOW(), 0, 8],
  ['1.0ns', OVERFLOW(), 0, 5],
  ['3.0001us', OVERFLOW(), 0, 8],
  ['31.0000001ms', OVERFLOW(), 0, 12],
  ['1.0000000002s', OVERFLOW(), 0, 13],
  ['0.00000005d', OVERFLOW(), 0, 11],
  ['0.001h', OVERFLOW(), 0, 6],
  ['100000000000000000000ns', OVERFLOW(), 0, 21],
  ['100000000000000ms', OVERFLOW(), 0, 17],
  ['10000000000000000000m', OVERFLOW(), 0, 21],
  ['1000000000000000M', OVERFLOW(), 0, 17],
  ['10000000000000y', OVERFLOW(), 0, 15],
  ['18446744073709551616s', OVERFLOW(), 0, 20],
  ['18446744073709551615s 1s', OVERFLOW(), 22, 24],
  // numbers, units and separators in the wrong place
  ['2 hours min', 'expected number at 8', 8, 11],
  ['1h 30', 'time unit needed, for example 30sec or 30ms', 3, 5],
  ['h', 'expected number at 0', 0, 1],
  ['1 h m', 'expected number at 4', 4, 5],
  ['1h-30m', 'invalid character at 2', 2, 3],
  ['1s;', 'invalid character at 2', 2, 3],
  ['1,5s', 'invalid character at 1', 1, 2],
  ['1.5.s', 'invalid character at 3', 3, 4],
  ['1e3s', 'unknown time unit "e", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 1, 2],
  ['five minutes', 'expected number at 0', 0, 4],
  ['1 hours30', 'time unit needed, for example 30sec or 30ms', 7, 9],
  ['1m30', 'time unit needed, for example 30sec or 30ms', 2, 4],
  ['1\u00b5', 'unknown time unit "µ", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 1, 2],
  ['1\u03bcs', 'invalid character at 1', 1, 2],
  ['5 secs.', 'invalid character at 6', 6, 7],
  ['1h 30m ago', 'expected number at 7', 7, 10],
  ['+5s', 'expected number at 0', 0, 1],
  [' 0', 'time unit needed, for example 0sec or 0ms', 1, 2],
  ['00', 'time unit needed, for example 0sec or 0ms', 0, 2],
  ['1 Hour', 'unknown time unit "Hour", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 2, 6],
  ['1MIN', 'unknown time unit "MIN", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 1, 4],
  ['1.5', 'time unit needed, for example 1sec or 1ms', 0, 3],
  ['1 5', 'time unit needed, for example 15sec or 15ms', 0, 3],
  ['1nsecs', 'unknown time unit "nsecs", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 1, 6],
  ['1\u00b5sec', 'unknown time unit "µsec", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 1, 5],
  ['1mo', 'unknown time unit "mo", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)', 1, 3],
  // UTF-16 spans vs UTF-8 byte offsets in the message
  ['\u{1f4a5}5s', 'expected number at 0', 0, 2],
  ['5s\u{1f4a5}', 'invalid character at 2', 2, 4],
  ['1\u00b5s,', 'invalid character at 4', 3, 4],
];

function OVERFLOW(): string {
  return 'number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)';
}

test(`duration golden: ${VALID.length} valid inputs`, () => {
  assert.ok(VALID.length >= 40);
  for (const [input, secs, nanos, warns] of VALID) {
    const r = parseDuration(input);
    assert.ok(r.ok, `${JSON.stringify(input)} should parse: ${JSON.stringify(!r.ok && r.error)}`);
    assert.equal(r.value.secs, secs, JSON.stringify(input));
    assert.equal(r.value.nanos, nanos, JSON.stringify(input));
    assert.equal(r.value.seconds, Number(secs) + nanos / 1e9, JSON.stringify(input));
    assert.deepEqual((r.warnings ?? []).map((w) => w.code), warns ?? [], JSON.stringify(input));
  }
});

test(`duration golden: ${INVALID.length} invalid inputs with exact messages and spans`, () => {
  assert.ok(INVALID.length >= 40);
  for (const [input, message, start, end] of INVALID) {
    const r = parseDuration(input);
    assert.ok(!r.ok, `${JSON.stringify(input)} should be rejected`);
    assert.deepEqual([r.error.message, r.error.start, r.error.end], [message, start, end], JSON.stringify(input));
    assert.equal(r.error.kumodMessage, `invalid value: string ${JSON.stringify(input).replace(/\\u0000/g, '\\0')}, expected a duration`);
  }
});

test('duration hints point at the likely fix', () => {
  const hint = (s: string) => {
    const r = parseDuration(s);
    return r.ok ? undefined : r.error.hint;
  };
  assert.match(hint('1H')!, /case-sensitive.*"h"/);
  assert.match(hint('5 mn')!, /"min"/);
  assert.match(hint('1h,30m')!, /spaces/);
  assert.match(hint('-1s')!, /negative/);
  assert.match(hint('10')!, /unit/);
  assert.match(hint('0.001h')!, /whole seconds/);
});

test('duration warnings: months written as M, and their spans', () => {
  const r = parseDuration('1h 30M');
  assert.ok(r.ok);
  assert.equal(r.value.secs, 3600n + 30n * 2_630_016n);
  assert.deepEqual(r.warnings?.map((w) => [w.code, w.start, w.end]), [['duration-months', 5, 6]]);
  const plain = parseDuration('5m');
  assert.ok(plain.ok && plain.warnings === undefined);
});

test('durationFromLua mirrors duration_serde', () => {
  const ok = (v: number | bigint | string, secs: bigint, nanos: number, float?: boolean) => {
    const r = durationFromLua(v, float === undefined ? {} : { float });
    assert.ok(r.ok, String(v));
    assert.deepEqual([r.value.secs, r.value.nanos], [secs, nanos], String(v));
  };
  const bad = (v: number | bigint | string, message: RegExp, float?: boolean) => {
    const r = durationFromLua(v, float === undefined ? {} : { float });
    assert.ok(!r.ok, String(v));
    assert.match(r.error.message, message);
  };
  ok(10, 10n, 0);
  ok(0, 0n, 0);
  ok(5n, 5n, 0);
  ok(10, 10n, 0, true);
  ok(1.5, 1n, 500_000_000);
  ok(0.1, 0n, 100_000_000);
  ok(0.999e-9, 0n, 1); // rounds to nearest
  ok(1e-10, 0n, 0);
  ok(-0, 0n, 0, true);
  ok('5 minutes', 300n, 0);
  bad(-1, /positive integer specifying the number of seconds/);
  bad(-1.5, /value is negative/);
  bad(NaN, /too big or NaN/, true);
  bad(Infinity, /too big or NaN/, true);
  bad(1e20, /too big or NaN/);
  bad('10', /time unit needed/);
});

test('durationFromSecsF64 is exact for binary floats', () => {
  assert.deepEqual(durationFromSecsF64(2 ** -30), { secs: 0n, nanos: 1n });
  assert.deepEqual(durationFromSecsF64(1.25), { secs: 1n, nanos: 250_000_000n });
  assert.deepEqual(durationFromSecsF64(2 ** 63), { secs: 2n ** 63n, nanos: 0n });
  assert.equal(durationFromSecsF64(2 ** 64), null);
});

test('formatDuration hover text', () => {
  assert.equal(formatDuration(1200), '20 minutes = 1200 s');
  assert.equal(formatDuration(5400), '1 hour 30 minutes = 5400 s');
  assert.equal(formatDuration(0.5), '500 milliseconds = 0.5 s');
  assert.equal(formatDuration(0), '0 seconds = 0 s');
  assert.equal(formatDuration(86400), '1 day = 86400 s');
  assert.equal(formatDuration(604800), '1 week = 604800 s');
  assert.equal(formatDuration(90.5), '1 minute 30.5 seconds = 90.5 s');
  assert.equal(formatDuration(1), '1 second = 1 s');
  assert.equal(formatDuration(0.000001), '1 microsecond = 0.000001 s');
  assert.equal(formatDuration(0.000000017), '17 nanoseconds = 0.000000017 s');
  assert.equal(formatDuration(-5), 'minus 5 seconds = -5 s');
  assert.equal(formatDuration(2_630_016), '30 days 10 hours 33 minutes 36 seconds = 2630016 s');
});

test('humantimeFormat matches humantime format_duration', () => {
  assert.equal(humantimeFormat(9420n), '2h 37m');
  assert.equal(humantimeFormat(0n, 32_000_000), '32ms');
  assert.equal(humantimeFormat(0n), '0s');
  assert.equal(humantimeFormat(0n, 123_000), '123us');
  assert.equal(humantimeFormat(31_557_600n + 2n * 2_630_016n + 86400n), '1year 2months 1day');
  assert.equal(humantimeFormat(15n), '15s');
  // Round trip for a spread of values.
  for (const s of [1n, 59n, 61n, 3599n, 86399n, 2_630_016n, 31_557_600n, 123_456_789n]) {
    const r = parseDuration(humantimeFormat(s, 1_002_003));
    assert.ok(r.ok);
    assert.deepEqual([r.value.secs, r.value.nanos], [s, 1_002_003]);
  }
});

test('call sites that read durations without duration_serde', () => {
  const http = durationFromLua(10, { callSite: 'http_timeout' });
  assert.ok(!http.ok);
  assert.equal(http.error.message, 'invalid timeout duration');
  const httpF = durationFromLua(10, { callSite: 'http_timeout', float: true });
  assert.ok(httpF.ok && httpF.value.secs === 10n);
  const httpS = durationFromLua('10', { callSite: 'http_timeout' });
  assert.ok(!httpS.ok);
  assert.equal(httpS.error.kumodMessage, undefined);
  assert.equal(httpS.error.message, 'time unit needed, for example 10sec or 10ms');
  const neg = durationFromLua(-5, { callSite: 'time_parse_duration' });
  assert.ok(neg.ok);
  assert.equal(neg.value.secs, -5n);
  assert.equal(neg.value.seconds, -5);
  const far = durationFromLua(10n ** 16n, { callSite: 'time_parse_duration' });
  assert.ok(!far.ok);
  assert.equal(far.error.message, 'seconds out of range');
});
