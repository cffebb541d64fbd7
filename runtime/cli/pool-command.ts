import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';
import { previewPoolThroughPolicy } from '../sim/pool-preview';
import { formatPoolText } from '../sim/pool-text';
import { reportSimError, sessionOptions, SESSION_OPTIONS } from '../sim/cli-support';
import { parseThrottle } from '../values';

const USAGE = 'usage: kumo-policy pool POLICY POOL [--picks N] [--domain D] [--rate N/h] [--delivery-ms MS] [--format text|json] [--dns FILE] [--mx domain=host1,host2]... [--timeout SECONDS] [--policy-extras DIR]\n';

/**
 * `kumo-policy pool POLICY POOL`: the exact sequence of sources kumod's weighted round robin picks for
 * POOL, the share of each over N picks, and how the egress path configs (for --domain) cap each source.
 */
export async function runPoolCommand(argv: string[], io: CliIo): Promise<number> {
  let policy: string;
  let pool: string;
  let picks: number;
  let format: string;
  let domain: string | undefined;
  let offered: number | null = null;
  let deliveryMs: number | undefined;
  let sess: ReturnType<typeof sessionOptions>;
  try {
    const args = parseArgs(argv);
    rejectUnknownOptions(args, ['picks', 'domain', 'rate', 'delivery-ms', 'format', ...SESSION_OPTIONS]);
    if (args.positional.length !== 2) throw new UsageError('POLICY and POOL are required');
    policy = resolve(args.positional[0]);
    pool = args.positional[1];
    const p = option(args, 'picks') ?? '100';
    picks = Number(p);
    if (!Number.isInteger(picks) || picks < 1 || picks > 10_000_000) throw new UsageError(`--picks must be an integer from 1 to 10,000,000 (got '${p}')`);
    domain = option(args, 'domain');
    const rate = option(args, 'rate');
    if (rate !== undefined) {
      const r = parseThrottle(rate);
      if (!r.ok) throw new UsageError(`--rate: ${r.error.message} (a rate such as 1000/h)`);
      offered = (r.value.limit / r.value.period) * 3600;
    }
    const d = option(args, 'delivery-ms');
    if (d !== undefined) {
      deliveryMs = Number(d);
      if (!(deliveryMs > 0)) throw new UsageError(`--delivery-ms must be a positive number (got '${d}')`);
    }
    format = option(args, 'format', ['text', 'json']) ?? 'text';
    sess = sessionOptions(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kumo-policy pool: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (!existsSync(policy)) {
    io.err(`kumo-policy pool: ${policy}: no such file\n`);
    return 2;
  }
  try {
    const result = await previewPoolThroughPolicy({ policy, pool, picks, domain, offeredPerHour: offered, deliveryMs, session: sess });
    io.out(format === 'json' ? JSON.stringify(result) + '\n' : formatPoolText(result));
    return 0;
  } catch (e) {
    return reportSimError('pool', e, io);
  }
}
