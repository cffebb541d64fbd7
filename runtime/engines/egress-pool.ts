/**
 * Egress pools and kumod's interleaved weighted round robin (the LVS algorithm).
 *
 * Source: KumoCorp/kumomta crates/kumod/src/egress_source.rs (`EgressPool::resolve`, the built-in
 * `unspecified` pool, `EgressPoolSourceSelector::{new, equivalent, next_impl, select_and_insert}`, and its
 * `round_robin` test).
 */

export interface EgressPoolEntry {
  name: string;
  /** Default 1. 0 removes the entry from selection. */
  weight?: number;
}

export interface EgressPool {
  name: string;
  entries: EgressPoolEntry[];
  /** Cache lifetime of the definition in seconds (default 60). */
  ttl?: number;
}

export interface EgressSource {
  name: string;
  sourceAddress?: string;
  [k: string]: unknown;
}

export const UNSPECIFIED = 'unspecified';

/** The pool kumod builds in for queues with no `egress_pool`. */
export function unspecifiedPool(): EgressPool {
  return { name: UNSPECIFIED, entries: [{ name: UNSPECIFIED, weight: 1 }], ttl: 60 };
}

/** The built-in `unspecified` source: every field unset, the OS picks the bind address. */
export function unspecifiedSource(): EgressSource {
  return { name: UNSPECIFIED };
}

/** `egress_pool` of a queue config, or `unspecified` when absent. */
export function poolNameOf(egressPool: string | null | undefined): string {
  return egressPool ?? UNSPECIFIED;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** WRR position. kumod starts at index 0, weight 0. */
export interface WrrState {
  index: number;
  weight: number;
}

/**
 * One step of kumod's `next_impl` over the currently eligible candidates' weights: returns the chosen
 * index into `weights[0..n)`, or -1 for none. A single candidate is returned without touching the state.
 */
export function wrrNext(state: WrrState, weights: ArrayLike<number>, n: number): number {
  if (n === 0) return -1;
  if (n === 1) return 0;
  let maxW = 0;
  let g = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (w > maxW) maxW = w;
    g = gcd(g, w);
  }
  if (maxW === 0) return -1;
  for (;;) {
    state.index = (state.index + 1) % n;
    if (state.index === 0) {
      state.weight = state.weight > g ? state.weight - g : 0; // saturating_sub
      if (state.weight === 0) state.weight = maxW;
    }
    if (weights[state.index] >= state.weight) return state.index;
  }
}

/**
 * The selector a scheduled queue keeps for its pool. State is per scheduled queue: two queues sharing a
 * pool rotate independently.
 */
export class WrrSelector {
  readonly name: string;
  /** Entries with weight > 0, in pool order. */
  readonly entries: ReadonlyArray<{ name: string; weight: number }>;
  readonly weights: Uint32Array;
  readonly state: WrrState = { index: 0, weight: 0 };

  constructor(pool: EgressPool) {
    this.name = pool.name;
    this.entries = pool.entries.map((e) => ({ name: e.name, weight: e.weight ?? 1 })).filter((e) => e.weight !== 0);
    this.weights = Uint32Array.from(this.entries.map((e) => e.weight));
  }

  /**
   * kumod's `equivalent`: compares the *filtered* entries with the pool's raw entries, so a pool with any
   * weight-0 entry is never equivalent, and the selector (WRR position included) is rebuilt on every
   * queue config refresh.
   */
  equivalent(pool: EgressPool): boolean {
    if (pool.name !== this.name || pool.entries.length !== this.entries.length) return false;
    return pool.entries.every((e, i) => e.name === this.entries[i].name && (e.weight ?? 1) === this.entries[i].weight);
  }

  /** Next source ignoring suspensions, full queues and throttles (kumod's `next_ignoring_suspend`). */
  next(): string | null {
    const i = wrrNext(this.state, this.weights, this.weights.length);
    return i < 0 ? null : this.entries[i].name;
  }

  /** Next index into `this.entries`, or -1. */
  nextIndex(): number {
    return wrrNext(this.state, this.weights, this.weights.length);
  }
}

/** Outcome of trying one source in `selectSource` (what `select_and_insert` learns about it). */
export enum SourceTry {
  Inserted = 0,
  /** Ready queue full (`max_ready` reached): drop from candidates, remember "full". */
  Full = 1,
  /** Source-selection throttle: drop from candidates, remember the delay. */
  Throttled = 2,
}

export type SelectResult =
  | { kind: 'inserted'; source: string }
  | { kind: 'ready-queue-full' }
  | { kind: 'delay'; seconds: number }
  | { kind: 'no-sources' };

