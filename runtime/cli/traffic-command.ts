import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';
import { readScenario, runTrafficThroughPolicy, ScenarioError } from '../sim/traffic-policy';
import { formatTrafficText } from '../sim/traffic-text';
import { reportSimError, sessionOptions, SESSION_OPTIONS } from '../sim/cli-support';

const USAGE = 'usage: kumo-policy traffic POLICY --scenario FILE [--format text|json] [--dns FILE] [--mx domain=host1,host2]... [--timeout SECONDS] [--policy-extras DIR]\n';

/**
 * `kumo-policy traffic POLICY --scenario FILE`: N messages over a tenant/domain mix and a failure model,
 * routed and delivered in virtual time with the policy's queue, pool and path configs; per queue and per
 * path over time: sent, deferred, bounced, expired, depth, throttle delays, retries.
 */
export async function runTrafficCommand(argv: string[], io: CliIo): Promise<number> {
  let policy: string;
  let scenarioPath: string;
  let format: string;
  let sess: ReturnType<typeof sessionOptions>;
  try {
    const args = parseArgs(argv);
    rejectUnknownOptions(args, ['scenario', 'format', ...SESSION_OPTIONS]);
    if (args.positional.length !== 1) throw new UsageError('POLICY is required (one file)');
    policy = resolve(args.positional[0]);
    const s = option(args, 'scenario');
    if (!s) throw new UsageError('--scenario FILE is required (see samples/scenarios/day.json)');
    scenarioPath = resolve(s);
    format = option(args, 'format', ['text', 'json']) ?? 'text';
    sess = sessionOptions(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kumo-policy traffic: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  for (const f of [policy, scenarioPath]) {
    if (!existsSync(f)) {
      io.err(`kumo-policy traffic: ${f}: no such file\n`);
      return 2;
    }
  }
  try {
    const scenario = readScenario(scenarioPath);
    const result = await runTrafficThroughPolicy({ policy, scenario, scenarioPath, session: sess });
    io.out(format === 'json' ? JSON.stringify(result) + '\n' : formatTrafficText(result));
    return 0;
  } catch (e) {
    if (e instanceof ScenarioError) {
      io.err(`kumo-policy traffic: ${e.message}\n`);
      return 2;
    }
    return reportSimError('traffic', e, io);
  }
}
