import { chmodSync, closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { compress } from '@mongodb-js/zstd';
import { SegmentNamer } from './segment-name';
import { joinPath } from './segments';

/**
 * `kumo.jsonl.new_writer` semantics: zstd JSONL segments named `%Y%m%d-%H%M%S%.f` + suffix in `tz`; a newline is
 * added when missing; the segment rolls *after* the write that reaches `maxFileSize` uncompressed bytes or passes
 * `maxSegmentDurationMs`; `close()` finishes the stream and marks the file read-only (finished).
 *
 * Buffered data is compressed into one zstd frame per flush (a multi-frame stream, which every zstd decoder reads
 * as one), so a tailer sees an active segment grow in `flushBytes` bursts, as with kumod's buffered encoder.
 */
export interface JsonlWriterOptions {
  logDir: string;
  /** Default 128 MiB (uncompressed bytes). */
  maxFileSize?: number;
  /** Default 3. */
  compressionLevel?: number;
  maxSegmentDurationMs?: number;
  suffix?: string;
  /** IANA zone for the file name; default UTC. */
  tz?: string;
  /** Uncompressed bytes buffered before a frame is written; default 128 KiB. 0 writes a frame per line. */
  flushBytes?: number;
  /** Clock for names and durations (tests). */
  now?: () => number;
}

interface OpenSegment {
  fd: number;
  path: string;
  bytesWritten: number;
  openedAt: number;
  buffered: string[];
  bufferedBytes: number;
}

export class JsonlWriter {
  private current: OpenSegment | undefined;
  private readonly namer: SegmentNamer;
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  /** Every segment this writer has finished (closed and marked read-only). */
  readonly finished: string[] = [];

  constructor(private readonly options: JsonlWriterOptions) {
    this.now = options.now ?? Date.now;
    this.namer = new SegmentNamer(options.suffix ?? '', options.tz ?? 'UTC', this.now);
  }

  get currentPath(): string | undefined {
    return this.current?.path;
  }

  writeLine(line: string): Promise<void> {
    return this.serial(async () => {
      const seg = this.current ?? this.open();
      const text = line.endsWith('\n') ? line : line + '\n';
      seg.buffered.push(text);
      const bytes = Buffer.byteLength(text);
      seg.bufferedBytes += bytes;
      seg.bytesWritten += bytes;
      if (seg.bufferedBytes >= (this.options.flushBytes ?? 128 * 1024)) await this.writeFrame(seg);
      if (this.shouldRoll(seg)) await this.closeSegment(true);
    });
  }

  writeValue(value: unknown): Promise<void> {
    return this.writeLine(JSON.stringify(value));
  }

  /** Makes buffered lines visible to tailers now (one more frame). */
  flush(): Promise<void> {
    return this.serial(async () => {
      if (this.current) await this.writeFrame(this.current);
    });
  }

  /** Closes the segment once its duration has passed (kumod checks the duration only on write otherwise). */
  maintain(): Promise<void> {
    return this.serial(async () => {
      if (this.current && this.durationExceeded(this.current)) await this.closeSegment(true);
    });
  }

  close(): Promise<void> {
    return this.serial(() => this.closeSegment(true));
  }

  /** Writes out what is buffered but leaves the segment writable (a segment still in progress, for tests). */
  flushWithoutMarkingDone(): Promise<void> {
    return this.serial(() => this.closeSegment(false));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private open(): OpenSegment {
    mkdirSync(this.options.logDir, { recursive: true });
    const path = joinPath(this.options.logDir, this.namer.next());
    const fd = openSync(path, 'w', 0o644);
    this.current = { fd, path, bytesWritten: 0, openedAt: this.now(), buffered: [], bufferedBytes: 0 };
    return this.current;
  }

  private async writeFrame(seg: OpenSegment): Promise<void> {
    if (seg.bufferedBytes === 0) return;
    const data = Buffer.from(seg.buffered.join(''));
    seg.buffered = [];
    seg.bufferedBytes = 0;
    const frame = await compress(data, this.options.compressionLevel ?? 3);
    writeSync(seg.fd, frame, 0, frame.length, fstatSync(seg.fd).size);
  }

  private shouldRoll(seg: OpenSegment): boolean {
    return seg.bytesWritten >= (this.options.maxFileSize ?? 128 * 1024 * 1024) || this.durationExceeded(seg);
  }

  private durationExceeded(seg: OpenSegment): boolean {
    const d = this.options.maxSegmentDurationMs;
    return d !== undefined && this.now() - seg.openedAt >= d;
  }

  private async closeSegment(markDone: boolean): Promise<void> {
    const seg = this.current;
    if (!seg) return;
    this.current = undefined;
    await this.writeFrame(seg);
    closeSync(seg.fd);
    if (markDone) {
      markSegmentDone(seg.path);
      this.finished.push(seg.path);
    }
  }
}

/** Clears every write bit, which is how kumod and its tailer mark a segment finished. */
export function markSegmentDone(path: string): void {
  chmodSync(path, 0o444);
}
