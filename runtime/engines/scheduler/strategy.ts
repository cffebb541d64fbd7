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
import { TimeHeap } from './heap';

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
 * SkipList as a precomputed release time (an approximation of `SkipListSchedule`): entries bucketed to
 * whole seconds, refused (ready now) when the due second is not after the current second, released at
 * `bucket second + phase` with the phase (0..999 ms) fixed by the first insertion. kumod re-phases the
 * maintainer whenever an insertion creates a new front; `SkipListSchedule` models that exactly.
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

/**
 * The SkipList strategy with its maintainer, exactly: entries grouped in whole-second buckets (the
 * caller keeps one slot per bucket, e.g. a list of messages); the maintainer sleeps until the front
 * bucket in whole seconds *from the moment it woke* (so it keeps the sub-second phase of that moment),
 * and an insertion wakes it at once only when it creates a new front (or the queue was empty).
 *
 * kumod quirk: `DelayedEntry` compares equal when two messages are due in the same second, and
 * crossbeam's `SkipSet::insert` replaces an equal entry, so a bucket really holds one message: inserting
 * a second one drops the first from the scheduled queue (it stays in the spool). Callers model that by
 * keeping one message per slot (`REPLACES_SAME_SECOND`).
 *
 * Sources: crates/kumod/src/queue/strategy.rs (`SkipList` insert/pop, `DelayedEntry::get_bucketed_due`,
 * `Ord`/`PartialEq` by bucket only), crossbeam-skiplist `SkipSet::insert` (replaces an equal key),
 * `compute_delay`) and crates/kumod/src/queue/maintainer.rs (`maintain_named_queue`: sleep until
 * `now + next_due_in`, or one day when empty; woken by `notify_maintainer`).
 */
export class SkipListSchedule {
  /** kumod's SkipList keeps only the last message inserted for a given due second. */
  static readonly REPLACES_SAME_SECOND = true;
  /** When the maintainer next wakes (ms), or -1 while it sleeps with nothing to do. */
  wakeAt = -1;
  private readonly buckets = new TimeHeap(64);
  private readonly slots = new Map<number, number>();

  /** Refused by the structure (`Full`): due in the current second or earlier, straight to `insert_ready`. */
  static isReadyNow(nowMs: number, dueMs: number): boolean {
    return Math.floor(dueMs / 1000) <= Math.floor(nowMs / 1000);
  }

  static bucketOf(dueMs: number): number {
    return Math.floor(dueMs / 1000);
  }

  /** The caller's slot for a bucket, or -1. */
  slotOf(bucket: number): number {
    return this.slots.get(bucket) ?? -1;
  }

  get size(): number {
    return this.buckets.size;
  }

  /**
   * Registers a new bucket with the caller's slot id. Returns true when this notifies the maintainer
   * (new earliest bucket): it then wakes at `nowMs` (`wakeAt` is set).
   */
  addBucket(nowMs: number, bucket: number, slot: number): boolean {
    const front = this.buckets.peekTime();
    this.buckets.push(bucket, slot);
    this.slots.set(bucket, slot);
    if (bucket < front) {
      this.wakeAt = nowMs;
      return true;
    }
    return false;
  }

  /** During a wake-up at `nowMs`: the next slot whose bucket second has been reached, or -1. */
  popDue(nowMs: number): number {
    if (this.buckets.peekTime() > Math.floor(nowMs / 1000)) return -1;
    const bucket = this.buckets.peekTime();
    this.slots.delete(bucket);
    return this.buckets.pop();
  }

  /** After a wake-up at `nowMs`: the next wake time (`now + (front - now_s)` whole seconds), or -1 when empty. */
  sleepAfterWake(nowMs: number): number {
    const front = this.buckets.peekTime();
    this.wakeAt = front === Infinity ? -1 : nowMs + (front - Math.floor(nowMs / 1000)) * 1000;
    return this.wakeAt;
  }
}
