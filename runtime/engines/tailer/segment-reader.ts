import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Decompress, decompress as decompressWhole } from 'fzstd';
import type { DecompressWorker, WorkerJob } from './decompress-worker';

const ZSTD_MAGIC = 0xfd2fb528;
const NEWLINE = 10;

/** The segment's bytes are not a (valid) zstd stream; kumod skips such a file and marks it bad. */
export class SegmentDecodeError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = 'SegmentDecodeError';
  }
}

export interface ReaderOptions {
  /** Compressed bytes read per step; adapted downwards when a step decompresses to a lot of data. */
  readSize?: number;
  /** Upper bound for decompressed data produced by one step (keeps memory bounded on very compressible data). */
  maxStepOutput?: number;
  /** Decompress on this worker thread when the segment is already finished and at least `workerMinBytes` long. */
  worker?: DecompressWorker;
  workerMinBytes?: number;
  /** Whether the segment was finished (read-only) when opened; only such segments go to the worker. */
  finished?: boolean;
}

/**
 * Incremental reader of one zstd JSONL segment (kumod's `FileDecompressor`): reads compressed bytes on demand,
 * decompresses them with fzstd's streaming decoder (a frame may still be being written), and hands out complete
 * `\n`-terminated lines decoded as lossy UTF-8. `null` from `nextLine` means "no complete line available now":
 * the caller checks whether the file is finished, or waits and calls `resetEof()`.
 */
export class SegmentReader {
  /** Index of the next line that will be handed out: the checkpoint `line` value (kumod's `lines_consumed`). */
  linesConsumed = 0;
  /** Byte offset, in the decompressed stream, of the line last returned. */
  lastByteOffset = 0;
  private fd: number;
  private readonly decoder: Decompress;
  private readonly pending: Uint8Array[] = [];
  private cur: Buffer | undefined;
  private pos = 0;
  private partial: Buffer[] = [];
  private partialLen = 0;
  private linesDecompressed = 0;
  private decompressedOffset = 0;
  private compressedOffset = 0;
  private sawEof = false;
  private checkedMagic = false;
  private stepOutput = 0;
  private readSize: number;
  private readonly maxStepOutput: number;
  private failure: SegmentDecodeError | undefined;
  private job: WorkerJob | undefined;

  constructor(readonly path: string, options: ReaderOptions = {}) {
    this.fd = openSync(path, 'r');
    if (options.worker?.usable && options.finished && fstatSync(this.fd).size >= (options.workerMinBytes ?? 1 << 20)) {
      const head = Buffer.alloc(4);
      const n = readSync(this.fd, head, 0, 4, 0);
      this.checkMagic(head.subarray(0, n)); // a foreign file is reported the same way on both paths
      this.job = options.worker.start(path);
    }
    this.readSize = options.readSize ?? 64 * 1024;
    this.maxStepOutput = options.maxStepOutput ?? 16 * 1024 * 1024;
    this.decoder = new Decompress((chunk) => {
      if (chunk.length) {
        this.pending.push(chunk);
        this.stepOutput += chunk.length;
      }
    });
  }

  /** Complete lines decoded so far but not yet returned, plus bytes of an unfinished line or frame. */
  hasPartialData(): boolean {
    return this.partialLen > 0 || (this.cur !== undefined && this.pos < this.cur.length) || this.pending.length > 0;
  }

  /** True while a zstd frame has started but not ended (a frame still being written, or a truncated one). */
  inFrame(): boolean {
    if (this.job) return this.job.inFrame;
    return typeof (this.decoder as unknown as { s?: unknown }).s === 'object';
  }

  /** Compressed bytes read so far (for messages). */
  get bytesRead(): number {
    return this.compressedOffset;
  }

  resetEof(): void {
    this.sawEof = false;
  }

