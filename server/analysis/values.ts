/**
 * The one place the server reaches the shared value parsers (runtime/values). Everything else asks
 * `checkValueString(kind, text)` / `checkValueNumber`; a kind without a parser answers undefined and the
 * server stays quiet.
 */
import { getValueKind, validateValue, type NormalizedValue } from '../../runtime/values/index';
import type { ParseResult } from '../../runtime/values/types';

export interface ValueCheck {
  result: ParseResult<NormalizedValue>;
  /** Normalized value for hovers and inlay hints (`20 minutes = 1200 s`). */
  display?: string;
}

function wrap(result: ParseResult<NormalizedValue> | undefined): ValueCheck | undefined {
  if (!result) return undefined;
  return result.ok ? { result, display: result.value.description } : { result };
}

/** The parsers are pure, and a policy repeats its literals on every keystroke: remember recent verdicts. */
const cache = new Map<string, ValueCheck | undefined>();
const CACHE_LIMIT = 20_000;

function remember(key: string, compute: () => ValueCheck | undefined): ValueCheck | undefined {
  if (cache.has(key)) return cache.get(key);
  let v: ValueCheck | undefined;
  try {
    v = compute();
  } catch {
    v = undefined;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, v);
  return v;
}

/** Checks `text` as a value of catalog type name `kind` (`duration`, `throttle`, `cidr`, ...). */
export function checkValueString(kind: string, text: string): ValueCheck | undefined {
  return remember(`${kind}\0s\0${text}`, () => wrap(validateValue(kind, text)));
}

/** Checks a Lua number literal (`float` when written with a point or exponent). */
export function checkValueNumber(kind: string, value: number, float: boolean): ValueCheck | undefined {
  const k = getValueKind(kind);
  if (!k || !k.accepts.includes(float ? 'float' : 'integer')) return undefined;
  return remember(`${kind}\0${float ? 'f' : 'i'}\0${value}`, () => wrap(k.validate(value, { float })));
}

export function hasValueParser(kind: string): boolean {
  return getValueKind(kind) !== undefined;
}

/** One-line summary of a kind, for completion documentation. */
export function valueKindSummary(kind: string): string | undefined {
  return getValueKind(kind)?.summary;
}
