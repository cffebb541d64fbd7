/**
 * Durations as kumod's `duration_serde` accepts them: a number of seconds, or a humantime string
 * such as "500ms", "1s", "5 minutes", "1h 30m". Returns milliseconds.
 */
const UNITS_MS: Record<string, number> = {
  ns: 1e-6, nsec: 1e-6, nanos: 1e-6, nanosecond: 1e-6, nanoseconds: 1e-6,
  us: 1e-3, usec: 1e-3, micros: 1e-3, microsecond: 1e-3, microseconds: 1e-3, 'µs': 1e-3,
  ms: 1, msec: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};

export function parseDurationMs(value: string | number, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what}: ${value} is not a valid number of seconds`);
    return value * 1000;
  }
  const text = value.trim();
  if (text === '') throw new RangeError(`${what}: empty duration`);
  const re = /(\d+(?:\.\d+)?)\s*([a-zµ]+)\s*/giy;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new RangeError(`${what}: cannot parse '${value}' as a duration (expected e.g. "500ms", "1s", "5 minutes")`);
    const unit = UNITS_MS[m[2].toLowerCase()];
    if (unit === undefined) throw new RangeError(`${what}: unknown unit '${m[2]}' in '${value}'`);
    total += Number(m[1]) * unit;
    pos = re.lastIndex;
  }
  return total;
}
