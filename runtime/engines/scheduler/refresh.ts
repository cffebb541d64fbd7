/**
 * Queue config refresh and reaping bookkeeping.
 *
 * Source: KumoCorp/kumomta crates/kumod/src/queue/queue.rs (`queue_config_maintainer` runs every 10 s and
 * on config epoch changes; `check_reap` first, then `perform_config_refresh_if_due`; the next refresh is
 * set to `now + refresh_interval` of the config just loaded; a new queue's first refresh is due at
 * `creation + refresh_interval`).
 */
import type { QueueConfig } from './config';

export const CONFIG_MAINTAINER_PERIOD_MS = 10_000;

export type MaintainerAction = 'reap' | 'refresh' | 'none';

export class QueueLifecycle {
  nextRefreshMs: number;
  lastChangeMs: number;
  /** How many times `get_queue_config` ran for this queue (creation included). */
  configFetches = 1;
  reaped = false;

  constructor(
    readonly createdMs: number,
    private cfg: Pick<QueueConfig, 'refreshInterval' | 'refreshStrategy' | 'reapInterval'>,
  ) {
    this.nextRefreshMs = createdMs + cfg.refreshInterval * 1000;
    this.lastChangeMs = createdMs;
  }

  /** The scheduled queue's contents changed (kumod's `last_change`). */
  touch(nowMs: number): void {
    this.lastChangeMs = nowMs;
  }

  /**
   * One pass of the config maintainer at `nowMs` (a multiple of 10 s, or an epoch change). `isEmpty` is
   * whether the scheduled (delayed) structure is empty. On 'refresh' the caller re-runs
   * `get_queue_config` and passes the new config to `applyRefresh`.
   */
  onMaintainer(nowMs: number, isEmpty: boolean, epochChanged = false): MaintainerAction {
    if (this.reaped) return 'none';
    if (isEmpty && nowMs >= this.lastChangeMs + this.cfg.reapInterval * 1000) {
      this.reaped = true;
      return 'reap';
    }
    const due = this.cfg.refreshStrategy === 'Ttl' ? nowMs >= this.nextRefreshMs : epochChanged;
    return due ? 'refresh' : 'none';
  }

  applyRefresh(nowMs: number, cfg: Pick<QueueConfig, 'refreshInterval' | 'refreshStrategy' | 'reapInterval'>): void {
    this.cfg = cfg;
    this.configFetches++;
    this.nextRefreshMs = nowMs + cfg.refreshInterval * 1000;
  }
}

/** The config maintainer's 10 s wake-ups in (fromMs, toMs]. */
export function maintainerTicksBetween(fromMs: number, toMs: number): number {
  return Math.floor(toMs / CONFIG_MAINTAINER_PERIOD_MS) - Math.floor(fromMs / CONFIG_MAINTAINER_PERIOD_MS);
}
