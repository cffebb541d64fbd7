import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { backoffMs } from './backoff';
import { decodeRetry, encodePermanent, encodeRetry, reasonOf, RetryEnvelope } from './envelope';
import { acquireLock, appendDurably, listSegments, readJson, readLines, removeIfExists, segmentName, writeAtomically } from './files';

/**
 * A persistent dead-letter queue (go-dletter's design, without its ways of losing records):
 * - `<dir>/retry-NNNNNN.jsonl`: records still to be retried, the highest number being the active log;
 *   a log rotates by size into the next number, and a log is deleted only once every line of it was replayed.
 * - `<dir>/permanent-NNNNNN.jsonl`: records that used up their attempts (or could not be read), kept until purged.
 * - `<dir>/replay.state`: `{"segment":…,"line":N}`, the next line of the log being replayed, written atomically
 *   after each record's outcome is on disk, so a crashed replay resumes at the right record.
 * - `<dir>/lock`: held by a replay or purge (a lock of a dead process is taken over).
 */
export interface DeadLetterOptions {
  /** Rotate a log once it reaches this many bytes (default 64 MiB). Rotation never drops a record. */
  maxSegmentBytes?: number;
  /** Base of the backoff: the wait before try N is min(initial·2^N, 30 s) + up to 10 % jitter. Default 1000 ms. */
  initialWaitMs?: number;
  /** Records whose attempt count reaches this go to the permanent log; 0 = unlimited. Default 5. */
  maxAttempts?: number;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type ReplayHandler = (payload: unknown, envelope: RetryEnvelope) => unknown | Promise<unknown>;

export interface ReplayOptions {
  signal?: AbortSignal;
  /** Wait for records whose backoff has not elapsed (default). When false, such records are carried over untouched. */
  waitForDue?: boolean;
  /** Repeat passes until no retryable record is left (each pass waits out the new backoffs). */
  untilEmpty?: boolean;
  /** Called after each record's outcome. */
  onRecord?: (outcome: 'delivered' | 'failed' | 'permanent' | 'malformed' | 'deferred', envelope: RetryEnvelope | undefined) => void;
}

export interface ReplayResult {
  delivered: number;
  /** Failed again and logged back with attempt + 1. */
  failed: number;
  /** Moved to the permanent log (max attempts reached). */
  permanent: number;
  /** Unreadable lines, moved to the permanent log with their raw text. */
  malformed: number;
  /** Not yet due (waitForDue false), carried over to the active log. */
  deferred: number;
  /** Resumed an interrupted replay at this position. */
  resumedAt?: { segment: string; line: number };
  passes: number;
}

export interface QueueListing {
  directory: string;
  retry: { segment: string; records: number; pending: number; bytes: number; oldestTs?: number; attempts: Record<string, number> }[];
  permanent: { segment: string; records: number; bytes: number }[];
  totals: { retryRecords: number; pending: number; permanentRecords: number };
  replayState?: { segment: string; line: number };
}

export interface PurgeResult {
  retryRecords: number;
  permanentRecords: number;
  files: number;
}

export class DlqAbortError extends Error {
  constructor(readonly result: ReplayResult) {
    super('replay aborted; it resumes at the next record');
    this.name = 'AbortError';
  }
}

const RETRY = 'retry';
const PERMANENT = 'permanent';
const STATE = 'replay.state';

export class DeadLetterQueue {
  readonly maxSegmentBytes: number;
  readonly initialWaitMs: number;
  readonly maxAttempts: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(readonly directory: string, options: DeadLetterOptions = {}) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
    this.initialWaitMs = options.initialWaitMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? abortableSleep;
    mkdirSync(directory, { recursive: true, mode: 0o755 });
  }

  /** Dead-letters one record that failed on its `attempt`-th try (default 1). Durable when this returns. */
  log(payload: unknown, reason: unknown, attempt = 1, consumer?: string): void {
    this.logMany([payload], reason, attempt, consumer);
  }

  /** Dead-letters the records of a failed batch in one durable append. Returns how many were written. */
  logMany(payloads: readonly unknown[], reason: unknown, attempt = 1, consumer?: string): number {
    if (payloads.length === 0) return 0;
    const why = reasonOf(reason);
    const ts = Math.floor(this.now() / 1000);
    const lines: string[] = [];
    for (const payload of payloads) {
      const env: RetryEnvelope = { ts, attempt, reason: why, due: this.now() + backoffMs(this.initialWaitMs, attempt, this.random), payload };
      if (consumer !== undefined) env.consumer = consumer;
      lines.push(encodeRetry(env) + '\n');
    }
    if (this.maxAttempts > 0 && attempt >= this.maxAttempts) {
      this.appendTo(PERMANENT, payloads.map((p) => encodePermanent({ ts, reason: why, attempts: attempt, consumer, payload: p }) + '\n'));
    } else this.appendTo(RETRY, lines);
    return payloads.length;
  }