  close(): void {
    this.job?.cancel();
    this.job = undefined;
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  /** With a worker: resolves once more decompressed data (or the end) has arrived. */
  dataReady(): Promise<void> {
    return this.job ? this.job.wait() : Promise.resolve();
  }

  /**
   * The next complete line (lines with index < skipBefore are dropped undecoded); null when none is available
   * (end of the data written so far); undefined when the worker has not delivered the next data yet (await
   * `dataReady()` and call again).
   */
  nextLine(skipBefore = 0): string | null | undefined {
    if (this.linesConsumed < skipBefore) this.linesConsumed = skipBefore;
    for (;;) {
      const cur = this.cur;
      if (cur !== undefined) {
        const i = cur.indexOf(NEWLINE, this.pos);
        if (i >= 0) {
          const index = this.linesDecompressed++;
          const offset = this.decompressedOffset;
          const start = this.pos;
          this.pos = i + 1;
          this.decompressedOffset += this.partialLen + (i - start) + 1;
          if (index < skipBefore) {
            this.partial = [];
            this.partialLen = 0;
            continue;
          }
          let text: string;
          if (this.partialLen === 0) text = cur.toString('utf8', start, i);
          else {
            this.partial.push(cur.subarray(start, i));
            text = Buffer.concat(this.partial, this.partialLen + (i - start)).toString('utf8');
            this.partial = [];
            this.partialLen = 0;
          }
          this.lastByteOffset = offset;
          this.linesConsumed = index + 1;
          return text;
        }
        if (this.pos < cur.length) {
          // Keep the unfinished line; copy it so the (large) block can be released.
          const rest = Buffer.from(cur.subarray(this.pos));
          this.partial.push(rest);
          this.partialLen += rest.length;
        }
        this.cur = undefined;
        this.pos = 0;
      }
      const next = this.pending.shift();
      if (next !== undefined) {
        this.cur = Buffer.from(next.buffer, next.byteOffset, next.length);
        this.pos = 0;
        continue;
      }
      if (this.failure) throw this.failure;
      const job = this.job;
      if (job) {
        const chunk = job.chunks.shift();
        if (chunk !== undefined) {
          job.consumed();
          this.pending.push(chunk);
          continue;
        }
        if (!job.done) return undefined;
        if (job.error) {
          this.failure = new SegmentDecodeError(this.path, `zstd decode error in ${this.path} near compressed byte ${job.error.at}: ${job.error.message}`);
          throw this.failure;
        }
        this.sawEof = true;
        return null;
      }
      if (this.sawEof || !this.readMore()) {
        this.sawEof = true;
        return null;
      }
    }
  }

  /** Reads and decompresses one step of input; false at end of file (for now). */
  private readMore(): boolean {
    const buf = Buffer.allocUnsafe(this.readSize);
    const n = readSync(this.fd, buf, 0, buf.length, this.compressedOffset);
    if (n === 0) return this.drainTinyFrame();
    const chunk = n === buf.length ? buf : buf.subarray(0, n);
    if (!this.checkedMagic) this.checkMagic(chunk);
    const at = this.compressedOffset;
    this.compressedOffset += n;
    this.stepOutput = 0;
    try {
      this.decoder.push(chunk);
    } catch (e) {
      // Lines decoded before the damage are still handed out; the error comes after them.
      this.failure = new SegmentDecodeError(this.path, `zstd decode error in ${this.path} near compressed byte ${at}: ${describeZstdError(e)}`);
    }
    if (this.stepOutput > this.maxStepOutput && this.readSize > 1024) this.readSize >>= 1;
    return true;
  }

  /**
   * fzstd's streaming decoder waits for 18 bytes before it parses a frame header, so a complete frame shorter than
   * that (a single short line) would stay buffered until more data arrives. At end of input, such buffered bytes are
   * tried as a whole frame; if they decode, the output is taken and the buffer emptied (fzstd 0.1.1 internals).
   */
  private drainTinyFrame(): boolean {
    const d = this.decoder as unknown as { s?: unknown; c?: Uint8Array[]; l?: number };
    if (d.s || !Array.isArray(d.c) || typeof d.l !== 'number' || d.l === 0 || d.l >= 18) return false;
    const bytes = Buffer.concat(d.c);
    let out: Uint8Array;
    try {
      out = decompressWhole(bytes);
    } catch {
      return false; // an incomplete frame: wait for the rest
    }
    d.c = [];
    d.l = 0;
    if (out.length) this.pending.push(out);
    return out.length > 0;
  }

  /** A file that does not start with a zstd (or skippable) frame is foreign: say so at once, with its first bytes. */
  private checkMagic(chunk: Buffer): void {
    if (this.compressedOffset + chunk.length < 4 && this.compressedOffset === 0) {
      // Too short to judge yet; a writer may still be writing the header.
      if (!looksLikeZstdPrefix(chunk)) this.failNotZstd(chunk);
      return;
    }
    this.checkedMagic = true;
    const magic = chunk.readUInt32LE(0);
    const skippable = (magic & 0xfffffff0) === 0x184d2a50;
    if (magic !== ZSTD_MAGIC && !skippable) this.failNotZstd(chunk);
  }

  private failNotZstd(chunk: Buffer): never {
    const head = chunk.subarray(0, 8);
    const printable = /^[\x09\x0a\x0d\x20-\x7e]*$/.test(head.toString('latin1'));
    this.failure = new SegmentDecodeError(
      this.path,
      `${this.path} is not a zstd stream (it starts with ${printable ? JSON.stringify(chunk.subarray(0, 24).toString('latin1')) : 'bytes ' + head.toString('hex')}); ` +
        'kumod reads only zstd-compressed segments, so this file is skipped. Move it aside if it is not a segment.',
    );
    throw this.failure;
  }
}

function looksLikeZstdPrefix(chunk: Buffer): boolean {
  const frame = [0x28, 0xb5, 0x2f, 0xfd];
  const skippable = [0x50, 0x2a, 0x4d, 0x18];
  const matches = (magic: number[], mask0: number) =>
    chunk.every((b, i) => (i === 0 ? (b & mask0) === magic[0] : b === magic[i]));
  return matches(frame, 0xff) || matches(skippable, 0xf0);
}

const FZSTD_CODES = ['invalid data', 'window size too large', 'invalid block type', 'FSE accuracy too high', 'match distance too far back', 'unexpected end of data'];

function describeZstdError(e: unknown): string {
  const err = e as { code?: number; message?: string };
  if (typeof err?.code === 'number' && FZSTD_CODES[err.code]) return FZSTD_CODES[err.code];
  return err?.message ?? String(e);
}
