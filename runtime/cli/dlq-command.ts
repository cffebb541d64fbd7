import { resolve } from 'node:path';
import { DeadLetterQueue, DlqAbortError, DlqBusyError, ReplayHandler } from '../engines/dlq/index';
import { parseDurationMs } from '../engines/tailer/duration';
import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';

const USAGE = `usage:
  kumo-policy dlq list DIR [--format text|json]
  kumo-policy dlq replay DIR (--handler FILE | --webhook URL) [--max-attempts N] [--initial-wait 1s] [--until-empty] [--no-wait]
  kumo-policy dlq purge DIR [--retry] [--permanent]

replay re-runs every dead-lettered record through the handler: a JS module exporting handle(payload, envelope)
(or a default function), or --webhook, which POSTs each payload as JSON and fails on a non-2xx status.
Failures come back with a longer backoff (min(initial*2^attempt, 30s) + up to 10% jitter); records reaching
--max-attempts (default 5) go to the permanent log. Ctrl-C stops after the current record; the next replay resumes there.
purge removes both the retry and the permanent logs unless --retry or --permanent narrows it.
`;

/**
 * Ways to turn `--handler SPEC` into a replay handler. The Lua layer registers one for `.lua` scripts;
 * the built-in one loads JS modules.
 */
export type ReplayHandlerResolver = (spec: string) => Promise<ReplayHandler | undefined> | ReplayHandler | undefined;
const resolvers: ReplayHandlerResolver[] = [];

/** Hook for other layers (e.g. a Lua handler: `--handler replay.lua`). Later registrations are tried first. */
export function registerReplayHandlerResolver(resolver: ReplayHandlerResolver): void {
  resolvers.unshift(resolver);
}

async function resolveHandler(spec: string): Promise<ReplayHandler> {
  for (const r of resolvers) {
    const h = await r(spec);
    if (h) return h;
  }
  if (/\.lua$/i.test(spec)) throw new UsageError(`no Lua replay handler is available yet for ${spec}; use a JS module or --webhook`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(resolve(spec)) as { handle?: unknown; default?: unknown };
  const fn = typeof mod === 'function' ? mod : typeof mod.handle === 'function' ? mod.handle : mod.default;
  if (typeof fn !== 'function') throw new UsageError(`${spec} exports neither handle(payload, envelope) nor a default function`);
  return fn as ReplayHandler;
}

function webhookHandler(url: string): ReplayHandler {
  return async (payload) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}: ${(await res.text()).slice(0, 200)}`);
  };
}

/** `kumo-policy dlq list|replay|purge DIR ...` */
export async function runDlqCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (sub !== 'list' && sub !== 'replay' && sub !== 'purge') throw new UsageError(sub ? `unknown subcommand '${sub}'` : 'a subcommand is required');
    const args = parseArgs(rest, new Set(['until-empty', 'no-wait', 'retry', 'permanent']));
    if (args.positional.length !== 1) throw new UsageError('exactly one DIR');
    const dir = args.positional[0];
    // Segments written by samples/lua/dead_letter.lua (kumo.jsonl) join the logs; `--handler FILE.lua` works.
    await import('../tailer-lua/dlq-bridge').then((m) => m.prepareDlqDirectory(dir, io, registerReplayHandlerResolver));
    if (sub === 'list') {
      rejectUnknownOptions(args, ['format']);
      const format = option(args, 'format', ['text', 'json']) ?? 'text';
      const l = new DeadLetterQueue(dir).list();
      if (format === 'json') io.out(JSON.stringify(l, null, 2) + '\n');
      else {
        io.out(`dead-letter queue ${dir}: ${l.totals.pending} to replay (${l.totals.retryRecords} in retry logs), ${l.totals.permanentRecords} permanently failed\n`);
        for (const r of l.retry) {
          const attempts = Object.entries(r.attempts).map(([a, n]) => `${n}×attempt ${a}`).join(', ');
          io.out(`  ${r.segment}  ${r.records} records, ${r.pending} pending, ${r.bytes} bytes${attempts ? ` (${attempts})` : ''}${r.oldestTs ? `, oldest ${new Date(r.oldestTs * 1000).toISOString()}` : ''}\n`);
        }
        for (const p of l.permanent) io.out(`  ${p.segment}  ${p.records} permanently failed\n`);
        if (l.replayState) io.out(`  an interrupted replay resumes at ${l.replayState.segment} line ${l.replayState.line + 1}\n`);
      }
      return 0;
    }
    if (sub === 'purge') {
      rejectUnknownOptions(args, ['retry', 'permanent']);
      const retry = option(args, 'retry') === 'true';
      const permanent = option(args, 'permanent') === 'true';
      const res = new DeadLetterQueue(dir).purge(retry || permanent ? { retry, permanent } : { retry: true, permanent: true });
      io.out(`purged ${res.retryRecords} retry records and ${res.permanentRecords} permanent failures (${res.files} files)\n`);
      return 0;
    }
    rejectUnknownOptions(args, ['handler', 'webhook', 'max-attempts', 'initial-wait', 'until-empty', 'no-wait']);
    const handlerSpec = option(args, 'handler');
    const webhook = option(args, 'webhook');
    if (!handlerSpec === !webhook) throw new UsageError('replay needs exactly one of --handler FILE or --webhook URL');
    const handler = webhook ? webhookHandler(webhook) : await resolveHandler(handlerSpec!);
    const maxText = option(args, 'max-attempts');
    const maxAttempts = maxText === undefined ? undefined : Number(maxText);
    if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 0)) throw new UsageError('--max-attempts must be a non-negative integer');
    const wait = option(args, 'initial-wait');
    const q = new DeadLetterQueue(dir, { maxAttempts, initialWaitMs: wait === undefined ? undefined : parseDurationMs(wait, '--initial-wait') });
    const ac = new AbortController();
    const onSigint = () => {
      io.err('stopping after the current record…\n');
      ac.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const res = await q.replay(handler, {
        signal: ac.signal,
        untilEmpty: option(args, 'until-empty') === 'true',
        waitForDue: option(args, 'no-wait') !== 'true',
      });
      if (res.resumedAt) io.err(`resumed an interrupted replay at ${res.resumedAt.segment} line ${res.resumedAt.line + 1}\n`);
      io.out(`replayed: ${res.delivered} delivered, ${res.failed} failed again (kept for retry), ${res.permanent} moved to the permanent log, ${res.malformed} unreadable, ${res.deferred} not yet due\n`);
      return res.failed + res.permanent + res.malformed > 0 ? 1 : 0;
    } catch (e) {
      if (e instanceof DlqAbortError) {
        const r = e.result;
        io.err(`replay interrupted after ${r.delivered} delivered, ${r.failed} failed, ${r.permanent} permanent; the next replay resumes at the next record\n`);
        return 1;
      }
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof RangeError) {
      io.err(`kumo-policy dlq: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof DlqBusyError) {
      io.err(`kumo-policy dlq: ${e.message}\n`);
      return 1;
    }
    io.err(`kumo-policy dlq: ${(e as Error).message}\n`);
    return 1;
  }
}
