import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** Numbered log segments: `<prefix>-000001.jsonl`, … Numbers only grow, so names never collide (dletter's timestamps can). */
export function segmentName(prefix: string, seq: number): string {
  return `${prefix}-${String(seq).padStart(6, '0')}.jsonl`;
}

export function listSegments(dir: string, prefix: string): { name: string; seq: number }[] {
  const re = new RegExp(`^${prefix}-(\\d{6,})\\.jsonl$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { name: string; seq: number }[] = [];
  for (const n of names) {
    const m = re.exec(n);
    if (m) out.push({ name: n, seq: Number(m[1]) });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** Appends text and fsyncs, so a record reported as dead-lettered survives a crash. */
export function appendDurably(path: string, text: string): void {
  const fd = openSync(path, 'a', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export function removeIfExists(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Streams the lines of a file with no length limit (dletter's bufio.Scanner stops at 64 KiB). A last line without
 * a newline (a torn append) is returned too, flagged `complete: false`.
 */
export function* readLines(path: string, chunkSize = 256 * 1024): Generator<{ text: string; index: number; complete: boolean; endOffset: number }> {
  const fd = openSync(path, 'r');
  try {
    let pos = 0;
    let index = 0;
    let carry: Buffer[] = [];
    let carryLen = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkSize);
      const n = readSync(fd, buf, 0, chunkSize, pos);
      if (n === 0) break;
      pos += n;
      let start = 0;
      for (;;) {
        const i = buf.indexOf(10, start);
        if (i < 0 || i >= n) break;
        let text: string;
        if (carryLen) {
          carry.push(buf.subarray(start, i));
          text = Buffer.concat(carry).toString('utf8');
          carry = [];
          carryLen = 0;
        } else text = buf.toString('utf8', start, i);
        yield { text, index: index++, complete: true, endOffset: pos - n + i + 1 };
        start = i + 1;
      }
      if (start < n) {
        carry.push(Buffer.from(buf.subarray(start, n)));
        carryLen += n - start;
      }
    }
    if (carryLen) {
      const text = Buffer.concat(carry).toString('utf8');
      yield { text, index, complete: false, endOffset: pos };
    }
  } finally {
    closeSync(fd);
  }
}

export class DlqBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DlqBusyError';
  }
}

/** An exclusive lock file holding the owner's pid; a lock left by a dead process (a crash) is taken over. */
export function acquireLock(dir: string): () => void {
  const path = join(dir, 'lock');
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => removeIfExists(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSafe(path));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new DlqBusyError(`dead-letter queue ${dir} is in use by process ${pid} (lock file ${path})`);
      }
      if (pid === process.pid) throw new DlqBusyError(`dead-letter queue ${dir} is already being replayed or purged by this process`);
      removeIfExists(path); // stale: its owner is gone
    }
  }
  throw new DlqBusyError(`cannot lock dead-letter queue ${dir}`);
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
