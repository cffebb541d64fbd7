/** kumo.mpsc.define and the queue object's methods, over mpsc/queue.ts. */
import { lua, lauxlib, LuaState, raise, T, toJsString } from '../lua-api';
import { defineUserdataType, pushObject } from '../userdata';
import { MpscQueue, MpscRegistry, ReceiverBusyError } from '../mpsc/queue';
import { MemoValue, NotMemoizable, pushMemo, toMemo } from './memo-value';
import type { KumoContext, KumoFunctions } from './context';

const TYPE = 'MpscQueue';
type Queue = MpscQueue<MemoValue>;

export function mpscFunctions(ctx: KumoContext, registry = new MpscRegistry<MemoValue>()): KumoFunctions {
  const sched = ctx.host.scheduler;
  const value = (L: LuaState, method: string): MemoValue => {
    try {
      return toMemo(L, 2, ctx.catalog);
    } catch (e) {
      if (e instanceof NotMemoizable) return raise(L, `queue:${method}: ${e.message}`);
      throw e;
    }
  };
  const guard = <R>(L: LuaState, fn: () => R): R => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ReceiverBusyError) return raise(L, e.message);
      throw e;
    }
  };
  const closedMessage = (q: Queue) => `queue '${q.name}' is closed; nothing more can be sent to it`;
  const pushBatch = (L: LuaState, items: MemoValue[]): number => {
    lua.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      pushMemo(L, items[i]);
      lua.lua_rawseti(L, -2, i + 1);
    }
    return 1;
  };
  /** Runs a send that may complete at once (no yield) or later (task suspended). */
  const sendWith = (L: LuaState, q: Queue, v: MemoValue, timeoutMs: number | undefined, what: string): number => {
    // Fast path: room now (no waiting, nothing allocated).
    const now = q.trySend(v);
    if (now === 'ok') return 0;
    if (now === 'closed') return raise(L, `queue:${what}: ${closedMessage(q)}`);
    let immediate: { ok: boolean; reason?: string } | undefined;
    let settleLater: ((s: { push: (L: LuaState) => number } | { error: string }) => void) | undefined;
    q.send(v, (o) => {
      const result = o.ok ? { push: () => 0 } : { error: o.reason === 'timeout' ? `queue:${what}: no room in queue '${q.name}' after ${timeoutMs! / 1000} s` : `queue:${what}: ${closedMessage(q)}` };
      if (settleLater) settleLater(result);
      else immediate = o.ok ? { ok: true } : { ok: false, reason: 'error' in result ? result.error : '' };
    }, timeoutMs);
    if (immediate) return immediate.ok ? 0 : raise(L, immediate.reason!);
    return sched.suspend(L, `queue:${what}`, (settle) => {
      settleLater = settle;
    });
  };

  const state = ctx.host.L;
  defineUserdataType<Queue>(state, {
    name: TYPE,
    toString: (q) => `MpscQueue(${q.name})`,
    methods: {
      send: (L, q) => sendWith(L, q, value(L, 'send'), undefined, 'send'),
      send_timeout: (L, q) => {
        const v = value(L, 'send_timeout');
        const secs = lauxlib.luaL_checknumber(L, 3) as number;
        return sendWith(L, q, v, q.limit === undefined ? undefined : secs * 1000, 'send_timeout');
      },
      try_send: (L, q) => {
        const v = value(L, 'try_send');
        lua.lua_pushboolean(L, q.trySend(v) === 'ok');
        return 1;
      },
      close: (_L, q) => {
        q.close();
        return 0;
      },
      is_closed: (L, q) => {
        lua.lua_pushboolean(L, q.isClosed);
        return 1;
      },
      is_empty: (L, q) => {
        lua.lua_pushboolean(L, guard(L, () => q.isEmpty()));
        return 1;
      },
      len: (L, q) => {
        lua.lua_pushinteger(L, guard(L, () => q.len()));
        return 1;
      },
      try_recv: (L, q) => {
        const got = guard(L, () => q.tryRecv());
        pushMemo(L, got ? got.value : null);
        return 1;
      },
      recv: (L, q) => receive(L, q, 1, (L1, items) => {
        pushMemo(L1, items.length ? items[0] : null);
        return 1;
      }),
      recv_many: (L, q) => {
        const limit = lauxlib.luaL_checkinteger(L, 2) as number;
        if (limit < 0) return raise(L, `queue:recv_many: the limit must not be negative (got ${limit})`);
        return receive(L, q, limit, pushBatch);
      },
    },
  });

  const receive = (L: LuaState, q: Queue, limit: number, push: (L: LuaState, items: MemoValue[]) => number): number => {
    let immediate: (() => MemoValue[]) | undefined;
    let settleLater: ((s: { push: (L: LuaState) => number }) => void) | undefined;
    guard(L, () => q.recvMany(limit, (take) => {
      if (settleLater) settleLater({ push: (L1) => push(L1, take()) });
      else immediate = take;
    }));
    if (immediate) return push(L, immediate());
    return sched.suspend(L, 'queue:recv', (settle) => {
      settleLater = settle;
    });
  };

  return {
    'kumo.mpsc.define': (L) => {
      const name = toJsString(lauxlib.luaL_checkstring(L, 1));
      let limit: number | undefined;
      if (lua.lua_type(L, 2) !== T.NIL && lua.lua_type(L, 2) !== T.NONE) {
        limit = lauxlib.luaL_checkinteger(L, 2) as number;
        if (limit <= 0) return raise(L, `kumo.mpsc.define: the limit must be a positive integer (got ${limit}); omit it for an unbounded queue`);
      }
      pushObject(L, TYPE, registry.define(name, limit));
      return 1;
    },
  };
}
