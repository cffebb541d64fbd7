/**
 * Child process of bench/vm.ts: the first engine of a fresh process loads a policy and runs its `init`,
 * as `kumo-policy simulate` does when the editor starts it. Prints {"ms": wall, "cpu": CPU ms} as JSON.
 * The chunk and code caches are whatever KUMO_POLICY_CACHE_DIR points at (the parent empties or fills it).
 */
import { PolicyEngine } from '../../runtime/vm/engine';

async function main(): Promise<void> {
  const policy = process.env.KUMO_BENCH_POLICY ?? process.argv[2];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const engine = await PolicyEngine.load(policy, { output: () => {}, log: () => {} });
  await engine.fireEvent('init');
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ ms, cpu: (c.user + c.system) / 1000 }) + '\n');
}

void main();
