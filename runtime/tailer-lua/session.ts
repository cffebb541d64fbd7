/**
 * What one script run shares across the tailers and writers it opens: `--exit-when-caught-up`, progress
 * counters for stderr, and a way to close everything when the run stops (Ctrl-C, end of main).
 */
import type { MultiTailer } from '../engines/tailer/multi-tailer';
import type { TailerEvent, TailerStats } from '../engines/tailer/types';
import type { JsonlWriter } from '../engines/tailer/jsonl-writer';

export interface OpenTailer {
  /** `new_tailer` or `new_multi_tailer`, with its directory. */
  label: string;
  tailer: MultiTailer;
}

export interface TailSessionOptions {
  /** Every tailer ends its batches() loop once caught up (finished segments consumed, no writable one). */
  exitWhenCaughtUp?: boolean;
  /** Tailer warnings and errors (bad lines, foreign files, filter errors, missing directory...). */
  onEvent?: (event: TailerEvent, tailer: OpenTailer) => void;
}

export class TailSession {
  readonly tailers: OpenTailer[] = [];
  readonly writers = new Set<JsonlWriter>();
  /** Tailer events by kind, for the summary. */
  readonly eventCounts = new Map<string, number>();

  constructor(readonly options: TailSessionOptions = {}) {}

  get exitWhenCaughtUp(): boolean {
    return this.options.exitWhenCaughtUp ?? false;
  }

  register(t: OpenTailer): void {
    this.tailers.push(t);
  }

  event(e: TailerEvent, t: OpenTailer): void {
    this.eventCounts.set(e.kind, (this.eventCounts.get(e.kind) ?? 0) + 1);
    this.options.onEvent?.(e, t);
  }

  stats(): { label: string; stats: TailerStats }[] {
    return this.tailers.map((t) => ({ label: t.label, stats: t.tailer.stats() }));
  }

  /** Stops every tailer (a pending batches() call returns nil); writes no checkpoint. */
  closeTailers(): void {
    for (const t of this.tailers) t.tailer.close();
  }

  /** Finishes every writer's open segment (zstd frame ended, file marked read-only), as kumod does on drop. */
  async closeWriters(): Promise<void> {
    const all = [...this.writers];
    this.writers.clear();
    await Promise.allSettled(all.map((w) => w.close()));
  }
}
