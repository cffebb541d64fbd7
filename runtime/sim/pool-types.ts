/**
 * The result of `kumo-policy pool POLICY POOL` (pool weighting preview), as printed with `--format json`
 * and charted by the editor. Keys follow issue 5 (`sequence`, `shares`) and the client's PoolResult
 * (`warmup`, `rates`).
 */
import type { RateInfo } from './route-types';

export interface PoolSourceInfo {
  name: string;
  /** Configured weight (0 = never selected). */
  weight: number;
  /** weight / sum of weights: the WRR share. */
  configured_share: number;
  /** Share of the messages once the caps below apply at the offered rate (capped sources shed the rest to the others). */
  effective_share: number;
  /** The weight that would give `effective_share` without caps, in the pool's weight scale (warm-up view). */
  effective_weight: number;
  /** Messages per hour this source can take: the lowest of the caps, null when unlimited. */
  cap_per_hour: number | null;
  /** Which setting sets `cap_per_hour`. */
  limited_by: 'max_message_rate' | 'source_selection_rate' | 'connection_limit' | 'max_connection_rate' | null;
  /** Messages per hour sent through this source at the offered rate (null when no rate was offered and the source is unlimited). */
  rate_per_hour: number | null;
  /** The egress path this preview resolved: `source->site@smtp_client`. */
  path: string;
  limits: {
    max_message_rate: RateInfo | null;
    source_selection_rate: RateInfo | null;
    max_connection_rate: RateInfo | null;
    connection_limit: number;
    max_deliveries_per_connection: number;
  };
  path_config: Record<string, unknown>;
}

export interface PoolResult {
  kind: 'pool';
  policy: string;
  pool: string;
  origin: 'get_egress_pool' | 'define_egress_pool' | 'built-in';
  picks: number;
  /** Source names in the order kumod's weighted round robin picks them, from a fresh selector. */
  sequence: string[];
  /** Source name → fraction of `picks`. */
  shares: Record<string, number>;
  counts: Record<string, number>;
  /** Length of one full WRR cycle (sum of weights / gcd). */
  period: number;
  /** Destination used to resolve get_egress_path_config for each source. */
  domain: string;
  site_name: string;
  /** Offered message rate across the pool (per hour), when given with --rate. */
  offered_per_hour: number | null;
  /** Assumed time per delivery when turning connection limits into rates, ms. */
  delivery_ms: number;
  sources: PoolSourceInfo[];
  /** Source → effective weight (warm-up view), for the editor's side-by-side chart. */
  warmup: Record<string, number>;
  /** Source → effective messages per second at the offered rate (or the cap when none was offered). */
  rates: Record<string, number>;
  notes: string[];
  /** Wall time of the WRR picks, ms. */
  pick_ms: number;
}
