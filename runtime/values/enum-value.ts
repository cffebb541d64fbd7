import type { ParseResult } from './types';

/** Levenshtein distance, small inputs only. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/**
 * The closest candidate to `input`: an exact case-insensitive match first, then the nearest by
 * edit distance (at most a third of the length, minimum 1, maximum 3), ties going to the earlier
 * candidate. Undefined when nothing is close.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  const caseMatch = candidates.find((c) => c.toLowerCase() === lower);
  if (caseMatch !== undefined) return caseMatch;
  const limit = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    // Ties go to a candidate that contains the input's letters in order (`mn` -> `min`, not `ms`).
    const d = editDistance(lower, c.toLowerCase()) - (isSubsequence(lower, c.toLowerCase()) ? 0.5 : 0);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

function isSubsequence(needle: string, hay: string): boolean {
  let k = 0;
  for (const ch of hay) if (k < needle.length && ch === needle[k]) k++;
  return k === needle.length;
}

/** serde's "expected" list: `` `A` ``, `` `A` or `B` ``, `` one of `A`, `B`, `C` ``. */
export function serdeOneOf(names: readonly string[]): string {
  if (names.length === 0) return 'there are no variants';
  if (names.length === 1) return `\`${names[0]}\``;
  if (names.length === 2) return `\`${names[0]}\` or \`${names[1]}\``;
  return `one of ${names.map((n) => `\`${n}\``).join(', ')}`;
}

/**
 * Exact, case-sensitive membership, as serde's derived enum deserializer checks variant names.
 * The error text is serde's (`unknown variant ...`); the hint offers the nearest allowed value.
 */
export function parseEnumValue<T extends string>(text: string, allowed: readonly T[]): ParseResult<T> {
  if ((allowed as readonly string[]).includes(text)) return { ok: true, value: text as T };
  const guess = didYouMean(text, allowed);
  const message = `unknown variant \`${text}\`, expected ${serdeOneOf(allowed)}`;
  return {
    ok: false,
    error: {
      message,
      start: 0,
      end: text.length,
      ...(guess !== undefined
        ? {
            hint:
              guess.toLowerCase() === text.toLowerCase()
                ? `values are case-sensitive: did you mean '${guess}'?`
                : `did you mean '${guess}'?`,
          }
        : {}),
    },
  };
}