  private appendTo(prefix: string, lines: string[]): void {
    const segs = listSegments(this.directory, prefix);
    let seq = segs.at(-1)?.seq ?? 1;
    let path = join(this.directory, segmentName(prefix, seq));
    if (sizeOf(path) >= this.maxSegmentBytes) path = join(this.directory, segmentName(prefix, ++seq));
    // each append may fill a log past the limit by one batch; the next append opens a new log
    appendDurably(path, lines.join(''));
  }

  /** Starts a new active retry log, so the current ones can be replayed while new failures are recorded. */
  private seal(): number {
    const segs = listSegments(this.directory, RETRY);
    const last = segs.at(-1);
    if (!last) return 0;
    if (sizeOf(join(this.directory, last.name)) === 0) return last.seq; // empty active log: nothing to seal
    const next = last.seq + 1;
    appendDurably(join(this.directory, segmentName(RETRY, next)), '');
    return next;
  }

  /**
   * Re-runs every retry record through `handler`, oldest log first and in order. A record that fails again is logged
   * back with attempt + 1 and a new due time; one that reaches maxAttempts goes to the permanent log. Resumes an
   * interrupted replay at the recorded line. At-least-once: a crash after a handler call and before its state save
   * replays that one record again.
   */
  async replay(handler: ReplayHandler, options: ReplayOptions = {}): Promise<ReplayResult> {
    const release = acquireLock(this.directory);
    const result: ReplayResult = { delivered: 0, failed: 0, permanent: 0, malformed: 0, deferred: 0, passes: 0 };
    try {
      for (;;) {
        result.passes++;
        await this.replayPass(handler, options, result);
        if (!options.untilEmpty || this.count(RETRY) === 0) break;
      }
    } finally {
      release();
    }
    return result;
  }

  private async replayPass(handler: ReplayHandler, options: ReplayOptions, result: ReplayResult): Promise<void> {
    const active = this.seal();
    const state = this.loadState();
    const sealed = listSegments(this.directory, RETRY).filter((s) => s.seq < active);
    for (const seg of sealed) {
      const path = join(this.directory, seg.name);
      const startLine = state && state.segment === seg.name ? state.line : 0;
      if (startLine > 0 && !result.resumedAt) result.resumedAt = { segment: seg.name, line: startLine };
      let consumedBytes = 0;
      for (const line of readLines(path)) {
        consumedBytes = line.endOffset;
        if (line.index < startLine) continue;
        if (options.signal?.aborted) throw new DlqAbortError(result);
        if (line.text.trim() === '') {
          this.saveState(seg.name, line.index + 1);
          continue;
        }
        const decoded = decodeRetry(line.text);
        if (!decoded.ok) {
          const reason = `unreadable dead-letter line ${seg.name}:${line.index + 1} (${decoded.error}${line.complete ? '' : '; torn write'})`;
          this.appendTo(PERMANENT, [encodePermanent({ ts: Math.floor(this.now() / 1000), reason, payload: line.text }) + '\n']);
          result.malformed++;
          options.onRecord?.('malformed', undefined);
          this.saveState(seg.name, line.index + 1);
          continue;
        }
        const env = decoded.envelope;
        if (this.maxAttempts > 0 && env.attempt >= this.maxAttempts) {
          this.toPermanent(env);
          result.permanent++;
          options.onRecord?.('permanent', env);
          this.saveState(seg.name, line.index + 1);
          continue;
        }
        const due = env.due ?? this.now() + backoffMs(this.initialWaitMs, env.attempt, this.random);
        const wait = due - this.now();
        if (wait > 0) {
          if (options.waitForDue === false) {
            this.appendTo(RETRY, [encodeRetry(env) + '\n']);
            result.deferred++;
            options.onRecord?.('deferred', env);
            this.saveState(seg.name, line.index + 1);
            continue;
          }
          try {
            await this.sleep(wait, options.signal);
          } catch {
            throw new DlqAbortError(result);
          }
          if (options.signal?.aborted) throw new DlqAbortError(result);
        }
        let error: unknown;
        let ok = true;
        try {
          await handler(env.payload, env);
        } catch (e) {
          ok = false;
          error = e;
        }
        if (ok) {
          result.delivered++;
          options.onRecord?.('delivered', env);
        } else {
          const attempt = env.attempt + 1;
          const next: RetryEnvelope = { ...env, ts: Math.floor(this.now() / 1000), attempt, reason: reasonOf(error), due: this.now() + backoffMs(this.initialWaitMs, attempt, this.random) };
          if (this.maxAttempts > 0 && attempt >= this.maxAttempts) {
            this.toPermanent(next);
            result.permanent++;
            options.onRecord?.('permanent', next);
          } else {
            this.appendTo(RETRY, [encodeRetry(next) + '\n']);
            result.failed++;
            options.onRecord?.('failed', next);
          }
        }
        this.saveState(seg.name, line.index + 1);
      }
      // Only a log read to its very end is removed (if it grew meanwhile, the next pass reads the rest).
      if (sizeOf(path) === consumedBytes) {
        removeIfExists(path);
        removeIfExists(join(this.directory, STATE));
      }
    }
  }

