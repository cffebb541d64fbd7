/**
 * The runtime VM's public API. Typical use:
 *
 *   const engine = await PolicyEngine.load('/etc/kumo/policy/init.lua', { timeoutMs: 10_000, trace: (t) => ... });
 *   await engine.fireEvent('init');
 *   const { handled, values } = await engine.fireEvent('get_queue_config', ['example.com', null, null, 'example.com']);
 *   // values[0] is a ConfigValue { type: 'QueueConfig', fn, value } for constructor results.
 *
 * Binding more of the kumo module (the tailer engine, say):
 *
 *   const pushTailer = engine.defineObjectType<MyTailer>({ name: 'LogTailer', methods: { batches: (L, t) => ... }, meta: { __close } });
 *   engine.defineFunction('kumo.jsonl.new_tailer', (L) => { ...; pushTailer(L, tailer); return 1; });
 *   // inside a method or function: `return engine.awaitPromise(L, 'LogTailer:batches', promise, (L, v) => pushes)`
 *   // records for Lua filters: `filter.callSync([new AsView(record)])` reads fields lazily.
 */
export { PolicyEngine, MultipleResults, pushResults, readResults } from './engine';
export type { EngineOptions, FiredEvent } from './engine';
export type { EventTrace, EventResult } from './events';
export { LuaError } from './errors';
export { ScriptExit } from './host';
export type { LuaFrame, LuaLocation } from './errors';
export { LuaFunctionRef, AsView } from './function-ref';
export { pushJs, toJs, pushNumber } from './convert';
export type { ToJsOptions } from './convert';
export { pushView, viewTarget } from './record-proxy';
export { defineUserdataType, pushObject, getObject, checkObject } from './userdata';
export type { UserdataType } from './userdata';
export { SimMessage, EnvelopeAddress } from './kumo/message';
export type { MessageInit } from './kumo/message';
export { ConfigValue } from './kumo/constructors';
export { SmtpRejection } from './kumo/reject';
export { checkConfigTable } from './kumo/config-check';
export type { ConfigRecord, LogLevel, KumoFunction } from './kumo/context';
export { MpscQueue, MpscRegistry } from './mpsc/queue';
export { OfflineResolver, parseZone } from './dns/zones';
export { KTime, KDelta } from './kumo/time';
export { JSON_NULL } from './kumo/serde';
export type { LuaState } from './lua-api';
export { lua, lauxlib, lstr, raise, raiseAt, toJsString, toLuaString } from './lua-api';
