/**
 * kumo.time: Time (UTC instants), TimeDelta and Timer objects; kumo.time.sleep lives in core.ts.
 * Time arithmetic follows the catalog's metamethods: Time - Time = TimeDelta, Time ± TimeDelta = Time.
 */
import { lua, lauxlib, LuaState, raise, T, toJsString, toLuaString } from '../lua-api';
import { pushNumber } from '../convert';
import { defineUserdataType, getObject, pushObject, objectTypeName } from '../userdata';
import { durationFromLua, formatDuration } from '../../values';
import type { KumoContext, KumoFunctions } from './context';

/** An instant: whole milliseconds since the epoch plus extra nanoseconds (0..999999). */
export class KTime {
  constructor(readonly ms: number, readonly extraNanos = 0) {}
  get date(): Date {
    return new Date(this.ms);
  }
  /** Seconds since the epoch, fractional. */
  get seconds(): number {
    return this.ms / 1000 + this.extraNanos / 1e9;
  }
}

export class KDelta {
  constructor(readonly seconds: number) {}
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const p2 = (n: number) => String(n).padStart(2, '0');

function nanosOf(t: KTime): number {
  return (t.ms % 1000 + 1000) % 1000 * 1e6 + t.extraNanos;
}

/** chrono's to_rfc3339: fraction only when non-zero (9 digits trimmed to 3/6/9), `+00:00`. */
export function rfc3339(t: KTime): string {
  const d = t.date;
  const base = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  return base + fraction(nanosOf(t)) + '+00:00';
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1e6 === 0) return '.' + String(nanos / 1e6).padStart(3, '0');
  if (nanos % 1e3 === 0) return '.' + String(nanos / 1e3).padStart(6, '0');
  return '.' + String(nanos).padStart(9, '0');
}

