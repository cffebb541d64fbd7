import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { compress } from '@mongodb-js/zstd';
import { JsonlWriter, markSegmentDone } from './jsonl-writer';
import { RecordFactory } from './records';
import { SegmentNamer } from './segment-name';
import { joinPath } from './segments';

export interface GenerateOptions {
  directory: string;
  /** Total records across all segments. */
  records: number;
  /** Number of segments (records are spread evenly). Default 1. */
  segments?: number;
  seed?: number;
  /** Unix seconds of the first record and of the first segment name. */
  startTime?: number;
  suffix?: string;
  compressionLevel?: number;
  /** Uncompressed bytes per zstd frame; default 8 MiB (memory stays bounded for any segment size). */
  frameBytes?: number;
  /** Leave the last segment writable, as if kumod were still writing it. */
  leaveLastWritable?: boolean;
  pools?: string[];
}

export interface GenerateResult {
  files: string[];
  records: number;
  uncompressedBytes: number;
  compressedBytes: number;
}

/** Writes realistic finished (read-only) zstd segments with kumod's record format and file names. */
export async function generateSegments(options: GenerateOptions): Promise<GenerateResult> {
  const segments = Math.max(1, options.segments ?? 1);
  const start = options.startTime ?? Math.floor(Date.now() / 1000) - 3600;
  const factory = new RecordFactory({ seed: options.seed, startTime: start, pools: options.pools });
  let clock = start * 1000;
  const namer = new SegmentNamer(options.suffix ?? '', 'UTC', () => (clock += 1000 + Math.floor(Math.random() * 1000)));
  const frameBytes = options.frameBytes ?? 8 * 1024 * 1024;
  mkdirSync(options.directory, { recursive: true });
  const result: GenerateResult = { files: [], records: 0, uncompressedBytes: 0, compressedBytes: 0 };
  for (let s = 0; s < segments; s++) {
    const count = Math.floor(options.records / segments) + (s < options.records % segments ? 1 : 0);
    const path = joinPath(options.directory, namer.next());
    const fd = openSync(path, 'w', 0o644);
    try {
      let parts: string[] = [];
      let size = 0;
      const emit = async () => {
        if (size === 0) return;
        const frame = await compress(Buffer.from(parts.join('')), options.compressionLevel ?? 3);
        writeSync(fd, frame);
        result.compressedBytes += frame.length;
        parts = [];
        size = 0;
      };
      for (let i = 0; i < count; i++) {
        const line = factory.nextLine() + '\n';
        parts.push(line);
        size += line.length;
        result.uncompressedBytes += line.length;
        if (size >= frameBytes) await emit();
      }
      await emit();
    } finally {
      closeSync(fd);
    }
    if (!(options.leaveLastWritable && s === segments - 1)) markSegmentDone(path);
    result.files.push(path);
    result.records += count;
  }
  return result;
}

export interface WriterModeOptions {
  directory: string;
  /** Records per second (default 200). */
  rate?: number;
  /** Roll to a new segment after this many uncompressed bytes (default 1 MiB, small so rotation is visible). */
  maxFileSize?: number;
  /** Uncompressed bytes per visible burst (default 16 KiB). */
  flushBytes?: number;
  /** Stop after this many records (default: until the signal aborts). */
  records?: number;
  seed?: number;
  signal?: AbortSignal;
  onSegmentFinished?: (path: string) => void;
}

/** "Writer" mode: keeps appending records to an active segment, rolling and marking finished segments read-only. */
export async function runWriter(options: WriterModeOptions): Promise<{ records: number; finished: string[] }> {
  const writer = new JsonlWriter({ logDir: options.directory, maxFileSize: options.maxFileSize ?? 1024 * 1024, flushBytes: options.flushBytes ?? 16 * 1024 });
  const factory = new RecordFactory({ seed: options.seed, startTime: Math.floor(Date.now() / 1000) });
  const rate = options.rate ?? 200;
  const t0 = Date.now();
  let written = 0;
  let reported = 0;
  const limit = options.records ?? Infinity;
  while (written < limit && !options.signal?.aborted) {
    const due = Math.min(limit, Math.floor(((Date.now() - t0) / 1000) * rate) + 1);
    while (written < due) {
      await writer.writeLine(factory.nextLine());
      written++;
    }
    for (; reported < writer.finished.length; reported++) options.onSegmentFinished?.(writer.finished[reported]);
    if (written < limit) {
      await writer.flush();
      await new Promise((r) => setTimeout(r, Math.max(5, Math.min(250, 1000 / rate))));
    }
  }
  await writer.close();
  for (; reported < writer.finished.length; reported++) options.onSegmentFinished?.(writer.finished[reported]);
  return { records: written, finished: writer.finished };
}