/**
 * `select_and_insert` without the I/O: candidates are the selector's entries minus suspended ones
 * (`suspendedDelay(name)` returns a delay in seconds, or null when usable); `attempt(name)` says what
 * happened when the message was offered to that source's ready queue, and for a throttle its delay.
 * A rejected candidate is removed and WRR asked again with the shortened list: the shared state keeps
 * advancing and indices shift, as in kumod.
 */
export function selectSource(
  sel: WrrSelector,
  suspendedDelay: (name: string) => number | null,
  attempt: (name: string) => { result: SourceTry; delay?: number },
): SelectResult {
  if (sel.entries.length === 0) return { kind: 'no-sources' };
  let minDelay: number | null = null;
  const names: string[] = [];
  const weights: number[] = [];
  for (const e of sel.entries) {
    const d = suspendedDelay(e.name);
    if (d !== null) {
      minDelay = minDelay === null ? d : Math.min(minDelay, d);
      continue;
    }
    names.push(e.name);
    weights.push(e.weight);
  }
  let full = false;
  for (;;) {
    const i = wrrNext(sel.state, weights, names.length);
    if (i < 0) {
      if (full) return { kind: 'ready-queue-full' };
      return minDelay !== null ? { kind: 'delay', seconds: minDelay } : { kind: 'no-sources' };
    }
    const name = names[i];
    const r = attempt(name);
    if (r.result === SourceTry.Inserted) return { kind: 'inserted', source: name };
    if (r.result === SourceTry.Full) full = true;
    else if (r.delay !== undefined) minDelay = minDelay === null ? r.delay : Math.min(minDelay, r.delay);
    names.splice(i, 1);
    weights.splice(i, 1);
  }
}

export interface PoolPreview {
  /** Source names in pick order (at most `maxSequence` of them). */
  sequence: string[];
  /** Source name → fraction of the `picks`. */
  shares: Record<string, number>;
  counts: Record<string, number>;
  /** Length of one full WRR cycle: sum(weights)/gcd(weights) (1 for a single entry). */
  period: number;
}

/**
 * The exact sequence kumod would pick for `picks` messages from a fresh selector, with shares.
 * Interleaved WRR repeats with period sum(weights)/gcd from the very first pick, so two periods are
 * computed step by step (and checked to agree) and the rest is copied.
 */
export function previewPool(pool: EgressPool, picks: number, maxSequence = picks): PoolPreview {
  const sel = new WrrSelector(pool);
  const n = sel.entries.length;
  let g = 0;
  let sum = 0;
  for (const w of sel.weights) {
    g = gcd(g, w);
    sum += w;
  }
  const period = n <= 1 ? Math.min(n, 1) : sum / g;
  const counts = new Float64Array(n);
  const seqLen = n === 0 ? 0 : Math.min(picks, maxSequence);
  const seqIdx = new Int32Array(seqLen);
  // step by step for two periods (or everything, when that is shorter)
  const stepped = Math.min(picks, n === 0 ? 0 : 2 * period);
  const first = new Int32Array(stepped);
  for (let p = 0; p < stepped; p++) first[p] = sel.nextIndex();
  let periodic = period > 0 && stepped === 2 * period;
  for (let p = 0; periodic && p < period; p++) if (first[p] !== first[p + period]) periodic = false;
  if (periodic || stepped === picks) {
    for (let p = 0; p < Math.min(stepped, picks); p++) counts[first[p]]++;
    const full = Math.floor((picks - stepped) / period);
    const rest = picks - stepped - full * period;
    if (full > 0 || rest > 0) {
      for (let p = 0; p < period; p++) counts[first[p]] += full;
      for (let p = 0; p < rest; p++) counts[first[p]]++;
    }
    for (let p = 0; p < seqLen; p++) seqIdx[p] = first[p < stepped ? p : p % period];
  } else {
    // not periodic as expected: fall back to stepping every pick
    for (let p = 0; p < stepped; p++) {
      counts[first[p]]++;
      if (p < seqLen) seqIdx[p] = first[p];
    }
    for (let p = stepped; p < picks; p++) {
      const i = sel.nextIndex();
      counts[i]++;
      if (p < seqLen) seqIdx[p] = i;
    }
  }
  const names = sel.entries.map((e) => e.name);
  const sequence: string[] = new Array(seqLen);
  for (let p = 0; p < seqLen; p++) sequence[p] = names[seqIdx[p]];
  const shares: Record<string, number> = {};
  const countsOut: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const nm = names[i];
    countsOut[nm] = (countsOut[nm] ?? 0) + counts[i];
    shares[nm] = picks === 0 ? 0 : countsOut[nm] / picks;
  }
  return { sequence, shares, counts: countsOut, period };
}
