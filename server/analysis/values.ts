/**
 * The one place the server reaches the shared value parsers (runtime/values). Everything else asks
 * `checkValueString(kind, text)`; when a kind has no parser yet, the answer is undefined and the
 * server stays quiet.
 */
import { parseDuration, describeDuration, type DurationValue } from '../../runtime/values/duration';
import type { ParseResult } from '../../runtime/values/types';

export interface ValueCheck {
  result: ParseResult<unknown>;
  /** Normalized value for hovers and inlay hints (`20 minutes = 1200 s`). */
  display?: string;
}

type Checker = (text: string) => ValueCheck;

const checkers: Record<string, Checker> = {
  duration: (text) => {
    const result = parseDuration(text);
    return { result, display: result.ok ? describeDuration(result.value as DurationValue) : undefined };
  },
};

/** Checks `text` as a value of catalog type name `kind` (`duration`, `throttle`, ...), when a parser exists. */
export function checkValueString(kind: string, text: string): ValueCheck | undefined {
  const c = checkers[kind];
  if (!c) return undefined;
  try {
    return c(text);
  } catch {
    return undefined;
  }
}

export function hasValueParser(kind: string): boolean {
  return kind in checkers;
}

/** A duration given as a Lua number of seconds, described for hovers. */
export function describeSeconds(seconds: number): string | undefined {
  const r = checkValueString('duration', `${seconds}s`);
  return r?.display;
}