export function rfc2822(t: KTime): string {
  const d = t.date;
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** chrono-style strftime for the common specifiers. */
export function strftime(t: KTime, fmt: string): string {
  const d = t.date;
  const nanos = nanosOf(t);
  const dayOfYear = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  return fmt.replace(/%([-_0]?)(\.?[369]?)([a-zA-Z%+])/g, (all, _pad: string, frac: string, c: string) => {
    switch (c) {
      case 'Y': return String(d.getUTCFullYear());
      case 'y': return p2(d.getUTCFullYear() % 100);
      case 'C': return p2(Math.floor(d.getUTCFullYear() / 100));
      case 'm': return p2(d.getUTCMonth() + 1);
      case 'd': return p2(d.getUTCDate());
      case 'e': return String(d.getUTCDate()).padStart(2, ' ');
      case 'H': return p2(d.getUTCHours());
      case 'I': return p2(((d.getUTCHours() + 11) % 12) + 1);
      case 'M': return p2(d.getUTCMinutes());
      case 'S': return p2(d.getUTCSeconds());
      case 'p': return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'P': return d.getUTCHours() < 12 ? 'am' : 'pm';
      case 'a': return DAYS[d.getUTCDay()];
      case 'A': return DAYS_LONG[d.getUTCDay()];
      case 'b': case 'h': return MONTHS[d.getUTCMonth()];
      case 'B': return MONTHS_LONG[d.getUTCMonth()];
      case 'j': return String(dayOfYear).padStart(3, '0');
      case 'u': return String(d.getUTCDay() === 0 ? 7 : d.getUTCDay());
      case 'w': return String(d.getUTCDay());
      case 'Z': return 'UTC';
      case 'z': return '+0000';
      case 's': return String(Math.floor(t.ms / 1000));
      case 'f': {
        const digits = frac ? Number(frac.replace('.', '')) : 9;
        const text = String(nanos).padStart(9, '0').slice(0, digits);
        return frac.startsWith('.') ? (nanos === 0 && frac === '.' ? '' : '.' + text) : text;
      }
      case 'T': return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
      case 'R': return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
      case 'D': return `${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${p2(d.getUTCFullYear() % 100)}`;
      case 'F': return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
      case 'c': return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
      case '+': return rfc3339(t);
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return all;
    }
  });
}

/** chrono's Display for DateTime<Utc>: `2024-01-02 03:04:05.123 UTC`. */
function display(t: KTime): string {
  const d = t.date;
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}${fraction(nanosOf(t))} UTC`;
}

function fromSeconds(seconds: number): KTime {
  const ms = Math.floor(seconds * 1000);
  const nanos = Math.round((seconds * 1000 - ms) * 1e6);
  return new KTime(ms, Math.min(nanos, 999999));
}

export function timeFunctions(ctx: KumoContext): KumoFunctions {
  const L0 = ctx.host.L;
  const pushTime = (L: LuaState, t: KTime) => pushObject(L, 'Time', t);
  const pushDelta = (L: LuaState, d: KDelta) => pushObject(L, 'TimeDelta', d);
  const arith = (op: 'add' | 'sub') => (L: LuaState): number => {
    const a = getObject(L, 1);
    const b = getObject(L, 2);
    if (a instanceof KTime && b instanceof KDelta) pushTime(L, fromSeconds(a.seconds + (op === 'add' ? b.seconds : -b.seconds)));
    else if (op === 'sub' && a instanceof KTime && b instanceof KTime) pushDelta(L, new KDelta(a.seconds - b.seconds));
    else if (a instanceof KDelta && b instanceof KDelta) pushDelta(L, new KDelta(op === 'add' ? a.seconds + b.seconds : a.seconds - b.seconds));
    else if (op === 'add' && a instanceof KDelta && b instanceof KTime) pushTime(L, fromSeconds(b.seconds + a.seconds));
    else return raise(L, `cannot ${op === 'add' ? 'add' : 'subtract'} ${objectTypeName(L, 2) ?? toJsString(lauxlib.luaL_typename(L, 2))} ${op === 'add' ? 'to' : 'from'} ${objectTypeName(L, 1) ?? toJsString(lauxlib.luaL_typename(L, 1))}`);
    return 1;
  };
  const eq = (L: LuaState): number => {
    const a = getObject(L, 1) as KTime | KDelta;
    const b = getObject(L, 2) as KTime | KDelta;
    lua.lua_pushboolean(L, a !== undefined && b !== undefined && a.constructor === b.constructor && a.seconds === b.seconds);
    return 1;
  };
  defineUserdataType<KTime>(L0, {
    name: 'Time',
    toString: display,
    methods: {
      format: (L, t) => {
        lua.lua_pushstring(L, toLuaString(strftime(t, toJsString(lauxlib.luaL_checkstring(L, 2)))));
        return 1;
      },
    },
    getField: (L, t, key) => {
      const d = t.date;
      const fields: Record<string, () => void> = {
        year: () => lua.lua_pushinteger(L, d.getUTCFullYear()),
        month: () => lua.lua_pushinteger(L, d.getUTCMonth() + 1),
        day: () => lua.lua_pushinteger(L, d.getUTCDate()),
        hour: () => lua.lua_pushinteger(L, d.getUTCHours()),
        minute: () => lua.lua_pushinteger(L, d.getUTCMinutes()),
        second: () => lua.lua_pushinteger(L, d.getUTCSeconds()),
        unix_timestamp: () => pushNumber(L, Math.floor(t.ms / 1000)),
        unix_timestamp_millis: () => pushNumber(L, t.ms),
        rfc2822: () => lua.lua_pushstring(L, toLuaString(rfc2822(t))),
        rfc3339: () => lua.lua_pushstring(L, toLuaString(rfc3339(t))),
        elapsed: () => pushDelta(L, new KDelta(Date.now() / 1000 - t.seconds)),
      };
      const f = fields[key];
      if (!f) return 0;
      f();
      return 1;
    },
    meta: { __eq: eq, __add: arith('add'), __sub: arith('sub'), __lt: (L) => (lua.lua_pushboolean(L, (getObject(L, 1) as KTime).seconds < (getObject(L, 2) as KTime).seconds), 1) },
  });
  defineUserdataType<KDelta>(L0, {
    name: 'TimeDelta',
    toString: (d) => formatDuration(d.seconds),
    getField: (L, d, key) => {
      switch (key) {
        case 'seconds': lua.lua_pushnumber(L, d.seconds); return 1;
        case 'milliseconds': pushNumber(L, Math.trunc(d.seconds * 1000)); return 1;
        case 'microseconds': pushNumber(L, Math.trunc(d.seconds * 1e6)); return 1;
        case 'nanoseconds': pushNumber(L, Math.trunc(d.seconds * 1e9)); return 1;
        case 'human': lua.lua_pushstring(L, toLuaString(formatDuration(d.seconds))); return 1;
        default: return 0;
      }
    },
    meta: { __eq: eq, __add: arith('add'), __sub: arith('sub') },
  });
  defineUserdataType<{ label: string; started: number; done: boolean }>(L0, {
    name: 'Timer',
    methods: {
      done: (L, timer) => {
        if (timer.done) return 0;
        timer.done = true;
        lua.lua_pushnumber(L, (performance.now() - timer.started) / 1000);
        return 1;
      },
    },
    meta: {
      __close: (L) => {
        const timer = getObject(L, 1) as { done: boolean };
        timer.done = true;
        return 0;
      },
    },
  });
  const parse = (L: LuaState, what: string, parser: (s: string) => number): number => {
    const s = toJsString(lauxlib.luaL_checkstring(L, 1));
    const ms = parser(s);
    if (!Number.isFinite(ms)) return raise(L, `${what}: cannot parse '${s}'`);
    pushTime(L, new KTime(ms, 0));
    return 1;
  };
  return {
    'kumo.time.now': (L) => {
      const hr = performance.timeOrigin + performance.now();
      const ms = Math.floor(hr);
      pushTime(L, new KTime(ms, Math.floor((hr - ms) * 1e6)));
      return 1;
    },
    'kumo.time.from_unix_timestamp': (L) => {
      pushTime(L, fromSeconds(lauxlib.luaL_checknumber(L, 1) as number));
      return 1;
    },
    'kumo.time.with_ymd_hms': (L) => {
      const v = [1, 2, 3, 4, 5, 6].map((i) => lauxlib.luaL_checkinteger(L, i) as number);
      const ms = Date.UTC(v[0], v[1] - 1, v[2], v[3], v[4], v[5]);
      const back = new Date(ms);
      if (back.getUTCMonth() !== v[1] - 1 || back.getUTCDate() !== v[2] || v[3] > 23 || v[4] > 59 || v[5] > 59) {
        return raise(L, `kumo.time.with_ymd_hms: ${v.join(', ')} is not a valid date and time`);
      }
      pushTime(L, new KTime(ms));
      return 1;
    },
    'kumo.time.parse_rfc3339': (L) => parse(L, 'kumo.time.parse_rfc3339', (s) => (/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.test(s) ? Date.parse(s.replace(' ', 'T')) : NaN)),
    'kumo.time.parse_rfc2822': (L) => parse(L, 'kumo.time.parse_rfc2822', (s) => Date.parse(s)),
    'kumo.time.parse_duration': (L) => {
      const t = lua.lua_type(L, 1);
      if (t !== T.STRING && t !== T.NUMBER) return raise(L, 'kumo.time.parse_duration: expected a duration string or number of seconds');
      const value = t === T.STRING ? toJsString(lua.lua_tostring(L, 1)) : (lua.lua_tonumber(L, 1) as number);
      const r = durationFromLua(value, { float: t === T.NUMBER && !lua.lua_isinteger(L, 1), callSite: 'time_parse_duration' });
      if (!r.ok) return raise(L, `kumo.time.parse_duration: ${r.error.message}`);
      pushDelta(L, new KDelta(r.value.seconds));
      return 1;
    },
    'kumo.time.start_timer': (L) => {
      const label = toJsString(lauxlib.luaL_checkstring(L, 1));
      pushObject(L, 'Timer', { label, started: performance.now(), done: false });
      return 1;
    },
  };
}


