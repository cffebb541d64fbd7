/**
 * The routing benchmark's scenario: 50 queues (5 tenants x 10 domains on 10 sites), 3 pools (one with a
 * weight-0 entry), queue- and path-level throttles, 10% transient failures, 1% bounces.
 */
import type { TrafficScenario, SimQueue, SiteModel } from './traffic-types';
import type { PathConfig } from '../engines/scheduler/config';

export function routingBenchScenario(messages: number, seed = 1): TrafficScenario {
  const pools = ['pool1', 'pool2', 'pool3'];
  const queues: SimQueue[] = [];
  const sites: Record<string, SiteModel> = {};
  const paths: Record<string, Partial<PathConfig>> = {};
  for (let s = 0; s < 10; s++) {
    const site = `(mx1|mx2).site${s}.example`;
    sites[site] = { transient: 0.09, timeout: 0.01, permanent: 0.01, latencyMs: 80 + s * 10, timeoutMs: 30_000, connectMs: 150 };
  }
  // tighter shaping for two sites
  paths['(mx1|mx2).site0.example'] = { maxMessageRate: { limit: 20, period: 1, forceLocal: false } };
  paths['(mx1|mx2).site1.example'] = { maxConnectionRate: { limit: 2, period: 1, forceLocal: false } };
  for (let t = 0; t < 5; t++) {
    for (let d = 0; d < 10; d++) {
      const name = `tenant${t}@domain${d}.example`;
      queues.push({
        name,
        weight: 1 + ((t * 7 + d * 3) % 5),
        site: `(mx1|mx2).site${d}.example`,
        config: {
          egressPool: pools[(t + d) % 3],
          retryInterval: 300,
          maxRetryInterval: 3600,
          maxAge: 8 * 3600,
          strategy: d % 3 === 0 ? 'TimerWheel' : d % 3 === 1 ? 'SkipList' : 'SingletonTimerWheel',
          maxMessageRate: t === 0 ? { limit: 8, period: 1, forceLocal: false } : null,
        },
      });
    }
  }
  return {
    seed,
    messages,
    durationSec: 86400,
    injectOverSec: 1800,
    bucketSec: 300,
    queues,
    pools: {
      pool1: { name: 'pool1', entries: [{ name: 'ip-1' }] },
      pool2: { name: 'pool2', entries: [{ name: 'ip-2', weight: 2 }, { name: 'ip-3', weight: 1 }] },
      pool3: { name: 'pool3', entries: [{ name: 'ip-4' }, { name: 'ip-5' }, { name: 'ip-6' }, { name: 'ip-7', weight: 0 }] },
    },
    sites,
    paths,
  };
}
