import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';
import { routeMessage } from '../sim/route-message';
import { parseHeaderOption } from '../sim/sim-message';
import { formatSimulateText } from '../sim/route-text';
import { reportSimError, sessionOptions, SESSION_OPTIONS } from '../sim/cli-support';

const USAGE = "usage: kumo-policy simulate POLICY --sender S --recipient R [--meta k=v]... [--header 'Name: value']... [--conn-meta k=v]... [--format text|json] [--dns FILE] [--mx domain=host1,host2]... [--timeout SECONDS] [--policy-extras DIR]\n";

/**
 * `kumo-policy simulate POLICY --sender S --recipient R`: runs the policy's reception event on a message
 * and prints its queue, queue config, pool, first source, site name, egress path config, throttles and
 * the trace of every event. Exit 0, 1 on a Lua error (file:line shown), 2 on usage errors.
 */
export async function runSimulateCommand(argv: string[], io: CliIo): Promise<number> {
  let policy: string;
  let sender: string;
  let recipient: string;
  let format: string;
  const meta: Record<string, string> = {};
  const connMeta: Record<string, string> = {};
  const headers: Array<[string, string]> = [];
  let sess: ReturnType<typeof sessionOptions>;
  try {
    const args = parseArgs(argv);
    rejectUnknownOptions(args, ['sender', 'recipient', 'meta', 'header', 'conn-meta', 'format', ...SESSION_OPTIONS]);
    if (args.positional.length !== 1) throw new UsageError('POLICY is required (one file)');
    policy = resolve(args.positional[0]);
    const s = option(args, 'sender');
    const r = option(args, 'recipient');
    if (!s) throw new UsageError('--sender is required');
    if (!r) throw new UsageError('--recipient is required');
    if (!r.includes('@')) throw new UsageError(`--recipient must be an address (got '${r}')`);
    sender = s;
    recipient = r;
    format = option(args, 'format', ['text', 'json']) ?? 'text';
    sess = sessionOptions(args, io);
    for (const kv of args.options.get('meta') ?? []) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--meta takes key=value (got '${kv}')`);
      meta[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    for (const kv of args.options.get('conn-meta') ?? []) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--conn-meta takes key=value (got '${kv}')`);
      connMeta[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    for (const h of args.options.get('header') ?? []) {
      try {
        headers.push(parseHeaderOption(h));
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kumo-policy simulate: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (!existsSync(policy)) {
    io.err(`kumo-policy simulate: ${policy}: no such file\n`);
    return 2;
  }
  try {
    const result = await routeMessage({ policy, sender, recipient, meta, headers, connMeta, session: sess });
    io.out(format === 'json' ? JSON.stringify(result, null, 2) + '\n' : formatSimulateText(result));
    return 0;
  } catch (e) {
    return reportSimError('simulate', e, io);
  }
}
