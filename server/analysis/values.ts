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

/** Checks `text` as a value of catalog type name `kind` (`duration`, `throttle`, `cidr`, ...). */
export function checkValueString(kind: string, text: string): ValueCheck | undefined {
  try {
    return wrap(validateValue(kind, text));
  } catch {
    return undefined;
  }
}

/** Checks a Lua number literal (`float` when written with a point or exponent). */
export function checkValueNumber(kind: string, value: number, float: boolean): ValueCheck | undefined {
  const k = getValueKind(kind);
  if (!k || !k.accepts.includes(float ? 'float' : 'integer')) return undefined;
  try {
    return wrap(k.validate(value, { float }));
  } catch {
    return undefined;
  }
}

export function hasValueParser(kind: string): boolean {
  return getValueKind(kind) !== undefined;
}

/** One-line summary of a kind, for completion documentation. */
export function valueKindSummary(kind: string): string | undefined {
  return getValueKind(kind)?.summary;
}
