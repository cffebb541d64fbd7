/** What the kumo module's functions share: the host, the event registry, the catalog and the sinks. */
import type { LuaState } from '../lua-api';
import type { LuaHost } from '../host';
import type { EventRegistry } from '../events';
import type { Catalog } from '../../catalog/catalog';
import type { OfflineResolver } from '../dns/zones';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** A call of a config constructor or listener/spool/log setup, kept for the simulator. */
export interface ConfigRecord {
  function: string;
  /** The table as given, converted to JS. */
  params: unknown;
  /** The normalized value returned to Lua (defaults filled in), when the function returns one. */
  value?: unknown;
}

export interface KumoContext {
  host: LuaHost;
  events: EventRegistry;
  catalog: Catalog;
  log(level: LogLevel, message: string): void;
  records: ConfigRecord[];
  /** Tasks started by kumo.spawn_task that have not finished. */
  background: Set<Promise<unknown>>;
  /** Reports an error of a background task (kumod logs it). */
  backgroundError(event: string, error: unknown): void;
  validating: boolean;
  /** Zone data given to the engine (settings), used until kumo.dns.configure_test_resolver replaces it. */
  dns?: OfflineResolver;
}

/** A kumo function implemented in JS: a fengari C function. */
export type KumoFunction = (L: LuaState) => number;
export type KumoFunctions = Record<string, KumoFunction>;
