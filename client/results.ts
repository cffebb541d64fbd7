/**
 * The result each feature's CLI prints with `--format json`, as the editor reads it. One type per feature;
 * the webview renders exactly what the CLI printed, so the CLI and the editor show the same truth.
 * Field names follow the issues (simulate: queue, queue_config, egress_pool, egress_source, site_name,
 * path_config, trace; pool: sequence, shares). Extra fields are kept and shown as JSON.
 */

export interface TraceEntry {
  event: string;
  args?: unknown[];
  result?: unknown;
  duration_ms?: number;
  file?: string;
  /** 1-based line, as Lua reports it. */
  line?: number;
  error?: string;
}

export interface SimulateResult {
  kind?: 'simulate';
  queue: string;
  queue_config?: Record<string, unknown>;
  egress_pool?: string;
  egress_source?: string;
  site_name?: string;
  path_config?: Record<string, unknown>;
  throttle?: Record<string, unknown>;
  trace?: TraceEntry[];
}

export interface PoolResult {
  kind?: 'pool';
  pool?: string;
  sequence: string[];
  shares: Record<string, number>;
  /** Warm-up weights per source, when the pool has sources warming up. */
  warmup?: Record<string, number>;
  /** Effective messages/second per source once throttles and connection limits apply. */
  rates?: Record<string, number>;
}

export interface TrafficSeries {
  name: string;
  sent?: number[];
  deferred?: number[];
  bounced?: number[];
  expired?: number[];
  depth?: number[];
}

export interface TrafficResult {
  kind?: 'traffic';
  /** Simulated seconds of each sample. */
  time: number[];
  queues?: TrafficSeries[];
  paths?: TrafficSeries[];
}

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
  if (Array.isArray(value.time) && (Array.isArray(value.queues) || Array.isArray(value.paths))) return 'traffic';
  if (Array.isArray(value.consumers)) return 'tail';
  if (isRecord(value.totals) && Array.isArray(value.retry) && Array.isArray(value.permanent)) return 'dlq';
  return 'unknown';
}
