import { LogBatch } from './batch';
import { MultiTailer } from './multi-tailer';
import { TailerOptions, TailerStats } from './types';

/**
 * `kumo.jsonl.new_tailer`: a multi-tailer with the single consumer "default"; each `next()` gives one batch.
 */
export class Tailer implements AsyncIterable<LogBatch> {
  private readonly inner: MultiTailer;

  constructor(options: TailerOptions) {
    const { maxBatchSize, maxBatchLatencyMs, checkpointName, filter, ...rest } = options;
    this.inner = new MultiTailer({ ...rest, consumers: [{ name: 'default', maxBatchSize, maxBatchLatencyMs, checkpointName, filter }] });
  }

  async next(): Promise<LogBatch | undefined> {
    const batches = await this.inner.next();
    return batches?.[0];
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LogBatch> {
    for (;;) {
      const b = await this.next();
      if (b === undefined) return;
      yield b;
    }
  }

  close(): void {
    this.inner.close();
  }

  stats(): TailerStats {
    return this.inner.stats();
  }
}

export async function openTailer(options: TailerOptions): Promise<Tailer> {
  return new Tailer(options);
}
