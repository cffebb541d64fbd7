/**
 * Log record types (`RecordType`, crates/kumo-log-types): the JSON `type` field and the keys of
 * a logger's `per_record` table. Case-sensitive serde variant names. `Any` is only meaningful
 * as a `per_record` key (a wildcard), never as a record's type.
 */
import { parseEnumValue } from './enum-value';
import type { ParseResult } from './types';

export const RECORD_TYPES = [
  'Reception',
  'Delivery',
  'Bounce',
  'TransientFailure',
  'Expiration',
  'AdminBounce',
  'OOB',
  'Feedback',
  'Rejection',
  'AdminRebind',
  'DeferredInjectionRebind',
  'Delayed',
  'XferOut',
  'XferIn',
  'Any',
] as const;

export type RecordType = (typeof RECORD_TYPES)[number];

/** Types whose records get a bounce classification. */
export const CLASSIFIABLE_RECORD_TYPES: readonly RecordType[] = ['Bounce', 'TransientFailure', 'Expiration', 'AdminBounce', 'OOB', 'Feedback', 'Rejection'];

export function parseRecordType(text: string, opts: { allowAny?: boolean } = {}): ParseResult<RecordType> {
  const r = parseEnumValue(text, RECORD_TYPES);
  if (r.ok && r.value === 'Any' && opts.allowAny === false) {
    return { ok: false, error: { message: '`Any` is only a wildcard key in per_record, not a record type', start: 0, end: text.length } };
  }
  return r;
}
