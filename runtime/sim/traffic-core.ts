/**
 * Traffic simulation core: N messages through scheduled queues, egress pools and ready queues, on a
 * virtual clock in integer milliseconds, using the routing engines (GCRA throttles, WRR source
 * selection, strategy release models, kumod backoff/jitter/expiry, config refresh bookkeeping).
 *
 * Messages live in typed arrays indexed by message id; the event queue is a typed binary heap whose ids
 * are message ids (a delayed message coming due) or `-1 - dispatcher` (a dispatcher's next step). No
 * closures or objects are created per message.
 *
 * Modelled after kumod (KumoCorp/kumomta crates/kumod/src/queue/queue.rs `insert_ready`,
 * egress_source.rs `select_and_insert`, ready_queue.rs dispatcher loop and `check_throttle`,
 * smtp_dispatcher.rs connection rate). Simplifications: one message per SMTP transaction (no recipient
 * batching), one MX host per site, connection_limit enforced as a cap on open connections, no
 * suspensions or source health, no `requeue_message` / `throttle_insert_ready_queue` events.
 */
import { WrrSelector, wrrNext, unspecifiedPool, UNSPECIFIED, type EgressPool } from '../engines/egress-pool';
import { GcraCell, ThrottleStore } from '../engines/throttle/gcra';
import { idealConnectionCount, sortByRate, throttleKeys } from '../engines/throttle/rates';
import { queueConfig, pathConfig, type QueueConfig, type PathConfig } from '../engines/scheduler/config';
import { retryDelaySec, delayWithJitter } from '../engines/scheduler/backoff';
import { releaseModel, READY_NOW, SingletonWheels, SkipListSchedule, TickedWheel, timerWheelTickMs, type ReleaseModel } from '../engines/scheduler/strategy';
import { QueueLifecycle, CONFIG_MAINTAINER_PERIOD_MS } from '../engines/scheduler/refresh';
import { ReadyFifo } from '../engines/scheduler/ready-queue';
import { TimeHeap } from '../engines/scheduler/heap';
import { Rng } from '../engines/scheduler/rng';
import { readyQueueName } from '../engines/site-name';
import type { TrafficScenario, TrafficResult, SiteModel } from './traffic-types';

const NS = 1_000_000;
/**
 * Heap ids: >= 0 batches, -1-d dispatcher steps, -1-(IDLE_CHECK_BASE+d) idle-timeout checks,
 * -1-(QUEUE_WAKE_BASE+q) SkipList maintainer wake-ups.
 */
const IDLE_CHECK_BASE = 1 << 27;
const QUEUE_WAKE_BASE = 1 << 28;

// dispatcher states
const D_CLOSED = 0;
const D_CONN_SLEEP = 1;
const D_CONNECTING = 2;
const D_DELIVERING = 3;
const D_MSG_SLEEP = 4;
const D_IDLE = 5;

// delivery outcomes
const O_OK = 0;
const O_TRANSIENT = 1;
const O_PERMANENT = 2;
const O_TIMEOUT = 3;

interface QState {
  name: string;
  site: string;
  baseConfig: Partial<QueueConfig>;
  cfg: QueueConfig;
  poolName: string;
  pool: EgressPool;
  selector: WrrSelector;
  /** Path index per selector entry. */
  entryPath: Int32Array;
  candW: Uint32Array;
  candE: Int32Array;
  model: ReleaseModel | null;
  /** SkipList queues: buckets and maintainer wake-ups, exactly (batches are the bucket slots). */
  skip: SkipListSchedule | null;
  life: QueueLifecycle | null;
  rateCell: GcraCell | null;
  delayed: number;
  /** Messages of this queue waiting in ready queues. */
  ready: number;
  index: number;
  /** The batch delayed messages are currently being added to, or -1. */
  openBatch: number;
  t: { injected: number; sent: number; deferred: number; bounced: number; expired: number; retries: number; throttleDelays: number; throttleDelaySec: number; readyQueueFull: number; configFetches: number; stranded: number; reaped: number };
}

interface PState {
  name: string;
  source: string;
  site: string;
  cfg: PathConfig;
  ready: ReadyFifo;
  msgCells: GcraCell[];
  connCell: GcraCell | null;
  /** Source-selection throttles, tightest first (empty: none). */
  selCells: GcraCell[];
  open: number;
  idle: number[];
  p4: number;
  p5: number;
  pt: number;
  latencyMs: number;
  timeoutMs: number;
  connectMs: number;
  t: { sent: number; deferred: number; bounced: number; throttleSleeps: number; throttleRequeues: number; connectionsOpened: number; connectionRateDelays: number; maxConnections: number };
}

/** Growable per-metric bucket arrays, row per entity. */
class Series {
  data: Float64Array;
  constructor(
    private rows: number,
    readonly buckets: number,
  ) {
    this.data = new Float64Array(Math.max(1, rows) * buckets);
  }
  ensureRows(rows: number): void {
    if (rows <= this.rows) return;
    const n = new Float64Array(rows * 2 * this.buckets);
    n.set(this.data);
    this.data = n;
    this.rows = rows * 2;
  }
  row(r: number): number[] {
    return Array.from(this.data.subarray(r * this.buckets, (r + 1) * this.buckets));
  }
}

export function simulateTraffic(sc: TrafficScenario): TrafficResult {
  return new TrafficSim(sc).run();
}

