/**
 * kumo.make_throttle and the Throttle object, as kumod has them (crates/kumod/src/mod_kumo.rs `UserThrottle`):
 * the key is `lua-user-throttle-<name>`, checked against the local GCRA (runtime/engines/throttle) in a store
 * shared by the whole engine, so throttles of the same name and spec share state. The simulator has no Redis,
 * so every throttle is local. The clock is the process's monotonic clock; waits go through the scheduler's
 * timers, so cancelling the engine ends them.
 */
import { lua, lauxlib, LuaState, raise, toJsString, toLuaString } from '../lua-api';
import { defineUserdataType, getObject, pushObject } from '../userdata';
import { pushNumber } from '../convert';
import { ThrottleStore, type ThrottleResult } from '../../engines/throttle/gcra';
import { formatThrottle, parseThrottle } from '../../values/throttle';
import type { ThrottleSpec } from '../../values/types';
import { explainThrottle } from './throttle-explain';
import { JSON_NULL } from './serde';
import { SimMessage } from './message';
import type { KumoContext, KumoFunctions } from './context';

export interface UserThrottle {
  /** `lua-user-throttle-<name>`. */
  name: string;
  spec: ThrottleSpec;
}

/** A serde `Duration` as mlua's `to_value` makes it: `{ secs = N, nanos = 0 }` (kumod's results are whole seconds). */
function pushDuration(L: LuaState, secs: number): void {
  lua.lua_createtable(L, 0, 2);
  pushNumber(L, secs);
  lua.lua_setfield(L, -2, toLuaString('secs'));
  lua.lua_pushinteger(L, 0);
  lua.lua_setfield(L, -2, toLuaString('nanos'));
}

/**
 * `ThrottleResult` serialized by mlua: `throttled`, `limit`, `remaining`, `reset_after` and `retry_after`
 * (serde Durations); `retry_after` of an allowed call is mlua's null, a light userdata (truthy in Lua), not nil.
 */
export function pushThrottleResult(L: LuaState, r: ThrottleResult): void {
  lua.lua_createtable(L, 0, 5);
  lua.lua_pushboolean(L, r.throttled);
  lua.lua_setfield(L, -2, toLuaString('throttled'));
  pushNumber(L, r.limit);
  lua.lua_setfield(L, -2, toLuaString('limit'));
  pushNumber(L, r.remaining);
  lua.lua_setfield(L, -2, toLuaString('remaining'));
  pushDuration(L, r.resetAfter);
  lua.lua_setfield(L, -2, toLuaString('reset_after'));
  if (r.retryAfter === null) lua.lua_pushlightuserdata(L, JSON_NULL);
  else pushDuration(L, r.retryAfter);
  lua.lua_setfield(L, -2, toLuaString('retry_after'));
}

export function throttleFunctions(ctx: KumoContext): KumoFunctions {
  const store = new ThrottleStore();
  const scheduler = ctx.host.scheduler;
  const nowNs = () => Math.round(performance.now() * 1e6);
  /** One check (kumod's `spec.throttle(name)`); redis-cell's errors (a zero rate) become Lua errors. */
  const check = (L: LuaState, t: UserThrottle, method: string): ThrottleResult => {
    try {
      return store.throttle(t.name, t.spec, nowNs());
    } catch (e) {
      return raise(L, `Throttle:${method}: ${(e as Error).message}`);
    }
  };
  defineUserdataType<UserThrottle>(ctx.host.L, {
    name: 'Throttle',
    toString: (t) => `Throttle(${t.name}, ${formatThrottle(t.spec)})`,
    methods: {
      throttle: (L, t) => {
        pushThrottleResult(L, check(L, t, 'throttle'));
        return 1;
      },
      explain: (L, t) => {
        lua.lua_pushstring(L, toLuaString(explainThrottle(t.spec)));
        return 1;
      },
      sleep_if_throttled: (L, t) => {
        const first = check(L, t, 'sleep_if_throttled').retryAfter;
        if (first === null) {
          lua.lua_pushboolean(L, false);
          return 1;
        }
        // kumod loops: sleep retry_after, check again, until a check passes; then reports that it slept.
        return scheduler.suspend(L, 'Throttle:sleep_if_throttled', (settle) => {
          const wait = (seconds: number) => scheduler.setTimer(seconds * 1000, () => {
            let next: number | null;
            try {
              next = store.throttle(t.name, t.spec, nowNs()).retryAfter;
            } catch (e) {
              settle({ error: `Throttle:sleep_if_throttled: ${(e as Error).message}` });
              return;
            }
            if (next === null) settle({ push: (L1) => (lua.lua_pushboolean(L1, true), 1) });
            else wait(next);
          });
          wait(first);
        });
      },
      delay_message_if_throttled: (L, t) => {
        const msg = getObject(L, 2);
        if (!(msg instanceof SimMessage)) {
          return raise(L, `Throttle:delay_message_if_throttled: expected a Message, got ${toJsString(lauxlib.luaL_typename(L, 2))}`);
        }
        const retry = check(L, t, 'delay_message_if_throttled').retryAfter;
        if (retry !== null) msg.due = new Date(Date.now() + retry * 1000); // msg.delay_by: now + delay, no jitter
        lua.lua_pushboolean(L, retry !== null);
        return 1;
      },
    },
  });
  return {
    'kumo.make_throttle': (L) => {
      const name = toJsString(lauxlib.luaL_checklstring(L, 1), undefined, undefined, true);
      const text = toJsString(lauxlib.luaL_checklstring(L, 2), undefined, undefined, true);
      const r = parseThrottle(text);
      if (!r.ok) return raise(L, `kumo.make_throttle: ${r.error.kumodMessage ?? r.error.message}`);
      pushObject(L, 'Throttle', { name: `lua-user-throttle-${name}`, spec: r.value } satisfies UserThrottle);
      return 1;
    },
  };
}
