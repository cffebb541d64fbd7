/**
 * Dead-letter envelopes, one JSON line each, compatible with go-dletter's files:
 *   retry log:     {"ts":<unix s>,"attempt":N,"reason":"…","due":<unix ms>,"consumer":"…","payload":<JSON>}
 *   permanent log: {"ts":<unix s>,"reason":"…","attempts":N,"consumer":"…","payload":<JSON>}
 * `due` (when the next try may happen), `consumer` and `attempts` are additions a dletter reader ignores; the
 * reason is stored once as a plain string (dletter double-quotes reasons in its permanent log).
 */
export interface RetryEnvelope {
  ts: number;
  attempt: number;
  reason: string;
  /** Earliest time (unix ms) the next try may run; absent in go-dletter files (then the backoff is waited at replay). */
  due?: number;
  consumer?: string;
  payload: unknown;
}

export interface PermanentEnvelope {
  ts: number;
  reason: string;
  attempts?: number;
  consumer?: string;
  payload: unknown;
}

export function encodeRetry(e: RetryEnvelope): string {
  const o: Record<string, unknown> = { ts: e.ts, attempt: e.attempt, reason: e.reason };
  if (e.due !== undefined) o.due = e.due;
  if (e.consumer !== undefined) o.consumer = e.consumer;
  o.payload = e.payload === undefined ? null : e.payload;
  return JSON.stringify(o);
}

export function encodePermanent(e: PermanentEnvelope): string {
  const o: Record<string, unknown> = { ts: e.ts, reason: e.reason };
  if (e.attempts !== undefined) o.attempts = e.attempts;
  if (e.consumer !== undefined) o.consumer = e.consumer;
  o.payload = e.payload === undefined ? null : e.payload;
  return JSON.stringify(o);
}

export type DecodeResult = { ok: true; envelope: RetryEnvelope } | { ok: false; error: string };

/** Parses one retry-log line. A missing or non-numeric attempt counts as 0 (as dletter's GetInt does). */
export function decodeRetry(line: string): DecodeResult {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, error: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (!('payload' in o)) return { ok: false, error: 'no "payload" field' };
  const attempt = typeof o.attempt === 'number' && Number.isFinite(o.attempt) ? Math.max(0, Math.floor(o.attempt)) : 0;
  return {
    ok: true,
    envelope: {
      ts: typeof o.ts === 'number' ? o.ts : 0,
      attempt,
      reason: typeof o.reason === 'string' ? o.reason : o.reason === undefined ? '' : JSON.stringify(o.reason),
      due: typeof o.due === 'number' ? o.due : undefined,
      consumer: typeof o.consumer === 'string' ? o.consumer : undefined,
      payload: o.payload,
    },
  };
}

/** A thrown value as a one-line reason. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
