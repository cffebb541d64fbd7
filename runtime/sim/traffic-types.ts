/** Inputs and outputs of the traffic simulation. Plain data: no Lua, no editor. */
import type { EgressPool } from '../engines/egress-pool';
import type { QueueConfig, PathConfig } from '../engines/scheduler/config';

/** What the receiving site does with deliveries. Shares are of all delivery attempts; the rest succeed. */
export interface SiteModel {
  /** Share answered 4xx (transient failure: retried with backoff). */
  transient?: number;
  /** Share answered 5xx (permanent failure: bounced). */
  permanent?: number;
  /** Share that time out (a transient failure that also takes `timeoutMs` and closes the connection). */
  timeout?: number;
  /** Time per successful or refused delivery, ms (default 100). */
  latencyMs?: number;
  /** Time a timing-out delivery takes, ms (default 30,000). */
  timeoutMs?: number;
  /** Connection set-up time, ms (default 200). */
  connectMs?: number;
}

export interface SimQueue {
  /** Scheduled queue name (`campaign:tenant@domain!routing`). */
  name: string;
  /** Relative share of the injected messages. */
  weight: number;
  /** The site (site_name) its routing domain resolves to. */
  site: string;
  /** Resolved `get_queue_config` result; kumod defaults fill the rest. */
  config?: Partial<QueueConfig>;
}

export interface TrafficScenario {
  seed?: number;
  messages: number;
  /** Simulated time, seconds. */
  durationSec: number;
  /** Messages arrive evenly over this window, seconds (default: the whole duration; 0 = all at once). */
  injectOverSec?: number;
  /** Width of a time-series bucket, seconds (default: duration / 60, at least 1). */
  bucketSec?: number;
  queues: SimQueue[];
  /** Pools by name; `unspecified` is built in. */
  pools?: Record<string, EgressPool>;
  sites?: Record<string, SiteModel>;
  /**
   * kumod's SkipList keeps delayed messages in a crossbeam `SkipSet` whose entries compare equal when they
   * are due in the same second, and `SkipSet::insert` replaces an equal entry: the earlier message drops
   * out of the scheduled queue (it stays in the spool until kumod restarts). Default true (as kumod does);
   * false simulates the evident intent (all messages kept).
   */
  skipListReplacesSameSecond?: boolean;
  /** Egress path config for paths not listed in `paths`. */
  defaultPath?: Partial<PathConfig>;
  /** Egress path configs by ready queue name (`source->site@smtp_client`), or by `source->site`, or by site. */
  paths?: Record<string, Partial<PathConfig>>;
  /**
   * Optional: called when a queue's refresh_interval has elapsed (kumod re-runs `get_queue_config`);
   * return the new config, or undefined to keep the current one. Called per refresh, never per message.
   */
  refreshQueueConfig?: (queueName: string, nowMs: number) => Partial<QueueConfig> | undefined;
}

export interface QueueTotals {
  injected: number;
  sent: number;
  /** Transient failures (4xx, timeouts, no eligible source) that were rescheduled. */
  deferred: number;
  bounced: number;
  expired: number;
  /** Deliveries that were retries (attempt > 0). */
  retries: number;
  /** Queue max_message_rate delays (re-inserts without an attempt). */
  throttleDelays: number;
  throttleDelaySec: number;
  /** Ready queue full: forced into delayed with 0-59 s. */
  readyQueueFull: number;
  /** `get_queue_config` calls (creation and refreshes). */
  configFetches: number;
  /** SkipList only: messages displaced by another message due in the same second (see `skipListReplacesSameSecond`). */
  stranded: number;
  reaped: number;
}

export interface QueueSeries {
  sent: number[];
  deferred: number[];
  bounced: number[];
  expired: number[];
  retries: number[];
  throttleDelays: number[];
  /** Messages in the scheduled (delayed) structure at the end of each bucket. */
  depth: number[];
  /** This queue's messages waiting in ready queues at the end of each bucket. */
  readyDepth: number[];
}

export interface PathTotals {
  sent: number;
  deferred: number;
  bounced: number;
  /** Dispatcher sleeps on max_message_rate (retry-after below idle_timeout). */
  throttleSleeps: number;
  /** Ready queue thrown back to the scheduled queues (retry-after >= idle_timeout). */
  throttleRequeues: number;
  connectionsOpened: number;
  connectionRateDelays: number;
  maxConnections: number;
}

export interface PathSeries {
  sent: number[];
  deferred: number[];
  bounced: number[];
  throttleSleeps: number[];
  /** Ready queue length at the end of each bucket. */
  readyDepth: number[];
  /** Open connections at the end of each bucket. */
  connections: number[];
}

export interface TrafficResult {
  bucketSec: number;
  buckets: number;
  durationSec: number;
  queues: Array<{ name: string; pool: string; site: string; totals: QueueTotals; series: QueueSeries }>;
  paths: Array<{ name: string; source: string; site: string; config: PathConfig; totals: PathTotals; series: PathSeries }>;
  totals: {
    injected: number;
    delivered: number;
    bounced: number;
    expired: number;
    deferred: number;
    /** Dropped from SkipList scheduled queues by a same-second insert (still in kumod's spool). */
    stranded: number;
    pendingScheduled: number;
    pendingReady: number;
    inFlight: number;
    events: number;
  };
}
