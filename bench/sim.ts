/**
 * Simulator benchmarks through a real policy (test/fixtures/policies/bench-routing.lua and the seed's
 * pool example):
 * - the pool weighting preview of 100,000 picks through the CLI code path (`kumo-policy pool ... --format
 *   json`: policy load, init, get_egress_pool, get_egress_path_config per source, the picks, the JSON);
 * - the end-to-end traffic run of 1,000,000 messages (50 queues, 3 pools, throttles, ~10% transient
 *   failures, one simulated day) with every config resolved through the policy's Lua handlers,
 *   get_queue_config re-run on each refresh_interval.
 * Run: `node scripts/build.mjs --bench && node out/bench/sim.js` (or `npm run bench -- sim`).
 */
import { cpus, loadavg } from 'node:os';
import { runPoolCommand } from '../runtime/cli/pool-command';
import { captureIo } from '../runtime/cli/io';
import { runTrafficThroughPolicy, checkScenario } from '../runtime/sim/traffic-policy';
import { fixturePolicy } from '../runtime/sim/test-fixtures';
import type { ScenarioFile } from '../runtime/sim/traffic-run-types';

/** 5 tenants x 10 domains (on 10 sites): 50 queues; 9% 4xx + 1% timeouts, 1% 5xx. */
export function benchScenario(messages: number): ScenarioFile {
  const domains = Array.from({ length: 10 }, (_, d) => ({
    name: `domain${d}.example`,
    weight: 1 + ((d * 3) % 5),
    mx: [`mx1.site${d}.example`, `mx2.site${d}.example`],
  }));
  const sites: ScenarioFile['sites'] = {};
  for (let d = 0; d < 10; d++) sites[`domain${d}.example`] = { transient: 0.09, timeout: 0.01, permanent: 0.01, latency_ms: 80 + d * 10, timeout_ms: 30_000, connect_ms: 150 };
  return checkScenario({
    messages,
    duration: '1 day',
    inject_over: '30 minutes',
    bucket: '5 minutes',
    seed: 1,
    tenants: Array.from({ length: 5 }, (_, t) => ({ name: `tenant${t}`, weight: 1 + ((t * 7) % 5), headers: { 'X-Tenant': `tenant${t}` } })),
    domains,
    sites,
  });
}

async function poolPreview(picks: number): Promise<{ ms: number; sequence: number; shares: Record<string, number> }> {
  const io = captureIo();
  const t0 = performance.now();
  const code = await runPoolCommand([fixturePolicy('seed-queues-pools.lua'), 'pool2', '--picks', String(picks), '--format', 'json'], io);
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(io.stderr);
  const r = JSON.parse(io.stdout) as { sequence: string[]; shares: Record<string, number> };
  return { ms, sequence: r.sequence.length, shares: r.shares };
}

export async function run(): Promise<Record<string, string | number>> {
  // warm-up: the JIT sees the hot paths once
  await poolPreview(1000);
  const pvRuns: number[] = [];
  let pv = await poolPreview(100_000);
  pvRuns.push(pv.ms);
  for (let i = 0; i < 4; i++) {
    const next = await poolPreview(100_000);
    pvRuns.push(next.ms);
    if (next.ms < pv.ms) pv = next;
  }

  await runTrafficThroughPolicy({ policy: fixturePolicy('bench-routing.lua'), scenario: benchScenario(20_000) });
  const messages = 1_000_000;
  // the machine is shared: best of two runs, both reported
  const runs: number[] = [];
  let r: Awaited<ReturnType<typeof runTrafficThroughPolicy>> | undefined;
  let ms = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const ri = await runTrafficThroughPolicy({ policy: fixturePolicy('bench-routing.lua'), scenario: benchScenario(messages) });
    const wall = performance.now() - t0;
    runs.push(Math.round(wall));
    if (wall < ms) {
      ms = wall;
      r = ri;
    }
  }
  if (!r) throw new Error('no run');
  const t = r.totals;
  if (t.sent + t.bounced + t.expired + t.stranded + t.in_queue !== messages) throw new Error(`counts do not add up: ${JSON.stringify(t)}`);
  return {
    'sim.pool_cli.picks': pv.sequence,
    'sim.pool_cli.wall_ms (target <= 200, best of 5)': Number(pv.ms.toFixed(1)),
    'sim.pool_cli.wall_ms_runs': pvRuns.map((x) => x.toFixed(0)).join(','),
    'sim.pool_cli.share_ip-2': Number(pv.shares['ip-2'].toFixed(5)),
    'sim.traffic_policy.messages': messages,
    'sim.traffic_policy.queues': r.queues.length,
    'sim.traffic_policy.paths': r.paths.length,
    'sim.traffic_policy.wall_ms (best of 2)': Math.round(ms),
    'sim.traffic_policy.wall_ms_runs': runs.join(','),
    'sim.traffic_policy.resolve_ms': r.wall_ms.resolve,
    'sim.traffic_policy.simulate_ms': r.wall_ms.simulate,
    'sim.traffic_policy.messages_per_s (target >= 250000)': Math.round((messages / ms) * 1000),
    'sim.traffic_policy.get_queue_config_calls': t.queue_config_calls,
    'sim.load_average_1m': Number(loadavg()[0].toFixed(2)),
    'sim.cpus': cpus().length,
    'sim.traffic_policy.sent': t.sent,
    'sim.traffic_policy.deferred': t.deferred,
    'sim.traffic_policy.bounced': t.bounced,
    'sim.traffic_policy.expired': t.expired,
    'sim.traffic_policy.in_queue': t.in_queue,
    'sim.traffic_policy.stranded (SkipList same-second)': t.stranded,
    'sim.traffic_policy.queue_throttle_delays': t.throttle_delays,
  };
}

if (require.main === module) {
  run().then(
    (figures) => {
      for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(56)} ${v}\n`);
    },
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