export class TrafficSim {
  private readonly rng: Rng;
  private readonly N: number;
  private readonly endMs: number;
  private readonly injectMs: number;
  private readonly bucketMs: number;
  private readonly nB: number;
  private readonly heap = new TimeHeap(1 << 16);
  private readonly store = new ThrottleStore();
  private readonly singletons = new SingletonWheels();

  private readonly mQueue: Int32Array;
  private readonly mCreated: Float64Array;
  private readonly mAttempts: Uint16Array;

  private readonly queues: QState[] = [];
  private readonly cumWeights: Float64Array;
  private readonly paths: PState[] = [];
  private readonly pathIndex = new Map<string, number>();

  // dispatchers
  private dPath: Int32Array = new Int32Array(256);
  private dState: Uint8Array = new Uint8Array(256);
  private dMsg: Int32Array = new Int32Array(256);
  private dThr: Int32Array = new Int32Array(256);
  private dOut: Uint8Array = new Uint8Array(256);
  private dDelivered: Int32Array = new Int32Array(256);
  private dWake: Float64Array = new Float64Array(256);
  /** When the dispatcher last went idle, and the time of its pending idle check (-1: none). */
  private dIdleSince: Float64Array = new Float64Array(256);
  private dIdleCheck: Float64Array = new Float64Array(256).fill(-1);
  private dCount = 0;
  private readonly dFree: number[] = [];

  // batches of delayed messages (heap ids >= 0)
  private readonly bList: number[][] = [];
  private bQueue: Int32Array = new Int32Array(1024);
  private bRelease: Float64Array = new Float64Array(1024);
  private bMinCreated: Float64Array = new Float64Array(1024);
  /** 1 when a batch's list (from `bStart`) is in creation order. */
  private bSorted: Uint8Array = new Uint8Array(1024);
  /** Entries before this index of a batch's list were handled already (a handed-over herd). */
  private bStart: Int32Array = new Int32Array(1024);
  private readonly bFree: number[] = [];
  private spare: number[] | null = null;
  private readyNowDepth = 0;
  private readonly skipReplaces: boolean;

  private now = 0;
  private bucket = 0;
  private events = 0;
  private readonly requeueScratch: number[] = [];

  private readonly qs: { sent: Series; deferred: Series; bounced: Series; expired: Series; retries: Series; throttleDelays: Series; depth: Series; readyDepth: Series };
  private readonly ps: { sent: Series; deferred: Series; bounced: Series; throttleSleeps: Series; readyDepth: Series; connections: Series };

  constructor(private readonly sc: TrafficScenario) {
    this.rng = new Rng(sc.seed ?? 1);
    this.skipReplaces = sc.skipListReplacesSameSecond ?? true;
    this.N = Math.max(0, Math.floor(sc.messages));
    this.endMs = Math.round(sc.durationSec * 1000);
    this.injectMs = Math.round((sc.injectOverSec ?? sc.durationSec) * 1000);
    const bucketSec = sc.bucketSec ?? Math.max(1, Math.round(sc.durationSec / 60));
    this.bucketMs = Math.max(1, Math.round(bucketSec * 1000));
    this.nB = Math.max(1, Math.ceil(this.endMs / this.bucketMs));
    this.mQueue = new Int32Array(this.N);
    this.mCreated = new Float64Array(this.N);
    this.mAttempts = new Uint16Array(this.N);
    const nQ = sc.queues.length;
    if (nQ === 0 && this.N > 0) throw new Error('traffic scenario has messages but no queues');
    this.cumWeights = new Float64Array(nQ);
    let acc = 0;
    sc.queues.forEach((q, i) => {
      acc += Math.max(0, q.weight);
      this.cumWeights[i] = acc;
    });
    if (nQ > 0 && acc <= 0) throw new Error('queue weights sum to 0');
    const mk = (rows: number) => new Series(rows, this.nB);
    this.qs = { sent: mk(nQ), deferred: mk(nQ), bounced: mk(nQ), expired: mk(nQ), retries: mk(nQ), throttleDelays: mk(nQ), depth: mk(nQ), readyDepth: mk(nQ) };
    this.ps = { sent: mk(8), deferred: mk(8), bounced: mk(8), throttleSleeps: mk(8), readyDepth: mk(8), connections: mk(8) };
    for (const q of sc.queues) this.queues.push(this.makeQueue(q.name, q.site, q.config ?? {}));
  }

  // ---------- setup ----------

  private poolFor(name: string): EgressPool {
    if (name === UNSPECIFIED) return this.sc.pools?.[UNSPECIFIED] ?? unspecifiedPool();
    const p = this.sc.pools?.[name];
    if (p === undefined) throw new Error(`unknown egress pool '${name}'`);
    return p;
  }

  private makeQueue(name: string, site: string, base: Partial<QueueConfig>): QState {
    const cfg = queueConfig(base);
    const poolName = cfg.egressPool ?? UNSPECIFIED;
    const pool = this.poolFor(poolName);
    const q: QState = {
      name,
      site,
      baseConfig: base,
      cfg,
      poolName,
      pool,
      selector: new WrrSelector(pool),
      entryPath: new Int32Array(0),
      candW: new Uint32Array(0),
      candE: new Int32Array(0),
      model: null,
      skip: null,
      life: null,
      rateCell: cfg.maxMessageRate ? this.store.cell(throttleKeys.queueMessageRate(name), cfg.maxMessageRate) : null,
      delayed: 0,
      ready: 0,
      index: this.queues.length,
      openBatch: -1,
      t: { injected: 0, sent: 0, deferred: 0, bounced: 0, expired: 0, retries: 0, throttleDelays: 0, throttleDelaySec: 0, readyQueueFull: 0, configFetches: 0, stranded: 0, reaped: 0 },
    };
    this.bindSelector(q);
    return q;
  }

