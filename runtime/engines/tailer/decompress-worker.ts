import { Worker } from 'node:worker_threads';

/**
 * Decompression of finished segments on a worker thread, so zstd decoding (fzstd, pure JS) runs in parallel with
 * line splitting, JSON parsing and the filters on the main thread, as `zstd -dc | lua` runs in two processes.
 * The worker only turns compressed bytes into decompressed chunks; lines, UTF-8 and every error decision stay in
 * SegmentReader, so results are identical to the in-thread path. Memory is bounded: at most MAX_INFLIGHT chunks
 * of about CHUNK_BYTES are in flight.
 */
const CHUNK_BYTES = 1 << 20;
const MAX_INFLIGHT = 6;

/** Index of the shared counters. */
const PRODUCED = 0;
const CONSUMED = 1;
const STOP = 2;

export type WorkerMessage =
  | { gen: number; type: 'data'; chunk: Uint8Array }
  | { gen: number; type: 'end'; inFrame: boolean; compressedBytes: number }
  | { gen: number; type: 'error'; message: string; at: number };

/** The worker's body, run from source text; kept free of imports (fzstd's path is passed in). */
function workerMain(fzstdPath: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parentPort } = require('node:worker_threads');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fzstd = require(fzstdPath);
  const codes = ['invalid data', 'window size too large', 'invalid block type', 'FSE accuracy too high', 'match distance too far back', 'unexpected end of data'];
  parentPort.on('message', (m: { path: string; gen: number; shared: SharedArrayBuffer }) => {
    const counters = new Int32Array(m.shared);
    let out: Uint8Array[] = [];
    let outLen = 0;
    const post = (final: boolean) => {
      if (outLen === 0 || (!final && outLen < 1048576)) return;
      const chunk = out.length === 1 ? out[0] : Buffer.concat(out, outLen);
      out = [];
      outLen = 0;
      while (Atomics.load(counters, 0) - Atomics.load(counters, 1) >= 6 && !Atomics.load(counters, 2)) {
        Atomics.wait(counters, 1, Atomics.load(counters, 1), 200);
      }
      Atomics.add(counters, 0, 1);
      const view = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : Uint8Array.prototype.slice.call(chunk);
      parentPort.postMessage({ gen: m.gen, type: 'data', chunk: view }, [view.buffer]);
    };
    const d = new fzstd.Decompress((c: Uint8Array) => {
      if (c.length) {
        out.push(c);
        outLen += c.length;
      }
    });
    let fd = -1;
    let offset = 0;
    try {
      fd = fs.openSync(m.path, 'r');
      for (;;) {
        if (Atomics.load(counters, 2)) return;
        const buf = Buffer.allocUnsafe(65536);
        const n = fs.readSync(fd, buf, 0, buf.length, offset);
        if (n === 0) break;
        const at = offset;
        offset += n;
        try {
          d.push(n === buf.length ? buf : buf.subarray(0, n));
        } catch (e) {
          post(true);
          const err = e as { code?: number; message?: string };
          parentPort.postMessage({ gen: m.gen, type: 'error', at, message: typeof err.code === 'number' && codes[err.code] ? codes[err.code] : String(err.message ?? e) });
          return;
        }
        post(false);
      }
      // a last frame under 18 bytes stays buffered in fzstd's stream decoder: decode it whole
      const dd = d as { s?: unknown; c?: Uint8Array[]; l?: number };
      if (!dd.s && Array.isArray(dd.c) && typeof dd.l === 'number' && dd.l > 0 && dd.l < 18) {
        try {
          const whole = fzstd.decompress(Buffer.concat(dd.c));
          dd.c = [];
          dd.l = 0;
          if (whole.length) {
            out.push(whole);
            outLen += whole.length;
          }
        } catch {
          /* incomplete: reported as inFrame below */
        }
      }
      post(true);
      parentPort.postMessage({ gen: m.gen, type: 'end', inFrame: typeof dd.s === 'object' || (typeof dd.l === 'number' && dd.l > 0), compressedBytes: offset });
    } catch (e) {
      parentPort.postMessage({ gen: m.gen, type: 'error', at: offset, message: String((e as Error).message ?? e) });
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  });
}

export interface WorkerJob {
  /** Chunks of decompressed data, in order. */
  chunks: Uint8Array[];
  done: boolean;
  inFrame: boolean;
  error: { message: string; at: number } | undefined;
  /** Resolves when more data, the end or an error has arrived. */
  wait(): Promise<void>;
  /** Marks one chunk consumed (flow control). */
  consumed(): void;
  /** Stops the job early. */
  cancel(): void;
}

/** One worker, reused for one segment after another. */
export class DecompressWorker {
  private worker: Worker | undefined;
  private gen = 0;
  private job: (WorkerJob & { gen: number; shared: Int32Array; wake?: () => void }) | undefined;
  private failed = false;

  /** False when worker threads cannot be started here; callers then decompress in-thread. */
  get usable(): boolean {
    return !this.failed;
  }

  private ensure(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    try {
      const fzstdPath = require.resolve('fzstd');
      const src = `(${workerMain.toString()})(${JSON.stringify(fzstdPath)});`;
      const w = new Worker(src, { eval: true });
      w.on('message', (m: WorkerMessage) => this.onMessage(m));
      w.on('error', (e) => this.onFailure(e));
      w.unref();
      this.worker = w;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  private onFailure(e: Error): void {
    this.failed = true;
    const j = this.job;
    if (j && !j.done) {
      j.error = { message: `decompression worker failed: ${e.message}`, at: 0 };
      j.done = true;
      j.wake?.();
    }
    this.worker = undefined;
  }

  private onMessage(m: WorkerMessage): void {
    const j = this.job;
    if (!j || m.gen !== j.gen) return;
    if (m.type === 'data') j.chunks.push(m.chunk);
    else if (m.type === 'end') {
      j.inFrame = m.inFrame;
      j.done = true;
      this.worker?.unref();
    } else {
      j.error = { message: m.message, at: m.at };
      j.done = true;
      this.worker?.unref();
    }
    const wake = j.wake;
    j.wake = undefined;
    wake?.();
  }

  /** Starts decompressing `path`; undefined when no worker is available. */
  start(path: string): WorkerJob | undefined {
    const w = this.ensure();
    if (!w) return undefined;
    this.job?.cancel();
    const gen = ++this.gen;
    const sab = new SharedArrayBuffer(12);
    const shared = new Int32Array(sab);
    const job = {
      gen,
      shared,
      chunks: [] as Uint8Array[],
      done: false,
      inFrame: false,
      error: undefined as { message: string; at: number } | undefined,
      wake: undefined as (() => void) | undefined,
      wait: (): Promise<void> => {
        if (job.done || job.chunks.length) return Promise.resolve();
        return new Promise<void>((resolve) => (job.wake = resolve));
      },
      consumed: () => {
        Atomics.add(shared, CONSUMED, 1);
        Atomics.notify(shared, CONSUMED);
      },
      cancel: () => {
        if (this.job === job) this.job = undefined;
        Atomics.store(shared, STOP, 1);
        Atomics.notify(shared, CONSUMED);
        job.done = true;
        job.wake?.();
      },
    };
    void PRODUCED;
    this.job = job;
    w.ref();
    w.postMessage({ path, gen, shared: sab });
    return job;
  }

  close(): void {
    this.job?.cancel();
    void this.worker?.terminate();
    this.worker = undefined;
  }
}

export const WORKER_CHUNK_BYTES = CHUNK_BYTES;
export const WORKER_MAX_INFLIGHT = MAX_INFLIGHT;
