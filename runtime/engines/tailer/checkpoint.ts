import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { joinPath } from './segments';

/** kumod's `CheckpointData`: the segment's full path string and the index of the next line to read (0-based). */
export interface Checkpoint {
  file: string;
  line: number;
}

export class CheckpointError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/**
 * Rejects checkpoint names that would put the file anywhere but directly inside the tailer's directory.
 * kumod would join them blindly (`.<name>`), so `../x` or `a/b` could write outside it.
 */
export function validateCheckpointName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new RangeError('checkpoint_name must be a non-empty string');
  if (name.includes('/') || name.includes('\\') || name.includes('\0')) {
    throw new RangeError(`checkpoint_name '${name}' must be a plain file name: it may not contain '/', '\\' or NUL, so that the checkpoint stays inside the directory`);
  }
}

/** Where kumod keeps a consumer's checkpoint: `directory.join(".<name>")`. */
export function checkpointPath(directory: string, name: string): string {
  validateCheckpointName(name);
  return joinPath(directory, '.' + name);
}

/** Compact JSON, no trailing newline, exactly the two fields (kumod's serde_json::to_string). */
export function formatCheckpoint(cp: Checkpoint): string {
  return JSON.stringify({ file: cp.file, line: cp.line });
}

/** Reads a checkpoint; undefined when the file does not exist. Anything unreadable is a CheckpointError and the file is left untouched. */
export function loadCheckpoint(path: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(path, `cannot read checkpoint ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(path, `checkpoint ${path} is not valid JSON (${(e as Error).message}); expected {"file":"<segment path>","line":N}. It was left untouched: fix or remove it to continue`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CheckpointError(path, `checkpoint ${path} holds ${Array.isArray(data) ? 'an array' : typeof data}, not {"file":...,"line":N}; it was left untouched`);
  }
  const { file, line } = data as Record<string, unknown>;
  if (typeof file !== 'string' || typeof line !== 'number' || !Number.isSafeInteger(line) || line < 0) {
    throw new CheckpointError(path, `checkpoint ${path} is not a tailer checkpoint: it needs a string "file" and a non-negative integer "line" (got ${truncate(text)}); it was left untouched`);
  }
  return { file, line };
}

/**
 * Relates a loaded checkpoint to this tailer's directory. kumod compares `file` as a raw string, so a checkpoint
 * written with another spelling of the directory would skip or re-read everything; here a different spelling of
 * the same directory is re-spelled, and a checkpoint of another directory is refused.
 */
export function adoptCheckpoint(path: string, cp: Checkpoint, directory: string): Checkpoint {
  const segmentDir = dirname(cp.file);
  const expectedPrefix = directory.endsWith('/') ? directory : directory + '/';
  if (cp.file.startsWith(expectedPrefix)) return cp;
  if (resolve(segmentDir) === resolve(directory)) return { file: joinPath(directory, basename(cp.file)), line: cp.line };
  throw new CheckpointError(path, `checkpoint ${path} points at ${cp.file}, which is not in the tailer's directory ${directory}; it was left untouched (remove it, or point the tailer at the directory it was written for)`);
}

/** Writes a checkpoint atomically: a dot-prefixed temp file in the same directory, fsync, then rename over the target. */
export function saveCheckpoint(path: string, cp: Checkpoint): void {
  const tmp = joinPath(dirname(path), `${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, formatCheckpoint(cp));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
}

function truncate(text: string): string {
  return text.length > 120 ? JSON.stringify(text.slice(0, 120)) + '…' : JSON.stringify(text);
}