  private bindSelector(q: QState): void {
    const n = q.selector.entries.length;
    q.entryPath = new Int32Array(n);
    q.candW = new Uint32Array(n);
    q.candE = new Int32Array(n);
    q.selector.entries.forEach((e, i) => (q.entryPath[i] = this.pathFor(e.name, q.site)));
  }

  private pathFor(source: string, site: string): number {
    const name = readyQueueName(source, site);
    const known = this.pathIndex.get(name);
    if (known !== undefined) return known;
    const over = this.sc.paths?.[name] ?? this.sc.paths?.[`${source}->${site}`] ?? this.sc.paths?.[site] ?? {};
    const cfg = pathConfig({ ...this.sc.defaultPath, ...over });
    const sm: SiteModel = this.sc.sites?.[site] ?? {};
    const msgThrottles = sortByRate([
      ...(cfg.maxMessageRate ? [{ key: throttleKeys.pathMessageRate(name), spec: cfg.maxMessageRate }] : []),
      ...Object.entries(cfg.additionalMessageRateThrottles ?? {}).map(([key, spec]) => ({ key, spec })),
    ]);
    const p: PState = {
      name,
      source,
      site,
      cfg,
      ready: new ReadyFifo(cfg.maxReady),
      msgCells: msgThrottles.map((t) => this.store.cell(t.key, t.spec)),
      connCell: cfg.maxConnectionRate ? this.store.cell(throttleKeys.connectionRate(name), cfg.maxConnectionRate) : null,
      selCells: sortByRate([
        ...(cfg.sourceSelectionRate ? [{ key: throttleKeys.sourceSelectionRate(name, source), spec: cfg.sourceSelectionRate }] : []),
        ...Object.entries(cfg.additionalSourceSelectionRates ?? {}).map(([key, spec]) => ({ key, spec })),
      ]).map((t) => this.store.cell(t.key, t.spec)),
      open: 0,
      idle: [],
      p5: sm.permanent ?? 0,
      p4: (sm.permanent ?? 0) + (sm.transient ?? 0),
      pt: (sm.permanent ?? 0) + (sm.transient ?? 0) + (sm.timeout ?? 0),
      latencyMs: Math.max(1, Math.round(sm.latencyMs ?? 100)),
      timeoutMs: Math.max(1, Math.round(sm.timeoutMs ?? 30_000)),
      connectMs: Math.max(0, Math.round(sm.connectMs ?? 200)),
      t: { sent: 0, deferred: 0, bounced: 0, throttleSleeps: 0, throttleRequeues: 0, connectionsOpened: 0, connectionRateDelays: 0, maxConnections: 0 },
    };
    const idx = this.paths.length;
    this.paths.push(p);
    this.pathIndex.set(name, idx);
    for (const s of Object.values(this.ps)) s.ensureRows(idx + 1);
    return idx;
  }

  /** A queue comes into existence (again, after a reap) when a message is first inserted. */
  private ensureLive(q: QState): void {
    if (q.life !== null && !q.life.reaped) return;
    q.life = new QueueLifecycle(this.now, q.cfg);
    q.model = releaseModel(q.cfg, this.now, this.singletons);
    q.skip = q.cfg.strategy === 'SkipList' ? new SkipListSchedule() : null;
    q.t.configFetches++;
    if (q.selector.state.index !== 0 || q.selector.state.weight !== 0) {
      q.selector = new WrrSelector(q.pool);
      this.bindSelector(q);
    }
  }

  // ---------- main loop ----------

