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

/**
 * The parsers are pure, and a policy repeats its literals on every keystroke: remember recent verdicts, by
 * kind then text (no key string to build and hash per look-up). null: the parser answered undefined.
 */
const cache = new Map<string, Map<string | number, ValueCheck | null>>();
let cached = 0;
const CACHE_LIMIT = 20_000;

function verdicts(kind: string): Map<string | number, ValueCheck | null> {
  let m = cache.get(kind);
  if (!m) cache.set(kind, (m = new Map()));
  return m;
}

function store(m: Map<string | number, ValueCheck | null>, key: string | number, v: ValueCheck | undefined): ValueCheck | undefined {
  if (cached >= CACHE_LIMIT) {
    for (const k of cache.values()) k.clear();
    cached = 0;
  }
  m.set(key, v ?? null);
  cached++;
  return v;
}

/** Checks `text` as a value of catalog type name `kind` (`duration`, `throttle`, `cidr`, ...). */
export function checkValueString(kind: string, text: string): ValueCheck | undefined {
  const m = verdicts(kind);
  const hit = m.get(text);
  if (hit !== undefined) return hit ?? undefined;
  let v: ValueCheck | undefined;
  try {
    v = wrap(validateValue(kind, text));
  } catch {
    v = undefined;
  }
  return store(m, text, v);
}

/** Checks a Lua number literal (`float` when written with a point or exponent). */
export function checkValueNumber(kind: string, value: number, float: boolean): ValueCheck | undefined {
  const k = getValueKind(kind);
  if (!k || !k.accepts.includes(float ? 'float' : 'integer')) return undefined;
  const m = verdicts(`${kind}\0${float ? 'f' : 'i'}`);
  const hit = m.get(value);
  if (hit !== undefined) return hit ?? undefined;
  let v: ValueCheck | undefined;
  try {
    v = wrap(k.validate(value, { float }));
  } catch {
    v = undefined;
  }
  return store(m, value, v);
}

export function hasValueParser(kind: string): boolean {
  return getValueKind(kind) !== undefined;
}

/** One-line summary of a kind, for completion documentation. */
export function valueKindSummary(kind: string): string | undefined {
  return getValueKind(kind)?.summary;
}
