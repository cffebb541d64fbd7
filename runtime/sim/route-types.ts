/**
 * The result of `kumo-policy simulate` (routing one message through a policy), as printed with
 * `--format json` and shown by the editor's result view. Keys follow issue 5: queue, queue_config,
 * egress_pool, egress_source, site_name, path_config, throttles, trace.
 */

/** One event the simulation fired. */
export interface TraceEntry {
  event: string;
  /** Arguments as JS values (a Message is summarised as `{message: {...}}`). */
  args: unknown[];
  /** What the handler that ended the chain returned (null when nothing handled it). */
  result: unknown;
  handled: boolean;
  duration_ms: number;
  /** The handler's file and the line where its function is defined (the first handler, when several). */
  file?: string;
  line?: number;
  /** Every registered handler, for events that take several (get_queue_config). */
  handlers?: { file: string; line: number }[];
  /** The Lua error, `file:line: message`. */
  error?: string;
}

/** A rate as the user reads it. */
export interface RateInfo {
  /** The throttle string as kumod prints it (`1000/h`). */
  spec: string;
  limit: number;
  period_seconds: number;
  /** Seconds between two messages once the burst is used (the GCRA emission interval). */
  interval_seconds: number;
  /** Messages let through back to back before the interval applies (local backend). */
  burst: number;
  per_second: number;
  per_hour: number;
}

export interface ThrottleSummary {
  /** make_queue_config max_message_rate: applied when a message moves to the ready queue. */
  queue: RateInfo | null;
  /** make_egress_path max_message_rate: applied by the ready queue before each send. */
  path: RateInfo | null;
  /** make_egress_path max_connection_rate. */
  connection_rate: RateInfo | null;
  connection_limit: number;
  /** The lesser of the queue and path rates (both apply independently), or null when neither is set. */
  effective: (RateInfo & { from: 'queue' | 'path' }) | null;
}

export interface SiteInfo {
  site_name: string;
  /** MX hosts in preference order. */
  hosts: string[];
  /** The routing domain whose MX was used. */
  domain: string;
  /** False when no MX data covered the domain and the domain itself stood in (implicit MX). */
  from_mx: boolean;
}

export interface SimulateResult {
  kind: 'simulate';
  policy: string;
  sender: string;
  recipient: string;
  /** Message meta after the reception event. */
  meta: Record<string, unknown>;
  queue: string;
  /** Parsed queue name parts, as get_queue_config receives them. */
  queue_parts: { domain: string; tenant: string | null; campaign: string | null; routing_domain: string | null };
  /** Set when the reception event called kumo.reject: kumod answers the client with this response. */
  rejected: { code: number; response: string } | null;
  /** True for the `null` queue: kumod discards the message at reception; nothing below is resolved. */
  discarded: boolean;
  queue_config: Record<string, unknown> | null;
  egress_pool: string | null;
  /** The pool's entries as resolved (weight 0 entries included), and where the pool came from. */
  pool: { name: string; entries: { name: string; weight: number }[]; origin: 'get_egress_pool' | 'define_egress_pool' | 'built-in' } | null;
  /** The first source kumod would pick for this queue (WRR from a fresh selector). */
  egress_source: string | null;
  source_config: Record<string, unknown> | null;
  site_name: string | null;
  site: SiteInfo | null;
  /** `source->site@smtp_client`. */
  ready_queue: string | null;
  path_config: Record<string, unknown> | null;
  throttles: ThrottleSummary | null;
  trace: TraceEntry[];
  /** Things the user should know (implicit MX, setup calls the simulator accepted and ignored). */
  notes: string[];
}
