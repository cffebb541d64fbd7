/**
 * When a delayed message actually leaves its scheduled queue for `insert_ready`, per strategy, on a
 * virtual clock in integer milliseconds.
 *
 * Sources (KumoCorp/kumomta): crates/kumod/src/queue/strategy.rs (`QueueStructure::{insert, pop}`,
 * `DelayedEntry::get_bucketed_due`), crates/kumod/src/queue/maintainer.rs (`maintain_named_queue` tick
 * rule, `run_singleton_wheel_v1/v2` 3 s tickers), crates/timeq/src/lib.rs (`TimeQ::pop` advances the
 * wheel only when popped), crates/message/src/timeq.rs (`TriTimeQ` with 3 s resolution).
 *
 * Each model answers one question: inserted at `insertMs` with due time `dueMs`, when is it released?
 * `READY_NOW` means the structure refuses it as already due and kumod goes straight to `insert_ready`.
 */
import type { QueueConfig, QueueStrategy } from './config';

export const READY_NOW = -1;

export interface ReleaseModel {
  readonly strategy: QueueStrategy;
  /** Release time in ms, or READY_NOW. */
  release(insertMs: number, dueMs: number): number;
  /** Wake-ups of the queue's maintainer (or of the global ticker) up to `untilMs`, for overhead reports. */
  ticksUntil(untilMs: number): number;
}

/** The TimerWheel tick: `timerwheel_tick_interval`, else `clamp(retry_interval / 20, 1s, 60s)`, in ms. */
export function timerWheelTickMs(cfg: Pick<QueueConfig, 'retryInterval' | 'timerwheelTickInterval'>): number {
  if (cfg.timerwheelTickInterval !== null) return Math.max(1, Math.round(cfg.timerwheelTickInterval * 1000));
  return Math.min(60_000, Math.max(1_000, Math.floor((cfg.retryInterval * 1000) / 20)));
}

/** Release time on a wheel ticked every `tickMs` from `originMs` (see `TickedWheel`). */
export function wheelRelease(originMs: number, tickMs: number, insertMs: number, dueMs: number): number {
  const delay = dueMs - insertMs;
  if (delay < 1) return READY_NOW; // zero delay: TimerError::Expired
  const lastTick = originMs + Math.floor((insertMs - originMs) / tickMs) * tickMs;
  return originMs + Math.ceil((lastTick + delay - originMs) / tickMs) * tickMs;
}

/**
 * A hashed wheel that is ticked every `tickMs` from `originMs` and only advances when ticked
 * (crates/timeq): an entry is placed `due - insert` ms after the wheel's *last tick*, not after the
 * insertion time, so it can come out up to one tick early, and otherwise at the first tick at or after
 * that point.
 */
export class TickedWheel implements ReleaseModel {
  constructor(
    readonly strategy: QueueStrategy,
    public originMs: number,
    readonly tickMs: number,
  ) {}

  release(insertMs: number, dueMs: number): number {
    return wheelRelease(this.originMs, this.tickMs, insertMs, dueMs);
  }

  ticksUntil(untilMs: number): number {
    return untilMs < this.originMs ? 0 : Math.floor((untilMs - this.originMs) / this.tickMs) + 1;
  }
}

/** Per-queue TimerWheel: its maintainer pops at queue creation and then every tick. */
export function timerWheel(createdMs: number, cfg: Pick<QueueConfig, 'retryInterval' | 'timerwheelTickInterval'>): TickedWheel {
  return new TickedWheel('TimerWheel', createdMs, timerWheelTickMs(cfg));
}

/** The process-wide state of the singleton wheels: created lazily by the first insert, ticked every 3 s. */
export class SingletonWheels {
  v1Origin: number | null = null;
  v2Origin: number | null = null;
  readonly tickMs = 3000;
}

/** SingletonTimerWheel (the default): one global `TimeQ` ticked every 3 s by its own thread. */
export class SingletonV1 implements ReleaseModel {
  readonly strategy = 'SingletonTimerWheel' as const;
  constructor(private readonly g: SingletonWheels) {}

  release(insertMs: number, dueMs: number): number {
    if (this.g.v1Origin === null) this.g.v1Origin = insertMs;
    return wheelRelease(this.g.v1Origin, this.g.tickMs, insertMs, dueMs);
  }

  ticksUntil(untilMs: number): number {
    const o = this.g.v1Origin;
    return o === null || untilMs < o ? 0 : Math.floor((untilMs - o) / this.g.tickMs);
  }
}

/**
 * SingletonTimerWheelV2: a global three-level wheel with 3 s slots; a message comes out at the first
 * 3 s tick (counted from the wheel's creation) at or after its due time.
 */
export class SingletonV2 implements ReleaseModel {
  readonly strategy = 'SingletonTimerWheelV2' as const;
  constructor(private readonly g: SingletonWheels) {}

  release(insertMs: number, dueMs: number): number {
    if (this.g.v2Origin === null) this.g.v2Origin = insertMs;
    if (dueMs <= insertMs) return READY_NOW;
    const o = this.g.v2Origin;
    return o + Math.ceil((dueMs - o) / this.g.tickMs) * this.g.tickMs;
  }

  ticksUntil(untilMs: number): number {
    const o = this.g.v2Origin;
    return o === null || untilMs < o ? 0 : Math.floor((untilMs - o) / this.g.tickMs);
  }
}

/**
 * SkipList: entries ordered by due time bucketed to whole seconds. Refused (ready now) when the due
 * second is not after the current second. The maintainer sleeps whole seconds from the moment it was
 * woken, so it pops a bucket at `bucket second + its phase`; the phase (0..999 ms) is fixed by the first
 * wake-up, which is the first insertion into the queue.
 */
export class SkipListModel implements ReleaseModel {
  readonly strategy = 'SkipList' as const;
  phaseMs: number | null = null;
  private wakes = 0;

  release(insertMs: number, dueMs: number): number {
    const dueS = Math.floor(dueMs / 1000);
    if (dueS <= Math.floor(insertMs / 1000)) return READY_NOW;
    if (this.phaseMs === null) this.phaseMs = insertMs % 1000;
    this.wakes++;
    return dueS * 1000 + this.phaseMs;
  }

  /** Upper bound: one wake per delayed insertion (kumod wakes once per distinct front bucket). */
  ticksUntil(): number {
    return this.wakes;
  }
}

/** The release model for a newly created scheduled queue. */
export function releaseModel(cfg: Pick<QueueConfig, 'strategy' | 'retryInterval' | 'timerwheelTickInterval'>, createdMs: number, singletons: SingletonWheels): ReleaseModel {
  switch (cfg.strategy) {
    case 'TimerWheel':
      return timerWheel(createdMs, cfg);
    case 'SkipList':
      return new SkipListModel();
    case 'SingletonTimerWheel':
      return new SingletonV1(singletons);
    case 'SingletonTimerWheelV2':
      return new SingletonV2(singletons);
  }
}
