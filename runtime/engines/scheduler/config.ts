/**
 * Resolved scheduled-queue configuration with kumod's defaults (crates/kumod/src/queue/config.rs,
 * crates/kumod/src/queue/strategy.rs), durations in seconds.
 */
import type { ThrottleSpec } from '../../values/types';

export type QueueStrategy = 'TimerWheel' | 'SkipList' | 'SingletonTimerWheel' | 'SingletonTimerWheelV2';
export type RefreshStrategy = 'Ttl' | 'Epoch';

export interface QueueConfig {
  retryInterval: number;
  maxRetryInterval: number | null;
  maxAge: number;
  reapInterval: number;
  refreshInterval: number;
  refreshStrategy: RefreshStrategy;
  timerwheelTickInterval: number | null;
  strategy: QueueStrategy;
  egressPool: string | null;
  maxMessageRate: ThrottleSpec | null;
}

export const QUEUE_CONFIG_DEFAULTS: Readonly<QueueConfig> = Object.freeze({
  retryInterval: 20 * 60,
  maxRetryInterval: null,
  maxAge: 7 * 86400,
  reapInterval: 10 * 60,
  refreshInterval: 60,
  refreshStrategy: 'Ttl',
  timerwheelTickInterval: null,
  strategy: 'SingletonTimerWheel',
  egressPool: null,
  maxMessageRate: null,
});

export function queueConfig(partial: Partial<QueueConfig> = {}): QueueConfig {
  return { ...QUEUE_CONFIG_DEFAULTS, ...partial };
}

/** The built-in config kumod gives the `null` queue: retry 10s, max retry 10s (protocol Null). */
export function nullQueueConfig(): QueueConfig {
  return queueConfig({ retryInterval: 10, maxRetryInterval: 10 });
}

/**
 * Egress path limits with kumod's defaults (crates/kumo-api-types/src/egress_path.rs,
 * crates/rfc5321/src/client_types.rs for idle_timeout).
 */
export interface PathConfig {
  connectionLimit: number;
  maxReady: number;
  maxDeliveriesPerConnection: number;
  maxRecipientsPerBatch: number;
  maxMessageRate: ThrottleSpec | null;
  maxConnectionRate: ThrottleSpec | null;
  sourceSelectionRate: ThrottleSpec | null;
  /** `additional_message_rate_throttles`: user key -> spec; the key is global, so paths naming the same key share one throttle. */
  additionalMessageRateThrottles?: Record<string, ThrottleSpec>;
  /** `additional_source_selection_rates`: user key -> spec, shared the same way. */
  additionalSourceSelectionRates?: Record<string, ThrottleSpec>;
  /** Seconds; a throttle delay at least this long requeues the ready queue instead of sleeping. */
  idleTimeout: number;
  consecutiveConnectionFailuresBeforeDelay: number;
}

export const PATH_CONFIG_DEFAULTS: Readonly<PathConfig> = Object.freeze({
  connectionLimit: 32,
  maxReady: 1024,
  maxDeliveriesPerConnection: 1024,
  maxRecipientsPerBatch: 100,
  maxMessageRate: null,
  maxConnectionRate: null,
  sourceSelectionRate: null,
  idleTimeout: 5,
  consecutiveConnectionFailuresBeforeDelay: 100,
});

export function pathConfig(partial: Partial<PathConfig> = {}): PathConfig {
  return { ...PATH_CONFIG_DEFAULTS, ...partial };
}
