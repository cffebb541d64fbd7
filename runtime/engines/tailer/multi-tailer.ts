import { existsSync, statSync } from 'node:fs';
import { LogBatch } from './batch';
import { adoptCheckpoint, Checkpoint, checkpointPath, CheckpointError, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { Glob } from './glob';
import { SegmentDecodeError, SegmentReader } from './segment-reader';
import { buildPlan, compareStrings, isSegmentDone, newestSegment } from './segments';
import {
  ConsumerStats,
  MultiTailerOptions,
  RecordFilter,
  TailerError,
  TailerEvent,
  TailerFilterError,
  TailerStats,
} from './types';
import { DirectoryWatcher, Notifier, watchDirectory } from './watcher';
import { DecompressWorker } from './decompress-worker';

interface Consumer {
  name: string;
  maxBatchSize: number;
  maxLatencyMs: number;
  filter: RecordFilter | undefined;
  cpPath: string | undefined;
  start: Checkpoint | undefined;
  batch: LogBatch;
  deadline: number;
  stats: ConsumerStats;
}

const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_LATENCY_MS = 1000;

/**
 * kumod's multi-consumer tailer over a directory of zstd JSONL segments. Each `next()` resolves to the batches
 * that are ready (one per ready consumer, in consumer order), or undefined once the tailer is closed or, with
 * `exitWhenCaughtUp`, caught up. Like kumod's stream it is pull-driven: nothing is read between calls.
 */
export class MultiTailer implements AsyncIterable<LogBatch[]> {
  private readonly directory: string;
  private readonly glob: Glob;
  private readonly consumers: Consumer[];
  private readonly cpPaths: Set<string>;
  private readonly notifier = new Notifier();
  private watcher: DirectoryWatcher | undefined;
  private readonly retryDelayMs: number;
  private readonly emit: (e: TailerEvent) => void;
  private closed = false;
  private done = false;
  private readonly gen: AsyncGenerator<LogBatch[], void, void>;
  private busy = false;
  private linesRead = 0;
  private segmentsFinished = 0;
  private readonly badFiles = new Set<string>();
  private currentFile: string | undefined;
  private earliest: Checkpoint | undefined;
  private activeReader: SegmentReader | undefined;
  private readonly worker: DecompressWorker | undefined;

  /** Use `openMultiTailer`, which loads checkpoints and reports configuration errors up front. */
  constructor(private readonly options: MultiTailerOptions) {
    if (typeof options.directory !== 'string' || options.directory === '') throw new TailerError('directory is required');
    if (!Array.isArray(options.consumers) || options.consumers.length === 0) throw new TailerError('consumers must be a non-empty list');
    this.directory = options.directory;
    this.glob = new Glob(options.pattern ?? '*');
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.worker = options.decompressInWorker === false ? undefined : new DecompressWorker();
    this.emit = options.onEvent ?? (() => {});
    let st;
    try {
      st = statSync(this.directory);
    } catch (e) {
      throw new TailerError(`cannot watch directory ${this.directory}: ${(e as Error).message}`);
    }
    if (!st.isDirectory()) throw new TailerError(`${this.directory} is not a directory`);

    const seenCp = new Map<string, string>();
    this.consumers = options.consumers.map((c, i) => {
      if (typeof c.name !== 'string') throw new TailerError(`consumer #${i + 1} needs a name`);
      const size = c.maxBatchSize ?? DEFAULT_BATCH_SIZE;
      if (!Number.isInteger(size) || size < 1) throw new TailerError(`consumer '${c.name}': max_batch_size must be a positive integer (got ${size})`);
      const latency = c.maxBatchLatencyMs ?? DEFAULT_LATENCY_MS;
      if (!(latency >= 0)) throw new TailerError(`consumer '${c.name}': max_batch_latency must not be negative`);
      let cpPath: string | undefined;
      if (c.checkpointName !== undefined) {
        try {
          cpPath = checkpointPath(this.directory, c.checkpointName);
        } catch (e) {
          throw new TailerError(`consumer '${c.name}': ${(e as Error).message}`);
        }
        const other = seenCp.get(cpPath);
        if (other !== undefined) {
          this.emit({ level: 'warning', kind: 'checkpoint', consumer: c.name, message: `consumers '${other}' and '${c.name}' share checkpoint ${cpPath}; each commit overwrites the other's position` });
        }
        seenCp.set(cpPath, c.name);
      }
      return {
        name: c.name,
        maxBatchSize: size,
        maxLatencyMs: latency,
        filter: c.filter,
        cpPath,
        start: undefined,
        batch: new LogBatch(c.name),
        deadline: Infinity,
        stats: { name: c.name, records: 0, batches: 0, commits: 0 },
      };
    });
    this.cpPaths = new Set(this.consumers.flatMap((c) => (c.cpPath ? [c.cpPath] : [])));
    this.loadStartPositions();
    this.watcher = watchDirectory(this.directory, this.notifier, options.pollWatcherMs);
    this.gen = this.stream();
  }

  /** kumod's `build`: per-consumer start positions and the earliest of them (consumers without one do not pull it back). */
  private loadStartPositions(): void {
    const tailStart = this.options.tail ? newestSegment(this.directory, this.glob) : undefined;
    for (const c of this.consumers) {
      let cp: Checkpoint | undefined;
      if (this.options.tail) cp = tailStart === undefined ? undefined : { file: tailStart, line: 0 };
      else if (c.cpPath) {
        const loaded = loadCheckpoint(c.cpPath);
        cp = loaded && adoptCheckpoint(c.cpPath, loaded, this.directory);
      }
      c.start = cp;
      if (cp && (!this.earliest || compareStrings(cp.file, this.earliest.file) < 0 || (cp.file === this.earliest.file && cp.line < this.earliest.line))) {
        this.earliest = { ...cp };
      }
    }
  }

  /** The next ready batches, or undefined at the end. Calls must not overlap. */
  async next(): Promise<LogBatch[] | undefined> {
    if (this.done) return undefined;
    if (this.busy) throw new TailerError('next() called while a previous call is still pending');
    this.busy = true;
    try {
      const r = await this.gen.next();
      if (r.done) {
        this.finish();
        return undefined;
      }
      return r.value;
    } catch (e) {
      this.finish();
      throw e;
    } finally {
      this.busy = false;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LogBatch[]> {
    for (;;) {
      const b = await this.next();
      if (b === undefined) return;
      yield b;
    }
  }

  /** Stops the tailer: a pending or later `next()` resolves to undefined. Writes no checkpoint. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.notifier.notify();
    if (!this.busy) this.finish();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  stats(): TailerStats {
    return {
      linesRead: this.linesRead,
      segmentsFinished: this.segmentsFinished,
      badFiles: this.badFiles.size,
      currentFile: this.currentFile,
      consumers: this.consumers.map((c) => ({ ...c.stats })),
    };
  }

  private finish(): void {
    this.done = true;
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    this.activeReader?.close();
    this.activeReader = undefined;
    this.worker?.close();
  }

  private wait(ms: number | undefined): Promise<void> {
    return this.notifier.wait(ms);
  }

  /** kumod's `make_multi_stream`, one consumer-set yield per ready round. */
  private async *stream(): AsyncGenerator<LogBatch[], void, void> {
    const consumers = this.consumers;
    const n = consumers.length;
    let lastProcessed: string | undefined;
    let lastLinesConsumed = 0;
    // kumod panics (unreachable!) when a batch's only source was a bad file; here its position is used instead
    let lastBad: Checkpoint | undefined;
    let global: Checkpoint | undefined = this.earliest;
    const consumerSkip = new Array<number>(n).fill(0);
    let dirMissing = false;

    outer: for (;;) {
      if (this.closed) return;
      if (dirMissing && existsSync(this.directory)) {
        dirMissing = false;
        this.watcher?.close();
        this.watcher = watchDirectory(this.directory, this.notifier, this.options.pollWatcherMs);
        this.emit({ level: 'info', kind: 'directory-restored', message: `directory ${this.directory} is back; resuming` });
      }
      const plan = buildPlan({
        directory: this.directory,
        glob: this.glob,
        checkpointPaths: this.cpPaths,
        badFiles: this.badFiles,
        lastProcessed,
        checkpointFile: global?.file,
      });
      if (plan.length === 0) {
        if (!existsSync(this.directory)) {
          if (!dirMissing) {
            dirMissing = true;
            this.emit({
              level: 'error',
              kind: 'directory-missing',
              message: `directory ${this.directory} has disappeared; ${this.options.exitWhenCaughtUp ? 'stopping' : 'waiting for it to come back'}. Nothing past the last committed checkpoint was lost.`,
            });
          }
          if (this.options.exitWhenCaughtUp) throw new TailerError(`directory ${this.directory} disappeared while tailing`);
        }
        if (this.options.exitWhenCaughtUp && !dirMissing) return;
        // kumod waits for a watcher event only; a slow safety rescan also covers missed events.
        await this.wait(dirMissing ? this.retryDelayMs : Math.max(1000, this.options.pollWatcherMs ?? 0));
        continue;
      }

      let skipLines = global && plan[0] === global.file ? global.line : 0;
      for (let i = 0; i < n; i++) {
        const s = consumers[i].start;
        consumerSkip[i] = s && plan[0] === s.file ? s.line : 0;
        consumers[i].start = undefined;
      }
      global = undefined;

      let planIndex = 0;
      let path: string | undefined = plan[0];
      let reader: SegmentReader | undefined = this.openReader(path);
      while (!reader && path !== undefined) {
        path = plan[++planIndex];
        skipLines = 0;
        consumerSkip.fill(0);
        reader = path === undefined ? undefined : this.openReader(path);
      }
      let lineInFile = skipLines;
      let finalRead = false;
      this.currentFile = path;

      while (reader) {
        if (this.closed) break outer;
        // fill until at least one consumer is ready
        fill: for (;;) {
          if (this.closed) break outer;
          const now = performance.now();
          for (let i = 0; i < n; i++) {
            const c = consumers[i];
            if (c.batch.length > 0 && (c.batch.length >= c.maxBatchSize || now >= c.deadline)) break fill;
          }
          const r: SegmentReader = reader;
          const p: string = path!;
          let advance: 'bad' | 'done' | undefined;
          let badLine: number | undefined;
          let text: string | null | undefined;
          try {
            text = r.nextLine(skipLines);
            if (text === undefined) {
              await r.dataReady();
              if (this.closed) break outer;
              continue;
            }
          } catch (e) {
            if (!(e instanceof SegmentDecodeError)) throw e;
            const foreign = r.linesConsumed === 0 && /not a zstd stream/.test(e.message);
            this.emit({ level: 'warning', kind: foreign ? 'foreign-file' : 'decode-error', file: p, line: r.linesConsumed + 1, message: `${e.message}${foreign ? '' : `; lines before ${r.linesConsumed + 1} were delivered, the rest of this file is skipped`}` });
            text = null;
            advance = 'bad';
          }
          if (text !== null) {
            let value: unknown;
            let parsed = true;
            try {
              value = JSON.parse(text);
            } catch (e) {
              parsed = false;
              const lineNo = r.linesConsumed;
              const what = text.length === 0 ? 'a blank line' : text.trim() === '' ? 'a whitespace-only line' : `not JSON (${(e as Error).message})`;
              this.emit({
                level: 'warning',
                kind: 'bad-line',
                file: p,
                line: lineNo,
                byteOffset: r.lastByteOffset,
                message: `${p} line ${lineNo} (decompressed byte ${r.lastByteOffset}) is ${what}: skipping the rest of this file, as kumod does; move it aside if it is not a kumo-jsonl segment`,
              });
              advance = 'bad';
              badLine = lineNo - 1;
            }
            if (parsed) {
              this.linesRead++;
              const offset = r.lastByteOffset;
              for (let i = 0; i < n; i++) {
                if (lineInFile < consumerSkip[i]) continue;
                const c = consumers[i];
                if (c.filter !== undefined) {
                  let keep: boolean;
                  try {
                    keep = c.filter(value);
                  } catch (err) {
                    const fe = new TailerFilterError(c.name, p, r.linesConsumed, err);
                    this.emit({ level: 'error', kind: 'filter-error', consumer: c.name, file: p, line: r.linesConsumed, message: fe.message + '; the tailer stops (as kumod does), nothing after the last commit is lost' });
                    throw fe;
                  }
                  if (!keep) continue;
                }
                if (c.batch.length === 0) c.deadline = performance.now() + c.maxLatencyMs;
                c.batch.push(value, p, offset);
              }
              lineInFile++;
              continue;
            }
          } else if (advance === undefined) {
            // end of the data available right now
            const finished = isSegmentDone(p);
            if (finished && !finalRead) {
              // The writer may have appended its last data between our read and its chmod: read once more.
              finalRead = true;
              r.resetEof();
              continue;
            }
            if (finished) {
              if (r.hasPartialData() || r.inFrame()) {
                this.emit({
                  level: 'warning',
                  kind: 'partial-line-dropped',
                  file: p,
                  line: r.linesConsumed + 1,
                  message: `${p} is finished (read-only) but ends inside ${r.hasPartialData() ? 'a line' : 'a zstd frame'} after line ${r.linesConsumed}: the writer exited without finishing the zstd stream; the partial trailing data is dropped (as kumod does)`,
                });
              }
              advance = 'done';
            } else if (!existsSync(p)) {
              this.emit({ level: 'warning', kind: 'segment-vanished', file: p, line: r.linesConsumed + 1, message: `${p} was removed while still writable; treating it as finished after line ${r.linesConsumed}` });
              advance = 'done';
            } else {
              let earliest = Infinity;
              for (let i = 0; i < n; i++) if (consumers[i].batch.length > 0 && consumers[i].deadline < earliest) earliest = consumers[i].deadline;
              if (earliest !== Infinity) {
                const remaining = earliest - performance.now();
                if (remaining <= 0) break fill;
                await this.wait(Math.min(remaining, this.retryDelayMs));
              } else {
                await this.wait(this.retryDelayMs);
              }
              if (this.closed) break outer;
              r.resetEof();
              continue;
            }
          }
          // advance to the next file of the plan
          r.close();
          if (advance === 'bad') {
            this.badFiles.add(p);
            // a restart from here meets the same bad line (or damage) again, as a kumod restart would
            lastBad = { file: p, line: badLine ?? r.linesConsumed };
          } else {
            lastLinesConsumed = r.linesConsumed;
            lastProcessed = p;
            this.segmentsFinished++;
          }
          skipLines = 0;
          lineInFile = 0;
          finalRead = false;
          consumerSkip.fill(0);
          reader = undefined;
          path = undefined;
          while (!reader && planIndex + 1 < plan.length) {
            path = plan[++planIndex];
            reader = this.openReader(path);
          }
          if (!reader) path = undefined;
          this.currentFile = path;
          if (!reader) break fill;
        }

        // which batches are ready
        const now = performance.now();
        const ready: LogBatch[] = [];
        for (let i = 0; i < n; i++) {
          const c = consumers[i];
          const b = c.batch;
          if (b.length === 0) continue;
          if (!(b.length >= c.maxBatchSize || now >= c.deadline || !reader)) continue;
          c.batch = new LogBatch(c.name);
          c.deadline = Infinity;
          c.stats.batches++;
          c.stats.records += b.length;
          if (c.cpPath !== undefined) {
            let cp: Checkpoint;
            if (reader) cp = { file: path!, line: reader.linesConsumed };
            else if (lastProcessed !== undefined) cp = { file: lastProcessed, line: lastLinesConsumed };
            else if (lastBad !== undefined) cp = { ...lastBad };
            else throw new TailerError('internal: a non-empty batch without a source segment');
            const cpPath = c.cpPath;
            const stats = c.stats;
            b.setCommit(() => {
              try {
                saveCheckpoint(cpPath, cp);
              } catch (e) {
                throw new CheckpointError(cpPath, `cannot write checkpoint ${cpPath}: ${(e as Error).message}`);
              }
              stats.commits++;
            });
          }
          ready.push(b);
        }
        if (ready.length > 0) {
          skipLines = 0;
          yield ready;
        }
      }
    }
  }

  /** Opens a segment; a file that vanished or cannot be opened is reported and skipped (kumod would end the stream). */
  private openReader(path: string): SegmentReader | undefined {
    try {
      this.activeReader = new SegmentReader(path, { worker: this.worker, finished: this.worker ? isSegmentDone(path) : false, workerMinBytes: this.options.workerMinBytes });
      return this.activeReader;
    } catch (e) {
      this.badFiles.add(path);
      if (e instanceof SegmentDecodeError) {
        this.emit({ level: 'warning', kind: 'foreign-file', file: path, line: 1, message: e.message });
        return undefined;
      }
      const code = (e as NodeJS.ErrnoException).code;
      this.emit({
        level: 'warning',
        kind: code === 'ENOENT' ? 'segment-vanished' : 'segment-unreadable',
        file: path,
        message: `cannot open ${path}: ${(e as Error).message}; skipping it`,
      });
      return undefined;
    }
  }
}

/** `kumo.jsonl.new_multi_tailer`: validates the options, loads every checkpoint (a corrupt one is a CheckpointError). */
export async function openMultiTailer(options: MultiTailerOptions): Promise<MultiTailer> {
  return new MultiTailer(options);
}
