/** kumo.on, kumo.spawn_task, kumo.log_*, kumo.sleep / kumo.time.sleep. */
import { lua, lauxlib, LuaState, raise, toJsString } from '../lua-api';
import { availableParallelism } from 'node:os';
import { pushJs } from '../convert';
import type { KumoContext, KumoFunctions, LogLevel } from './context';
import { checkConfigTable } from './config-check';

export function coreFunctions(ctx: KumoContext): KumoFunctions {
  const log = (level: LogLevel) => (L: LuaState): number => {
    const n = lua.lua_gettop(L);
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) {
      parts.push(toJsString(lauxlib.luaL_tolstring(L, i), undefined, undefined, true));
      lua.lua_pop(L, 1);
    }
    ctx.log(level, parts.join(' '));
    return 0;
  };
  const sleep = (L: LuaState): number => {
    const seconds = lauxlib.luaL_checknumber(L, 1) as number;
    if (!(seconds >= 0) || !Number.isFinite(seconds)) return raise(L, `sleep: invalid duration ${seconds}`);
    return ctx.host.scheduler.suspend(L, 'kumo.time.sleep', (settle) => {
      ctx.host.scheduler.setTimer(seconds * 1000, () => settle({ push: () => 0 }));
    });
  };
  return {
    'kumo.on': ctx.events.on,
    'kumo.log_error': log('error'),
    'kumo.log_warn': log('warn'),
    'kumo.log_info': log('info'),
    'kumo.log_debug': log('debug'),
    'kumo.sleep': sleep,
    'kumo.time.sleep': sleep,
    'kumo.spawn_task': (L) => {
      const params = checkConfigTable(L, 1, ctx.catalog, 'kumo.spawn_task') as { event_name: string; args: unknown[] };
      if (ctx.validating) return 0;
      const event = params.event_name;
      const args = params.args;
      const run = ctx.events.fire(event, (thread) => {
        pushJs(thread, args);
        return 1;
      }, () => undefined, [args]).then((r) => {
        if (!r.handled && !ctx.events.has(event)) throw new Error(`${event} has no registered handler`);
      });
      const tracked = run.catch((e) => ctx.backgroundError(event, e)).finally(() => ctx.background.delete(tracked));
      ctx.background.add(tracked);
      return 0;
    },
    'kumo.available_parallelism': (L) => {
      lua.lua_pushinteger(L, availableParallelism());
      return 1;
    },
    'kumo.traceback': (L) => {
      lauxlib.luaL_traceback(L, L, null, 1);
      return 1;
    },
    'kumo.validation_failed': () => 0,
  };
}
