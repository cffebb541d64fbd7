/**
 * A multi-producer single-consumer queue with kumod's (tokio mpsc) behaviour, in plain JS with callbacks:
 * - bounded (a limit) or unbounded; a full bounded queue makes `send` wait, senders served in order;
 * - `close` closes the receiving side, but only when no receive is waiting (kumod takes the receiver lock
 *   with try_lock); afterwards sends fail, waiting senders fail, and buffered items can still be received;
 * - a waiting receiver is woken by the first item and takes everything there (up to its limit) when it runs;
 * - receives on a closed, empty queue: `recv` gives nothing (nil), `recvMany` an empty batch;
 * - one consumer: starting a receive (or len/is_empty) while another receive waits is an error.
 */
export type SendOutcome = { ok: true } | { ok: false; reason: 'closed' | 'timeout' };

interface WaitingSender<T> {
  value: T;
  done: (o: SendOutcome) => void;
  timer?: ReturnType<typeof setTimeout>;
}

interface WaitingReceiver<T> {
  limit: number;
  /** Called once items arrived; the receiver takes them with `take` when it actually runs (like a woken task). */
  done: (take: () => T[]) => void;
  woken: boolean;
}

export class ReceiverBusyError extends Error {
  constructor(name: string) {
    super(`queue '${name}' is already being received from by another task (an mpsc queue has a single consumer)`);
  }
}

export class MpscQueue<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private readonly senders: WaitingSender<T>[] = [];
  private receiver?: WaitingReceiver<T>;

  constructor(readonly name: string, readonly limit?: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get receiving(): boolean {
    return this.receiver !== undefined;
  }

  private hasRoom(): boolean {
    return this.limit === undefined || this.length < this.limit;
  }

  /** Adds without waiting: 'full' when a bounded queue has no room (or senders are already waiting). */
  trySend(value: T): 'ok' | 'full' | 'closed' {
    if (this.closed) return 'closed';
    if (!this.hasRoom() || this.senders.length > 0) return 'full';
    this.push(value);
    return 'ok';
  }

  /** Sends, waiting for room when bounded; `timeoutMs` bounds the wait. `done` may be called synchronously. */
  send(value: T, done: (o: SendOutcome) => void, timeoutMs?: number): void {
    const r = this.trySend(value);
    if (r === 'ok') return done({ ok: true });
    if (r === 'closed') return done({ ok: false, reason: 'closed' });
    const waiter: WaitingSender<T> = { value, done };
    if (timeoutMs !== undefined) {
      waiter.timer = setTimeout(() => {
        const i = this.senders.indexOf(waiter);
        if (i >= 0) this.senders.splice(i, 1);
        done({ ok: false, reason: 'timeout' });
      }, Math.max(0, timeoutMs));
    }
    this.senders.push(waiter);
  }

  private push(value: T): void {
    this.items.push(value);
    const rx = this.receiver;
    if (rx && !rx.woken) {
      rx.woken = true;
      rx.done(() => {
        this.receiver = undefined;
        return this.take(rx.limit);
      });
    }
  }

  private take(limit: number): T[] {
    const n = Math.min(limit, this.length);
    const out = this.items.slice(this.head, this.head + n);
    this.head += n;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.admitSenders();
    return out;
  }

  /** Room was made: let waiting senders in, in order. */
  private admitSenders(): void {
    while (this.senders.length > 0 && this.hasRoom() && !this.closed) {
      const s = this.senders.shift()!;
      if (s.timer) clearTimeout(s.timer);
      this.items.push(s.value);
      s.done({ ok: true });
    }
  }

  private checkIdle(): void {
    if (this.receiver) throw new ReceiverBusyError(this.name);
  }

  /** Takes one item if there is one (undefined otherwise). */
  tryRecv(): { value: T } | undefined {
    this.checkIdle();
    if (this.length === 0) return undefined;
    return { value: this.take(1)[0] };
  }

  /**
   * Receives up to `limit` items, waiting while the queue is empty and open. `done` gets an empty array
   * when the queue is closed and drained (or limit is 0). May call `done` synchronously.
   */
  recvMany(limit: number, done: (take: () => T[]) => void): void {
    this.checkIdle();
    if (limit <= 0) return done(() => []);
    if (this.length > 0) return done(() => this.take(limit));
    if (this.closed) return done(() => []);
    this.receiver = { limit, done, woken: false };
  }

  /** Cancels a waiting receive (its task was stopped). */
  abandonReceive(): void {
    this.receiver = undefined;
  }

  len(): number {
    this.checkIdle();
    return this.length;
  }

  isEmpty(): boolean {
    this.checkIdle();
    return this.length === 0;
  }

  /** Closes the receiving side unless a receive is waiting (kumod's try_lock), failing waiting senders. */
  close(): void {
    if (this.receiver) return;
    this.closed = true;
    for (const s of this.senders.splice(0)) {
      if (s.timer) clearTimeout(s.timer);
      s.done({ ok: false, reason: 'closed' });
    }
  }
}

/** Named queues: the first definition fixes bounded/unbounded and the limit. */
export class MpscRegistry<T> {
  private readonly queues = new Map<string, MpscQueue<T>>();

  define(name: string, limit?: number): MpscQueue<T> {
    let q = this.queues.get(name);
    if (!q) {
      q = new MpscQueue<T>(name, limit);
      this.queues.set(name, q);
    }
    return q;
  }

  get(name: string): MpscQueue<T> | undefined {
    return this.queues.get(name);
  }
}
