/**
 * A binary min-heap of (time, id) pairs in typed arrays: no allocation per push or pop. Ties come out
 * in insertion order (a sequence number breaks them), so simulations are deterministic.
 */
export class TimeHeap {
  private keys: Float64Array;
  private ids: Int32Array;
  private seqs: Float64Array;
  private n = 0;
  private seq = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
    this.seqs = new Float64Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  private grow(): void {
    const cap = this.keys.length * 2;
    const k = new Float64Array(cap);
    k.set(this.keys);
    const i = new Int32Array(cap);
    i.set(this.ids);
    const s = new Float64Array(cap);
    s.set(this.seqs);
    this.keys = k;
    this.ids = i;
    this.seqs = s;
  }

  push(time: number, id: number): void {
    if (this.n === this.keys.length) this.grow();
    const keys = this.keys;
    const ids = this.ids;
    const seqs = this.seqs;
    const sq = this.seq++;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = keys[p];
      if (pk < time || (pk === time && seqs[p] < sq)) break;
      keys[i] = pk;
      ids[i] = ids[p];
      seqs[i] = seqs[p];
      i = p;
    }
    keys[i] = time;
    ids[i] = id;
    seqs[i] = sq;
  }

  /** Smallest time, or +Infinity when empty. */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.keys[0];
  }

  peekId(): number {
    return this.ids[0];
  }

  /** Removes the smallest entry and returns its id (-1 when empty). */
  pop(): number {
    if (this.n === 0) return -1;
    const keys = this.keys;
    const ids = this.ids;
    const seqs = this.seqs;
    const top = ids[0];
    const last = --this.n;
    if (last === 0) return top;
    const k = keys[last];
    const id = ids[last];
    const sq = seqs[last];
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (keys[r] < keys[c] || (keys[r] === keys[c] && seqs[r] < seqs[c]))) c = r;
      if (keys[c] > k || (keys[c] === k && seqs[c] > sq)) break;
      keys[i] = keys[c];
      ids[i] = ids[c];
      seqs[i] = seqs[c];
      i = c;
    }
    keys[i] = k;
    ids[i] = id;
    seqs[i] = sq;
    return top;
  }
}
