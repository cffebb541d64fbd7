import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';
import { WebhookReceiver } from '../tailer-lua/receiver';

const USAGE = `usage: kumo-policy receiver [--port N] [--fail-rate R] [--status 429,503] [--slow-ms M] [--slow-rate R] [--seed S] [--quiet]

A local HTTP receiver for trying webhook scripts (kumo.http) on one machine. It listens on 127.0.0.1 only
(--port 0 or no --port: a free port, printed), accepts POST/PUT on any path, and counts requests and records
(a JSON array body counts its elements) per path, e.g. one path per customer.
  --fail-rate R   answer a fraction R (0..1) of requests with a failure status instead of 200
  --status LIST   failure statuses to pick from (comma-separated or repeated), default 429,503
  --slow-ms M     wait M ms before answering (a fraction --slow-rate of requests, default all)
GET /_stats gives the counts as JSON, GET /_received the accepted records' ids per path.
Ctrl-C prints the totals and exits.
`;

/** `kumo-policy receiver --port N [--fail-rate R] [--status 429|503|...] [--slow-ms M]` */
export async function runReceiverCommand(argv: string[], io: CliIo): Promise<number> {
  let receiver: WebhookReceiver;
  let quiet: boolean;
  try {
    const args = parseArgs(argv, new Set(['quiet', 'help']));
    if (args.options.has('help')) {
      io.out(USAGE);
      return 0;
    }
    rejectUnknownOptions(args, ['port', 'fail-rate', 'status', 'slow-ms', 'slow-rate', 'seed', 'quiet']);
    if (args.positional.length) throw new UsageError(`unexpected argument '${args.positional[0]}'`);
    const num = (name: string, min: number, max: number, integer = false): number | undefined => {
      const v = option(args, name);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got '${v}')`);
      return n;
    };
    const statuses = (args.options.get('status') ?? []).flatMap((s) => s.split(',')).filter(Boolean).map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 400 || n > 599) throw new UsageError(`--status takes HTTP error statuses (400-599), got '${s}'`);
      return n;
    });
    quiet = option(args, 'quiet') === 'true';
    receiver = new WebhookReceiver({
      port: num('port', 0, 65535, true),
      failRate: num('fail-rate', 0, 1),
      statuses,
      slowMs: num('slow-ms', 0, 600_000),
      slowRate: num('slow-rate', 0, 1),
      seed: num('seed', 0, 2 ** 32 - 1, true),
      onRequest: (r) => {
        if (!quiet) io.err(`${r.method} ${r.path} -> ${r.status} (${r.records} records, ${r.ms} ms)\n`);
      },
    });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kumo-policy receiver: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  try {
    const url = await receiver.listen();
    io.out(`listening on ${url}\n`);
  } catch (e) {
    io.err(`kumo-policy receiver: cannot listen: ${(e as Error).message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const done = () => {
      process.removeListener('SIGINT', done);
      process.removeListener('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
  await receiver.close();
  const s = receiver.stats;
  io.out(`received ${s.requests} requests: ${s.accepted} accepted (${s.records} records), ${s.failed} failed on purpose (${s.rejectedRecords} records)\n`);
  for (const [path, p] of Object.entries(s.byPath)) io.out(`  ${path}: ${p.accepted}/${p.requests} accepted, ${p.records} records\n`);
  return 0;
}
