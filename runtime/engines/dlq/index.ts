/** Public API of the dead-letter queue engine. */
import type { LogBatch } from '../tailer/batch';
import { DeadLetterQueue } from './queue';

export { backoffMs, MAX_BACKOFF_MS } from './backoff';
export { decodeRetry, encodePermanent, encodeRetry, PermanentEnvelope, RetryEnvelope } from './envelope';
export { DlqBusyError } from './files';
export { DeadLetterOptions, DeadLetterQueue, DlqAbortError, PurgeResult, QueueListing, ReplayHandler, ReplayOptions, ReplayResult } from './queue';

/**
 * The pattern the DLQ exists for: run `handler` on a tailer batch; if it throws, dead-letter the batch's records
 * (durably) instead of dropping them. Either way the batch is then committed, so the other consumers keep moving.
 */
export async function deliverOrDeadLetter(
  dlq: DeadLetterQueue,
  batch: LogBatch,
  handler: (records: readonly unknown[], consumer: string) => unknown | Promise<unknown>,
): Promise<{ outcome: 'delivered' | 'dead-lettered'; records: number; error?: unknown }> {
  const consumer = batch.consumerName();
  const records = batch.records();
  const n = records.length;
  try {
    await handler(records, consumer);
  } catch (error) {
    dlq.logMany(records, error, 1, consumer);
    batch.commit();
    return { outcome: 'dead-lettered', records: n, error };
  }
  batch.commit();
  return { outcome: 'delivered', records: n };
}
