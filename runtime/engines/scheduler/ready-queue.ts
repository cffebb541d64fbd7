/**
 * The ready queue of one egress path: a FIFO with capacity `max_ready`, counting reservations.
 *
 * Source: KumoCorp/kumomta crates/kumod/src/ready_queue.rs (`make_reservation` fails when
 * `len + reserved + 1 > max_ready`; `Fifo::update_capacity` pops the excess from the back).
 */
export class ReadyFifo {
  private buf: Int32Array;
  private head = 0;
  private len = 0;
  reserved = 0;

  constructor(public maxReady: number) {
    this.buf = new Int32Array(Math.max(16, Math.min(maxReady, 1 << 16)));
  }

  get length(): number {
    return this.len;
  }

  /** kumod's `make_reservation`: true when there is room for one more. */
  reserve(): boolean {
    if (this.len + this.reserved + 1 > this.maxReady) return false;
    this.reserved++;
    return true;
  }

  /** Redeems a reservation by pushing the message. */
  redeem(id: number): void {
    this.reserved--;
    this.pushBack(id);
  }

  cancelReservation(): void {
    this.reserved--;
  }

  /** Pushes without a reservation (callers check capacity themselves). */
  pushBack(id: number): void {
    if (this.len === this.buf.length) {
      const nb = new Int32Array(this.buf.length * 2);
      for (let i = 0; i < this.len; i++) nb[i] = this.buf[(this.head + i) % this.buf.length];
      this.buf = nb;
      this.head = 0;
    }
    this.buf[(this.head + this.len) % this.buf.length] = id;
    this.len++;
  }

  /** Oldest message, or -1. */
  shift(): number {
    if (this.len === 0) return -1;
    const id = this.buf[this.head];
    this.head = (this.head + 1) % this.buf.length;
    this.len--;
    return id;
  }

  /** Takes everything (kumod's `take_list`), oldest first. */
  takeAll(out: number[]): void {
    while (this.len > 0) out.push(this.shift());
  }

  /** Lowers or raises `max_ready`; returns the excess popped from the back (to be requeued). */
  updateCapacity(maxReady: number): number[] {
    this.maxReady = maxReady;
    const out: number[] = [];
    while (this.len > maxReady) {
      this.len--;
      out.push(this.buf[(this.head + this.len) % this.buf.length]);
    }
    return out;
  }
}