  private toPermanent(env: RetryEnvelope): void {
    this.appendTo(PERMANENT, [encodePermanent({ ts: Math.floor(this.now() / 1000), reason: env.reason, attempts: env.attempt, consumer: env.consumer, payload: env.payload }) + '\n']);
  }

  private loadState(): { segment: string; line: number } | undefined {
    let v: unknown;
    try {
      v = readJson(join(this.directory, STATE));
    } catch {
      return undefined; // unreadable state: start the first log from its beginning (at-least-once)
    }
    if (typeof v !== 'object' || v === null) return undefined;
    const { segment, line } = v as Record<string, unknown>;
    return typeof segment === 'string' && typeof line === 'number' && line >= 0 ? { segment, line } : undefined;
  }

  private saveState(segment: string, line: number): void {
    writeAtomically(join(this.directory, STATE), JSON.stringify({ segment, line }));
  }

  private count(prefix: string): number {
    let n = 0;
    for (const s of listSegments(this.directory, prefix)) for (const l of readLines(join(this.directory, s.name))) if (l.text.trim() !== '') n++;
    return n;
  }

  /** Per-log counts: records, records not yet replayed, attempts histogram; and the permanent logs. */
  list(): QueueListing {
    const state = this.loadState();
    const listing: QueueListing = { directory: this.directory, retry: [], permanent: [], totals: { retryRecords: 0, pending: 0, permanentRecords: 0 }, replayState: state };
    for (const s of listSegments(this.directory, RETRY)) {
      const path = join(this.directory, s.name);
      const entry = { segment: s.name, records: 0, pending: 0, bytes: sizeOf(path), oldestTs: undefined as number | undefined, attempts: {} as Record<string, number> };
      const from = state && state.segment === s.name ? state.line : 0;
      for (const l of readLines(path)) {
        if (l.text.trim() === '') continue;
        entry.records++;
        if (l.index >= from) entry.pending++;
        const d = decodeRetry(l.text);
        const key = d.ok ? String(d.envelope.attempt) : 'unreadable';
        entry.attempts[key] = (entry.attempts[key] ?? 0) + 1;
        if (d.ok && d.envelope.ts && (entry.oldestTs === undefined || d.envelope.ts < entry.oldestTs)) entry.oldestTs = d.envelope.ts;
      }
      listing.retry.push(entry);
      listing.totals.retryRecords += entry.records;
      listing.totals.pending += entry.pending;
    }
    for (const s of listSegments(this.directory, PERMANENT)) {
      const path = join(this.directory, s.name);
      let records = 0;
      for (const l of readLines(path)) if (l.text.trim() !== '') records++;
      listing.permanent.push({ segment: s.name, records, bytes: sizeOf(path) });
      listing.totals.permanentRecords += records;
    }
    return listing;
  }

  /** Deletes retry logs (and the replay state) and/or permanent logs; returns what was removed. */
  purge(what: { retry?: boolean; permanent?: boolean } = { retry: true, permanent: true }): PurgeResult {
    const release = acquireLock(this.directory);
    try {
      const res: PurgeResult = { retryRecords: 0, permanentRecords: 0, files: 0 };
      const drop = (prefix: string): number => {
        let n = 0;
        for (const s of listSegments(this.directory, prefix)) {
          const path = join(this.directory, s.name);
          for (const l of readLines(path)) if (l.text.trim() !== '') n++;
          if (removeIfExists(path)) res.files++;
        }
        return n;
      };
      if (what.retry) {
        res.retryRecords = drop(RETRY);
        if (removeIfExists(join(this.directory, STATE))) res.files++;
      }
      if (what.permanent) res.permanentRecords = drop(PERMANENT);
      return res;
    } finally {
      release();
    }
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