  run(): TrafficResult {
    const heap = this.heap;
    const N = this.N;
    const endMs = this.endMs;
    const injectMs = this.injectMs;
    let nextArrival = 0;
    let nextBucketEnd = this.bucketMs;
    let nextMaint = CONFIG_MAINTAINER_PERIOD_MS;
    const nQ = this.queues.length;
    const cum = this.cumWeights;
    const total = nQ > 0 ? cum[nQ - 1] : 0;
    for (;;) {
      const tHeap = heap.peekTime();
      const tArr = nextArrival < N ? (injectMs === 0 ? 0 : Math.floor((nextArrival * injectMs) / N)) : Infinity;
      const t = tArr <= tHeap ? tArr : tHeap;
      while (t >= nextBucketEnd && this.bucket < this.nB) {
        this.sample(this.bucket);
        this.bucket++;
        nextBucketEnd += this.bucketMs;
      }
      while (t >= nextMaint && nextMaint <= endMs) {
        this.now = nextMaint;
        this.maintain();
        nextMaint += CONFIG_MAINTAINER_PERIOD_MS;
      }
      if (t > endMs || t === Infinity) break;
      this.now = t;
      this.events++;
      if (tArr <= tHeap) {
        const m = nextArrival++;
        // pick a queue by weight (binary search on the cumulative weights)
        const r = this.rng.unit() * total;
        let lo = 0;
        let hi = nQ - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid] > r) hi = mid;
          else lo = mid + 1;
        }
        this.mQueue[m] = lo;
        this.mCreated[m] = t;
        this.mAttempts[m] = 0;
        const q = this.queues[lo];
        q.t.injected++;
        this.ensureLive(q);
        q.life!.touch(t); // Queue::insert updates last_change
        this.insertReady(m, q);
      } else {
        const id = heap.pop();
        if (id >= 0) {
          this.fireBatch(id);
        } else if (-1 - id >= QUEUE_WAKE_BASE) {
          this.onQueueWake(-1 - id - QUEUE_WAKE_BASE, t);
        } else if (-1 - id >= IDLE_CHECK_BASE) {
          this.onIdleCheck(-1 - id - IDLE_CHECK_BASE, t);
        } else {
          this.onDispatcher(-1 - id, t);
        }
      }
    }
    while (this.bucket < this.nB) this.sample(this.bucket++);
    this.now = Math.min(this.now, endMs);
    return this.result();
  }

  // ---------- scheduled queue side ----------

  /** `Queue::insert_ready`: queue message rate, then source selection into a ready queue. */
  private insertReady(m: number, q: QState): void {
    const now = this.now;
    if (q.rateCell !== null) {
      const d = q.rateCell.retryAfterSec(now * NS);
      if (d > 0) {
        q.t.throttleDelays++;
        q.t.throttleDelaySec += d;
        this.qs.throttleDelays.data[this.mQueue[m] * this.nB + this.bucket]++;
        this.requeueNoAttempt(m, q, d * 1000);
        return;
      }
    }
    this.insertReadyAfterRate(m, q);
  }

  /** Source selection (`select_and_insert`, no suspensions modelled) after the queue rate passed. */
  private insertReadyAfterRate(m: number, q: QState): void {
    const now = this.now;
    const n = q.selector.entries.length;
    if (n === 0) {
      this.transientFailure(m, q, null);
      return;
    }
    const candW = q.candW;
    const candE = q.candE;
    const weights = q.selector.weights;
    for (let i = 0; i < n; i++) {
      candW[i] = weights[i];
      candE[i] = i;
    }
    let nc = n;
    let full = false;
    const state = q.selector.state;
    for (;;) {
      const ci = wrrNext(state, candW, nc);
      if (ci < 0) break;
      const pIdx = q.entryPath[candE[ci]];
      const p = this.paths[pIdx];
      let ok = true;
      if (p.ready.length + p.ready.reserved + 1 > p.cfg.maxReady) {
        full = true;
        ok = false;
      } else if (p.selCells.length > 0 && this.sourceThrottled(p, now * NS)) {
        ok = false;
      }
      if (ok) {
        p.ready.pushBack(m);
        q.ready++;
        this.kick(pIdx);
        return;
      }
      for (let j = ci + 1; j < nc; j++) {
        candW[j - 1] = candW[j];
        candE[j - 1] = candE[j];
      }
      nc--;
    }
    if (full) {
      // ReadyQueueFull: force_into_delayed with delay_with_jitter(60), no attempt counted
      q.t.readyQueueFull++;
      let b = -1;
      while (b < 0) b = this.batchFor(q, now + delayWithJitter(60, this.rng) * 1000);
      this.addToBatch(b, m, q);
      return;
    }
    // a source-selection delay, or no sources at all: TransientFailure, attempt counted
    this.transientFailure(m, q, null);
  }

  /**
   * Delayed messages are grouped per queue and release time: one heap entry per batch. Messages a
   * queue re-inserts for the same release time (throttle herds, ticked wheels) share a batch. SkipList
   * queues group by due second and are released by their maintainer's wake-ups.
   * Returns the batch a message due at `dueMs` joins (created if needed), or -1 when it is ready now.
   */
  private batchFor(q: QState, dueMs: number): number {
    const skip = q.skip;
    if (skip !== null) {
      if (SkipListSchedule.isReadyNow(this.now, dueMs)) return -1;
      const bucket = SkipListSchedule.bucketOf(dueMs);
      let b = skip.slotOf(bucket);
      if (b < 0) {
        b = this.allocBatch(q, bucket * 1000);
        if (skip.addBucket(this.now, bucket, b)) this.heap.push(this.now, -1 - (QUEUE_WAKE_BASE + q.index));
      }
      return b;
    }
    const rel = q.model!.release(this.now, dueMs);
    if (rel === READY_NOW) return -1;
    let b = q.openBatch;
    if (b < 0 || this.bRelease[b] !== rel) {
      b = this.allocBatch(q, rel);
      q.openBatch = b;
      this.heap.push(rel, b);
    }
    return b;
  }

  private allocBatch(q: QState, releaseMs: number): number {
    const b = this.bFree.length > 0 ? this.bFree.pop()! : this.newBatch();
    this.bQueue[b] = q.index;
    this.bRelease[b] = releaseMs;
    this.bMinCreated[b] = Infinity;
    this.bStart[b] = 0;
    this.bSorted[b] = 1;
    return b;
  }

  private addToBatch(b: number, m: number, q: QState): void {
    const list = this.bList[b];
    if (q.skip !== null && this.skipReplaces && list.length > this.bStart[b]) {
      // SkipSet::insert replaces the entry that compares equal (same due second)
      const gone = list.length - this.bStart[b];
      q.t.stranded += gone;
      q.delayed -= gone;
      list.length = 0;
      this.bStart[b] = 0;
      this.bMinCreated[b] = Infinity;
      this.bSorted[b] = 1;
    }
    const c = this.mCreated[m];
    if (list.length > 0 && c < this.mCreated[list[list.length - 1]]) this.bSorted[b] = 0;
    list.push(m);
    if (c < this.bMinCreated[b]) this.bMinCreated[b] = c;
    q.delayed++;
    q.life!.touch(this.now);
  }

  /** Source-selection throttles, tightest first: the first retry-after makes the source ineligible. */
  private sourceThrottled(p: PState, nowNs: number): boolean {
    const cells = p.selCells;
    for (let i = 0; i < cells.length; i++) if (cells[i].retryAfterSec(nowNs) > 0) return true;
    return false;
  }

  /** A SkipList maintainer wakes: pop every bucket whose second has come, then sleep whole seconds. */
  private onQueueWake(qi: number, t: number): void {
    const q = this.queues[qi];
    const skip = q.skip;
    if (skip === null || skip.wakeAt !== t) return; // stale
    for (let b = skip.popDue(t); b >= 0; b = skip.popDue(t)) this.fireBatch(b);
    const next = skip.sleepAfterWake(t);
    if (next >= 0) this.heap.push(next, -1 - (QUEUE_WAKE_BASE + qi));
  }

  private newBatch(): number {
    const b = this.bList.length;
    this.bList.push([]);
    if (b >= this.bQueue.length) {
      const nq = new Int32Array(this.bQueue.length * 2);
      nq.set(this.bQueue);
      this.bQueue = nq;
      const nr = new Float64Array(this.bRelease.length * 2);
      nr.set(this.bRelease);
      this.bRelease = nr;
      const ns = new Int32Array(this.bStart.length * 2);
      ns.set(this.bStart);
      this.bStart = ns;
      const so = new Uint8Array(this.bSorted.length * 2);
      so.set(this.bSorted);
      this.bSorted = so;
      const nm = new Float64Array(this.bMinCreated.length * 2);
      nm.set(this.bMinCreated);
      this.bMinCreated = nm;
    }
    return b;
  }

  /** A batch of delayed messages reaches its release time: `insert_ready` for each, in order. */
  private fireBatch(b: number): void {
    const q = this.queues[this.bQueue[b]];
    if (q.openBatch === b) q.openBatch = -1;
    const list = this.bList[b];
    this.ensureLive(q);
    const n = list.length;
    let i = this.bStart[b];
    q.delayed -= n - i;
    this.events += n - i - 1;
    for (; i < n; i++) {
      const m = list[i];
      if (q.rateCell !== null) {
        const d = q.rateCell.retryAfterSec(this.now * NS);
        if (d > 0) break;
      }
      this.insertReadyAfterRate(m, q);
    }
    if (i < n) {
      // The queue throttle said no at this instant: everyone after gets the same retry-after (same
      // clock, TAT unchanged by a refusal), so they move to the same new batch without re-checking.
      const d = q.rateCell!.retryAfterSec(this.now * NS);
      this.spare = null;
      this.throttledRest(list, i, q, d, this.bMinCreated[b], this.bSorted[b] === 1);
      if (this.spare !== null) this.bList[b] = this.spare; // `list` now belongs to the new batch
      else list.length = 0;
    } else {
      list.length = 0;
    }
    this.bFree.push(b);
  }

  private throttledRest(list: number[], from: number, q: QState, d: number, minCreated: number, sorted: boolean): void {
    const qi = q.index;
    const cnt = list.length - from;
    q.t.throttleDelays += cnt;
    q.t.throttleDelaySec += d * cnt;
    this.qs.throttleDelays.data[qi * this.nB + this.bucket] += cnt;
    const due = this.now + d * 1000;
    const oldest = due - q.cfg.maxAge * 1000; // created at or before this: expired (age(due) >= max_age)
    let start = from;
    let newMin = minCreated;
    if (minCreated <= oldest) {
      const created = this.mCreated;
      if (sorted) {
        // oldest first: the expired ones are a prefix
        while (start < list.length && created[list[start]] <= oldest) this.expire(list[start++], q);
        newMin = start < list.length ? created[list[start]] : Infinity;
      } else {
        // compact the survivors to the front, then sort them by creation so that the herd's later
        // expiries (every second or tick from now on) only look at a prefix
        let w = 0;
        for (let j = from; j < list.length; j++) {
          const m = list[j];
          if (created[m] <= oldest) this.expire(m, q);
          else list[w++] = m;
        }
        list.length = w;
        start = 0;
        list.sort((a, b) => created[a] - created[b] || a - b);
        sorted = true;
        newMin = w > 0 ? created[list[0]] : Infinity;
      }
    }
    const w = list.length - start;
    if (w === 0) return;
    const b2 = this.batchFor(q, due);
    if (b2 < 0) {
      for (let j = start; j < list.length; j++) this.insertReady(list[j], q);
      return;
    }
    if (q.skip !== null && this.skipReplaces) {
      // all due in the same second: each insert displaces the previous one, the last one stays
      q.t.stranded += w - 1;
      this.addToBatch(b2, list[list.length - 1], q);
      list.length = 0;
      return;
    }
    const target = this.bList[b2];
    if (target.length === 0) {
      // fresh batch: hand it the array (with its already-handled prefix skipped) instead of copying
      this.bList[b2] = list;
      this.bStart[b2] = start;
      this.spare = target;
      this.bMinCreated[b2] = newMin;
      this.bSorted[b2] = sorted ? 1 : 0;
    } else {
      for (let j = start; j < list.length; j++) target.push(list[j]);
      if (newMin < this.bMinCreated[b2]) this.bMinCreated[b2] = newMin;
      this.bSorted[b2] = 0;
    }
    q.delayed += w;
    q.life!.touch(this.now);
  }




  /** Insert with a due time: release per strategy, or straight to insert_ready when already due. */
  private schedule(m: number, q: QState, dueMs: number): void {
    this.ensureLive(q);
    q.life!.touch(this.now); // every requeue goes through Queue::insert
    const b = this.batchFor(q, dueMs);
    if (b >= 0) this.addToBatch(b, m, q);
    else if (this.readyNowDepth > 4) {
      // A zero (or wrapped negative) delay that fails again at once would spin forever, as kumod would
      // busy-loop; the simulator takes one virtual second per round instead.
      this.addToBatch(this.batchFor(q, this.now + 1000), m, q);
    } else {
      this.readyNowDepth++;
      this.insertReady(m, q);
      this.readyNowDepth--;
    }
  }

  /** requeue without an attempt increment: expired when age(due) >= max_age. */
  private requeueNoAttempt(m: number, q: QState, delayMs: number): void {
    const due = this.now + delayMs;
    if (due - this.mCreated[m] >= q.cfg.maxAge * 1000) {
      this.expire(m, q);
      return;
    }
    this.schedule(m, q, due);
  }

  private expire(m: number, q: QState): void {
    q.t.expired++;
    this.qs.expired.data[this.mQueue[m] * this.nB + this.bucket]++;
  }

  /** increment_attempts_and_update_delay: backoff + jitter, strict max_age check. */
  private transientFailure(m: number, q: QState, pIdx: number | null): void {
    const qi = this.mQueue[m];
    q.t.deferred++;
    this.qs.deferred.data[qi * this.nB + this.bucket]++;
    if (pIdx !== null) {
      this.paths[pIdx].t.deferred++;
      this.ps.deferred.data[pIdx * this.nB + this.bucket]++;
    }
    const cfg = q.cfg;
    const attempts = this.mAttempts[m];
    const delay = retryDelaySec(cfg.retryInterval, cfg.maxRetryInterval, attempts, this.rng);
    if (attempts < 65535) this.mAttempts[m] = attempts + 1;
    if (this.now - this.mCreated[m] + delay * 1000 > cfg.maxAge * 1000) {
      this.expire(m, q);
      return;
    }
    this.schedule(m, q, this.now + delay * 1000);
  }

  // ---------- ready queue / dispatcher side ----------

  private wake(d: number, at: number): void {
    this.dWake[d] = at;
    this.heap.push(at, -1 - d);
  }

  /** New message in a ready queue: hand it to an idle connection, or open more up to the ideal count. */
  private kick(pIdx: number): void {
    const p = this.paths[pIdx];
    while (p.idle.length > 0) {
      const d = p.idle.pop()!;
      // entries can be stale (closed, or reused by another path): only a dispatcher idle on this path counts
      if (this.dState[d] === D_IDLE && this.dPath[d] === pIdx) {
        this.startNext(d);
        return;
      }
    }
    const limit = p.cfg.connectionLimit;
    if (p.open >= limit) return;
    // open `ideal - current` connections; one refused by max_connection_rate closes at once (and may
    // empty the ready queue), so count the attempts rather than re-reading `open`
    let toOpen = idealConnectionCount(p.ready.length, limit) - p.open;
    while (toOpen-- > 0 && p.ready.length > 0) this.openDispatcher(pIdx);
  }

  private allocDispatcher(): number {
    if (this.dFree.length > 0) return this.dFree.pop()!;
    const d = this.dCount++;
    if (d >= this.dPath.length) {
      const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
        const n = new (a.constructor as { new (len: number): T })(a.length * 2);
        n.set(a);
        return n;
      };
      this.dPath = grow(this.dPath);
      this.dState = grow(this.dState);
      this.dMsg = grow(this.dMsg);
      this.dThr = grow(this.dThr);
      this.dOut = grow(this.dOut);
      this.dDelivered = grow(this.dDelivered);
      this.dWake = grow(this.dWake);
      this.dIdleSince = grow(this.dIdleSince);
      const ic = grow(this.dIdleCheck);
      ic.fill(-1, this.dIdleCheck.length);
      this.dIdleCheck = ic;
    }
    return d;
  }

  /**
   * A new dispatcher: like kumod's, it first takes a message from the ready queue (`wait_for_message`)
   * and holds it while connecting, so a connection-rate requeue by another dispatcher cannot take it.
   */
  private openDispatcher(pIdx: number): void {
    const p = this.paths[pIdx];
    const m = p.ready.shift();
    if (m < 0) return;
    this.queues[this.mQueue[m]].ready--;
    const d = this.allocDispatcher();
    this.dPath[d] = pIdx;
    this.dMsg[d] = m;
    this.dDelivered[d] = 0;
    p.open++;
    p.t.connectionsOpened++;
    if (p.open > p.t.maxConnections) p.t.maxConnections = p.open;
    this.connect(d);
  }

  private closeDispatcher(d: number): void {
    const p = this.paths[this.dPath[d]];
    this.dState[d] = D_CLOSED;
    this.dWake[d] = -1;
    this.dIdleCheck[d] = -1;
    p.open--;
    this.dFree.push(d);
  }

  /** max_connection_rate before connecting: sleep, or requeue the ready queue when >= idle_timeout. */
  private connect(d: number): void {
    const pIdx = this.dPath[d];
    const p = this.paths[pIdx];
    if (p.connCell !== null) {
      const r = p.connCell.retryAfterSec(this.now * NS);
      if (r > 0) {
        p.t.connectionRateDelays++;
        if (r >= p.cfg.idleTimeout) {
          // throttle_ready_queue takes the ready queue and the message this dispatcher holds
          const held = this.dMsg[d];
          this.dMsg[d] = -1;
          this.closeDispatcher(d);
          this.throttleReadyQueue(pIdx, r, held);
          return;
        }
        this.dState[d] = D_CONN_SLEEP;
        this.wake(d, this.now + r * 1000);
        return;
      }
    }
    this.dState[d] = D_CONNECTING;
    this.wake(d, this.now + p.connectMs);
  }

  private onDispatcher(d: number, t: number): void {
    if (this.dWake[d] !== t) return; // stale
    this.dWake[d] = -1;
    switch (this.dState[d]) {
      case D_CONN_SLEEP:
        this.connect(d);
        return;
      case D_CONNECTING:
        if (this.dMsg[d] >= 0) this.deliver(d, 0);
        else this.startNext(d);
        return;
      case D_MSG_SLEEP:
        this.deliver(d, this.dThr[d]);
        return;
      case D_DELIVERING:
        this.finish(d);
        return;
      default:
        return;
    }
  }

  private onIdleCheck(d: number, t: number): void {
    if (this.dIdleCheck[d] !== t) return; // stale
    this.dIdleCheck[d] = -1;
    if (this.dState[d] !== D_IDLE) return; // busy again: the next idle spell arms a new check
    const due = this.dIdleSince[d] + this.paths[this.dPath[d]].cfg.idleTimeout * 1000;
    if (due <= t) {
      this.closeDispatcher(d);
      return;
    }
    this.dIdleCheck[d] = due;
    this.heap.push(due, -1 - (IDLE_CHECK_BASE + d));
  }

  private startNext(d: number): void {
    const pIdx = this.dPath[d];
    const p = this.paths[pIdx];
    const m = p.ready.shift();
    if (m >= 0) this.queues[this.mQueue[m]].ready--;
    if (m < 0) {
      // idle: the connection closes after idle_timeout without work. One pending check per dispatcher
      // (re-armed from `dIdleSince` when it fires early) instead of one event per idle spell.
      this.dState[d] = D_IDLE;
      this.dWake[d] = -1;
      this.dIdleSince[d] = this.now;
      p.idle.push(d);
      if (this.dIdleCheck[d] < 0) {
        const at = this.now + p.cfg.idleTimeout * 1000;
        this.dIdleCheck[d] = at;
        this.heap.push(at, -1 - (IDLE_CHECK_BASE + d));
      }
      return;
    }
    this.dMsg[d] = m;
    this.deliver(d, 0);
  }

  /** Path max_message_rate (tightest first) then the SMTP transaction. */
  private deliver(d: number, fromThrottle: number): void {
    const pIdx = this.dPath[d];
    const p = this.paths[pIdx];
    const cells = p.msgCells;
    const nowNs = this.now * NS;
    for (let i = fromThrottle; i < cells.length; i++) {
      const r = cells[i].retryAfterSec(nowNs);
      if (r > 0) {
        if (r >= p.cfg.idleTimeout) {
          p.t.throttleRequeues++;
          const m = this.dMsg[d];
          this.dMsg[d] = -1;
          this.throttleReadyQueue(pIdx, r, m);
          this.startNext(d);
          return;
        }
        p.t.throttleSleeps++;
        this.ps.throttleSleeps.data[pIdx * this.nB + this.bucket]++;
        this.dState[d] = D_MSG_SLEEP;
        this.dThr[d] = i;
        this.wake(d, this.now + r * 1000);
        return;
      }
    }
    const m = this.dMsg[d];
    if (this.mAttempts[m] > 0) {
      const qi = this.mQueue[m];
      this.queues[qi].t.retries++;
      this.qs.retries.data[qi * this.nB + this.bucket]++;
    }
    const u = this.rng.unit();
    const o = u < p.p5 ? O_PERMANENT : u < p.p4 ? O_TRANSIENT : u < p.pt ? O_TIMEOUT : O_OK;
    this.dOut[d] = o;
    this.dState[d] = D_DELIVERING;
    this.wake(d, this.now + (o === O_TIMEOUT ? p.timeoutMs : p.latencyMs));
  }

  private finish(d: number): void {
    const pIdx = this.dPath[d];
    const p = this.paths[pIdx];
    const m = this.dMsg[d];
    this.dMsg[d] = -1;
    const qi = this.mQueue[m];
    const q = this.queues[qi];
    const o = this.dOut[d];
    const b = this.bucket;
    if (o === O_OK) {
      q.t.sent++;
      p.t.sent++;
      this.qs.sent.data[qi * this.nB + b]++;
      this.ps.sent.data[pIdx * this.nB + b]++;
    } else if (o === O_PERMANENT) {
      q.t.bounced++;
      p.t.bounced++;
      this.qs.bounced.data[qi * this.nB + b]++;
      this.ps.bounced.data[pIdx * this.nB + b]++;
    } else {
      this.transientFailure(m, q, pIdx);
    }
    const delivered = ++this.dDelivered[d];
    if (o === O_TIMEOUT || delivered >= p.cfg.maxDeliveriesPerConnection) {
      this.closeDispatcher(d);
      if (p.ready.length > 0) this.kick(pIdx);
      return;
    }
    this.startNext(d);
  }

  /** `throttle_ready_queue`: the ready queue (and the in-hand message) go back with the delay, no attempt. */
  private throttleReadyQueue(pIdx: number, delaySec: number, inHand: number): void {
    const p = this.paths[pIdx];
    const list = this.requeueScratch;
    list.length = 0;
    p.ready.takeAll(list);
    for (let i = 0; i < list.length; i++) this.queues[this.mQueue[list[i]]].ready--;
    if (inHand >= 0) list.push(inHand);
    for (let i = 0; i < list.length; i++) {
      const m = list[i];
      this.requeueNoAttempt(m, this.queues[this.mQueue[m]], delaySec * 1000);
    }
    list.length = 0;
  }

  // ---------- periodic ----------

  private maintain(): void {
    const now = this.now;
    for (const q of this.queues) {
      const life = q.life;
      if (life === null || life.reaped) continue;
      const act = life.onMaintainer(now, q.delayed === 0);
      if (act === 'reap') {
        q.t.reaped++;
      } else if (act === 'refresh') {
        const upd = this.sc.refreshQueueConfig?.(q.name, now);
        if (upd !== undefined) {
          const cfg = queueConfig({ ...q.baseConfig, ...upd });
          q.cfg = cfg;
          q.rateCell = cfg.maxMessageRate ? this.store.cell(throttleKeys.queueMessageRate(q.name), cfg.maxMessageRate) : null;
          const poolName = cfg.egressPool ?? UNSPECIFIED;
          if (poolName !== q.poolName) {
            q.poolName = poolName;
            q.pool = this.poolFor(poolName);
          }
        }
        // kumod rebuilds the selector (and its WRR position) unless `equivalent`: always, with a weight-0 entry
        if (!q.selector.equivalent(q.pool)) {
          q.selector = new WrrSelector(q.pool);
          this.bindSelector(q);
        }
        q.t.configFetches++;
        life.applyRefresh(now, q.cfg);
        // a TimerWheel maintainer reads its tick from the live config after every pop: new inserts follow
        // the new tick from the last tick on (the strategy itself only changes once the queue is reaped)
        const model = q.model;
        if (model instanceof TickedWheel && model.strategy === 'TimerWheel') {
          const tick = timerWheelTickMs(q.cfg);
          if (tick !== model.tickMs) {
            const lastTick = model.originMs + Math.floor((now - model.originMs) / model.tickMs) * model.tickMs;
            q.model = new TickedWheel('TimerWheel', lastTick, tick);
            q.openBatch = -1;
          }
        }
      }
    }
  }

  private sample(b: number): void {
    const nB = this.nB;
    for (let i = 0; i < this.queues.length; i++) {
      this.qs.depth.data[i * nB + b] = this.queues[i].delayed;
      this.qs.readyDepth.data[i * nB + b] = this.queues[i].ready;
    }
    for (let i = 0; i < this.paths.length; i++) {
      const p = this.paths[i];
      this.ps.readyDepth.data[i * nB + b] = p.ready.length;
      this.ps.connections.data[i * nB + b] = p.open;
    }
  }

  private result(): TrafficResult {
    let delivered = 0;
    let bounced = 0;
    let expired = 0;
    let deferred = 0;
    let scheduled = 0;
    let injected = 0;
    let stranded = 0;
    for (const q of this.queues) {
      stranded += q.t.stranded;
      delivered += q.t.sent;
      bounced += q.t.bounced;
      expired += q.t.expired;
      deferred += q.t.deferred;
      scheduled += q.delayed;
      injected += q.t.injected;
    }
    let ready = 0;
    for (const p of this.paths) ready += p.ready.length;
    let inFlight = 0;
    for (let d = 0; d < this.dCount; d++) if (this.dState[d] !== D_CLOSED && this.dMsg[d] >= 0) inFlight++;
    return {
      bucketSec: this.bucketMs / 1000,
      buckets: this.nB,
      durationSec: this.endMs / 1000,
      queues: this.queues.map((q, i) => ({
        name: q.name,
        pool: q.poolName,
        site: q.site,
        totals: { ...q.t },
        series: {
          sent: this.qs.sent.row(i),
          deferred: this.qs.deferred.row(i),
          bounced: this.qs.bounced.row(i),
          expired: this.qs.expired.row(i),
          retries: this.qs.retries.row(i),
          throttleDelays: this.qs.throttleDelays.row(i),
          depth: this.qs.depth.row(i),
          readyDepth: this.qs.readyDepth.row(i),
        },
      })),
      paths: this.paths.map((p, i) => ({
        name: p.name,
        source: p.source,
        site: p.site,
        config: p.cfg,
        totals: { ...p.t },
        series: {
          sent: this.ps.sent.row(i),
          deferred: this.ps.deferred.row(i),
          bounced: this.ps.bounced.row(i),
          throttleSleeps: this.ps.throttleSleeps.row(i),
          readyDepth: this.ps.readyDepth.row(i),
          connections: this.ps.connections.row(i),
        },
      })),
      totals: { injected, delivered, bounced, expired, deferred, stranded, pendingScheduled: scheduled, pendingReady: ready, inFlight, events: this.events },
    };
  }
}
