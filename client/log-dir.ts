/** The log directory as the KumoMTA explorer view summarises it (pure Node, no vscode; unit-tested). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LogDirSummary {
  directory: string;
  segments: number;
  checkpoints: string[];
  /** Per dead-letter queue directory: records in its retry and permanent logs (`files` is their sum). */
  deadLetters: { name: string; files: number; retry: number; permanent: number }[];
  error?: string;
}

const SEGMENT = /^\d{8}-\d{6}(?:\.\d+)?$/;
const DLQ_FILE = /^(retry|permanent)-\d{6,}\.jsonl$/;

function countLines(path: string): number {
  const st = statSync(path);
  if (st.size > 16 * 1024 * 1024) return Math.round(st.size / 512); // estimate for huge logs
  const text = readFileSync(path, 'utf8');
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * What the explorer shows for a log directory, from names and small files only (no segment is decompressed):
 * kumod segments (`YYYYMMDD-HHMMSS.nnn`, finished when read-only), tailer checkpoints (`.NAME` files holding
 * `{"file","line"}`), and dead-letter queues (directories with `retry-NNNNNN.jsonl` / `permanent-NNNNNN.jsonl`).
 */
export function summarizeLogDir(dir: string): LogDirSummary {
  const out: LogDirSummary = { directory: dir, segments: 0, checkpoints: [], deadLetters: [] };
  const dlqIn = (d: string, label: string) => {
    let retry = 0;
    let permanent = 0;
    let any = false;
    for (const f of readdirSync(d)) {
      const m = DLQ_FILE.exec(f);
      if (!m) continue;
      any = true;
      if (m[1] === 'retry') retry += countLines(join(d, f));
      else permanent += countLines(join(d, f));
    }
    if (any) out.deadLetters.push({ name: label, files: retry + permanent, retry, permanent });
  };
  try {
    dlqIn(dir, '.');
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) {
        dlqIn(full, name);
      } else if (name.startsWith('.') && st.size < 4096) {
        try {
          const cp = JSON.parse(readFileSync(full, 'utf8')) as { file?: string; line?: number };
          if (cp && typeof cp.file === 'string') out.checkpoints.push(`${name.slice(1)} → ${cp.file.split('/').pop()}:${cp.line ?? 0}`);
        } catch { /* not a checkpoint */ }
      } else if (SEGMENT.test(name)) out.segments++;
    }
  } catch (e) {
    out.error = (e as Error).message;
  }
  return out;
}

