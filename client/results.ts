/**
 * The result each feature's CLI prints with `--format json`, as the editor reads it. One type per feature;
 * the webview renders exactly what the CLI printed, so the CLI and the editor show the same truth.
 * The simulate, pool, traffic and dead-letter types are the runtime's own (runtime/sim, runtime/engines/dlq);
 * tail's is defined here until the tailer CLI prints JSON. Extra fields are kept and shown as JSON.
 */

// The runtime's own result types: the CLI prints exactly these with --format json.
export type { SimulateResult, TraceEntry } from '../runtime/sim/route-types';
export type { PoolResult } from '../runtime/sim/pool-types';
export type { TrafficRunResult as TrafficResult } from '../runtime/sim/traffic-run-types';

export interface TailConsumer {
  name: string;
  records?: number;
  batches?: number;
  commits?: number;
  checkpoint?: unknown;
}

export interface TailResult {
  kind?: 'tail';
  consumers: TailConsumer[];
  segments?: number;
  lines?: number;
  tailers?: { kind: string; directory: string }[];
  /** Checkpoint name -> stored position ({file, line}), from `segments list`. */
  checkpoints?: Record<string, unknown>;
  exitCode?: number | null;
}

/** `kumo-policy dlq list --format json` prints the dead-letter engine's own listing type. */
export type DlqResult = QueueListing;

export interface ExportLuaLsResult {
  kind: 'export-luals';
  directory: string;
  files: { name: string; path: string; bytes: number }[];
}

export type FeatureKind = 'simulate' | 'pool' | 'traffic' | 'tail' | 'dlq' | 'export-luals' | 'unknown';

import type { QueueListing } from '../runtime/engines/dlq/queue';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Which feature a JSON result belongs to: its `kind`, else recognised by its keys. */
export function featureOf(value: unknown): FeatureKind {
  if (!isRecord(value)) return 'unknown';
  const kind = value.kind;
  if (typeof kind === 'string' && ['simulate', 'pool', 'traffic', 'tail', 'dlq', 'export-luals'].includes(kind)) return kind as FeatureKind;
  if (typeof value.queue === 'string') return 'simulate';
  if (Array.isArray(value.sequence) && isRecord(value.shares)) return 'pool';
  if (Array.isArray(value.time) && Array.isArray(value.queues) && Array.isArray(value.paths)) return 'traffic';
  if (Array.isArray(value.consumers)) return 'tail';
  if (isRecord(value.totals) && Array.isArray(value.retry) && Array.isArray(value.permanent)) return 'dlq';
  return 'unknown';
}
