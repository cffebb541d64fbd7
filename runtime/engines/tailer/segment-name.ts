/**
 * kumod's segment names: `%Y%m%d-%H%M%S%.f` (chrono), where `%.f` prints 0, 3, 6 or 9 fractional digits
 * depending on how many trailing zeros the nanoseconds have, followed by an optional suffix.
 */
export function formatSegmentName(epochMs: number, subMsNanos = 0, suffix = '', timeZone = 'UTC'): string {
  const d = new Date(Math.floor(epochMs));
  const f = fields(d, timeZone);
  const nanos = (((Math.floor(epochMs) % 1000) + 1000) % 1000) * 1_000_000 + Math.floor(subMsNanos);
  return `${f.y}${f.mo}${f.d}-${f.h}${f.mi}${f.s}${fraction(nanos)}${suffix}`;
}

/** chrono's AutoSi fraction: "", ".fff", ".ffffff" or ".fffffffff". */
export function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const s = String(nanos).padStart(9, '0');
  if (nanos % 1_000_000 === 0) return '.' + s.slice(0, 3);
  if (nanos % 1_000 === 0) return '.' + s.slice(0, 6);
  return '.' + s;
}

/** RFC 3339 in UTC with `Z` and AutoSi fraction, as kumod logs `event_time` and `created_time`. */
export function rfc3339(epochSeconds: number, nanos: number): string {
  const iso = new Date(epochSeconds * 1000).toISOString();
  return iso.slice(0, 19) + fraction(nanos) + 'Z';
}

function fields(d: Date, timeZone: string): Record<'y' | 'mo' | 'd' | 'h' | 'mi' | 's', string> {
  if (timeZone === 'UTC') {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return { y: p(d.getUTCFullYear(), 4), mo: p(d.getUTCMonth() + 1), d: p(d.getUTCDate()), h: p(d.getUTCHours()), mi: p(d.getUTCMinutes()), s: p(d.getUTCSeconds()) };
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { y: get('year').padStart(4, '0'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** Hands out strictly increasing names even when called twice within one clock tick. */
export class SegmentNamer {
  private lastMs = 0;
  private lastNanos = -1;
  constructor(private readonly suffix = '', private readonly timeZone = 'UTC', private readonly clock: () => number = Date.now) {}

  next(): string {
    let ms = Math.floor(this.clock());
    let nanos = Math.floor(Math.random() * 1_000_000);
    if (ms < this.lastMs || (ms === this.lastMs && nanos <= this.lastNanos)) {
      ms = this.lastMs;
      nanos = this.lastNanos + 1;
      if (nanos >= 1_000_000) { ms++; nanos = 0; }
    }
    this.lastMs = ms;
    this.lastNanos = nanos;
    return formatSegmentName(ms, nanos, this.suffix, this.timeZone);
  }
}
