/**
 * The contract every value-kind parser follows: the normalized value, or an error that names the
 * offending sub-span of the input (0-based, end exclusive, in UTF-16 code units of the JS string).
 */
export type ParseResult<T> = { ok: true; value: T; warnings?: ValueWarning[] } | { ok: false; error: ValueError };

export interface ValueError {
  message: string;
  start: number;
  end: number;
  /** The error text kumod itself would produce for this input, when it differs from `message`. */
  kumodMessage?: string;
  /** A short fix suggestion (did-you-mean, case hint, ...). */
  hint?: string;
}

/** Accepted but suspicious input, such as `5M` (months) where minutes were probably meant. */
export interface ValueWarning {
  code: string;
  message: string;
  start: number;
  end: number;
}

/** A parsed throttle spec (`[local:]LIMIT/[N]UNIT[,max_burst=B]`), as kumod's ThrottleSpec holds it. */
export interface ThrottleSpec {
  limit: number;
  /** Period in seconds. */
  period: number;
  /** Burst size; kumod defaults it to `limit` when not given. */
  maxBurst?: number;
  /** `local:` prefix: always throttle in-process, even with Redis throttles configured. */
  forceLocal: boolean;
}
