import { statSync } from 'node:fs';
import { Glob } from './glob';

/** Joins like Rust's `Utf8PathBuf::join`: no normalisation, so checkpoint `file` strings match kumod's byte for byte. */
export function joinPath(directory: string, name: string): string {
  if (name.startsWith('/')) return name;
  if (directory === '' ) return name;
  return directory.endsWith('/') ? directory + name : directory + '/' + name;
}

/**
 * kumod's only "segment finished" signal: the file has no write bit at all (`mode & 0o222 == 0`),
 * read through `stat` (symlinks followed). Checked by mode bits, never by access(), so it holds for root too.
 * A file that cannot be stat'ed counts as not done, as in kumod.
 */
export function isSegmentDone(path: string): boolean {
  try {
    return (statSync(path).mode & 0o222) === 0;
  } catch {
    return false;
  }
}

export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface PlanInput {
  directory: string;
  glob: Glob;
  /** This tailer's own checkpoint paths, never treated as segments. */
  checkpointPaths: ReadonlySet<string>;
  /** Files already found unreadable by this tailer (in memory only, as in kumod). */
  badFiles: ReadonlySet<string>;
  /** The last segment finished in this run: only later names are planned. */
  lastProcessed?: string;
  /** The start checkpoint's file, used until the first segment is finished. */
  checkpointFile?: string;
}

/** kumod's `build_plan`: matching regular files, sorted by full path string, after the resume point. */
export function buildPlan(input: PlanInput): string[] {
  const result: string[] = [];
  for (const rel of input.glob.walk(input.directory)) {
    const path = joinPath(input.directory, rel);
    if (input.checkpointPaths.has(path) || input.badFiles.has(path)) continue;
    if (isRegularFile(path)) result.push(path);
  }
  result.sort(compareStrings);
  if (input.lastProcessed !== undefined) {
    const last = input.lastProcessed;
    return result.filter((p) => compareStrings(p, last) > 0);
  }
  if (input.checkpointFile !== undefined) {
    const cp = input.checkpointFile;
    return result.filter((p) => compareStrings(p, cp) >= 0);
  }
  return result;
}

/** `tail = true`: the newest matching regular file, at line 0 (kumod's `resolve_tail_checkpoint`). */
export function newestSegment(directory: string, glob: Glob): string | undefined {
  const files = glob.walk(directory).map((rel) => joinPath(directory, rel)).filter(isRegularFile);
  files.sort(compareStrings);
  return files.at(-1);
}

/** Byte-wise ordering of UTF-8 strings, as Rust compares paths (for ASCII names this is code-unit order). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order except around surrogates; only then compare the bytes.
  if (!HIGH.test(a) && !HIGH.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const HIGH = /[\uD800-\uFFFF]/;
