/** Options, events and errors shared by the tailer modules. */

/** Decides whether a record goes into this consumer's batch; it gets the parsed JSON value, unchanged. */
export type RecordFilter = (record: unknown) => boolean;

export interface ConsumerOptions {
  /** Returned by `batch.consumerName()`. */
  name: string;
  /** Default 100. */
  maxBatchSize?: number;
  /** Default 1000 ms. A consumer's latency clock starts at the first record of its current batch. */
  maxBatchLatencyMs?: number;
  /** Checkpoint file `.<checkpointName>` in the directory; no checkpoint when absent. */
  checkpointName?: string;
  /** Throwing from the filter ends the stream with a TailerFilterError, as a Lua filter error does in kumod. */
  filter?: RecordFilter;
}

export interface MultiTailerOptions {
  directory: string;
  /** Glob relative to `directory`; default "*". */
  pattern?: string;
  /** Poll the directory every N ms instead of using fs.watch (kumod's `poll_watcher`). */
  pollWatcherMs?: number;
  /** Ignore checkpoints and start at line 0 of the newest matching segment, for every consumer. */
  tail?: boolean;
  consumers: ConsumerOptions[];
  /** End iteration once every finished segment is consumed and no writable segment remains (not a kumod option). */
  exitWhenCaughtUp?: boolean;
  /** Warnings and errors (bad lines, foreign files, filter errors...), each with file and line when known. */
  onEvent?: (event: TailerEvent) => void;
  /** While waiting on a writable segment, re-read at least this often; kumod uses 200 ms. */
  retryDelayMs?: number;
  /**
   * Decompress finished segments on a worker thread, in parallel with parsing (default true). Active segments
   * and small ones are always decompressed in-thread.
   */
  decompressInWorker?: boolean;
  /** Smallest compressed size sent to the worker; default 1 MiB. */
  workerMinBytes?: number;
}

/** `new_tailer`: one consumer named "default". */
export interface TailerOptions extends Omit<MultiTailerOptions, 'consumers'> {
  maxBatchSize?: number;
  maxBatchLatencyMs?: number;
  checkpointName?: string;
  filter?: RecordFilter;
}

export type TailerEventKind =
  | 'bad-line'
  | 'foreign-file'
  | 'decode-error'
  | 'partial-line-dropped'
  | 'filter-error'
  | 'segment-unreadable'
  | 'segment-vanished'
  | 'directory-missing'
  | 'directory-restored'
  | 'checkpoint';

export interface TailerEvent {
  level: 'info' | 'warning' | 'error';
  kind: TailerEventKind;
  message: string;
  /** Segment path, as the checkpoint would spell it. */
  file?: string;
  /** 1-based line number within the decompressed segment. */
  line?: number;
  /** Byte offset of that line in the decompressed stream. */
  byteOffset?: number;
  consumer?: string;
}

export class TailerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TailerError';
  }
}

/** A consumer's filter threw; the stream is over (kumod propagates the error and the stream ends). */
export class TailerFilterError extends TailerError {
  constructor(
    readonly consumer: string,
    readonly file: string,
    readonly line: number,
    override readonly cause: unknown,
  ) {
    super(`filter of consumer '${consumer}' failed on ${file} line ${line}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TailerFilterError';
  }
}

export interface ConsumerStats {
  name: string;
  records: number;
  batches: number;
  commits: number;
}

export interface TailerStats {
  linesRead: number;
  segmentsFinished: number;
  badFiles: number;
  currentFile: string | undefined;
  consumers: ConsumerStats[];
}
