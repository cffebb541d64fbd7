import { resolve, dirname } from 'node:path';
import { existsSync, writeSync } from 'node:fs';
import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';
import { PolicyEngine } from '../vm/engine';
import { LuaError, positionInMessage, withFullPaths } from '../vm/errors';
import { jsonlFunctions } from '../tailer-lua/jsonl';
import { TailSession } from '../tailer-lua/session';
import { formatProgress, formatSummary } from '../tailer-lua/progress';

const USAGE = `usage: kumo-policy tail SCRIPT [--exit-when-caught-up] [--timeout SECONDS] [--progress SECONDS]
                        [--policy-extras DIR] [--path TEMPLATE]... [-- ARGS...]

Runs a tailer script as kumod --script would: loads SCRIPT and calls its main handler with ARGS. The script's
kumo.jsonl.new_tailer / new_multi_tailer / new_writer work on real segment directories; print() output is
streamed to stdout, progress (records, batches, segments, commits per consumer) goes to stderr every
--progress seconds (default 2; 0 = only the final summary).
  --exit-when-caught-up  every tailer ends its batches() loop once all finished segments are consumed and no
                         writable segment remains (batch jobs, tests, benchmarks)
  --timeout SECONDS      stop cleanly after this long (exit status 124), as Ctrl-C would
Ctrl-C or SIGTERM stops cleanly (exit status 130 or 143): pending batches() calls return nil, so the script leaves
its loop; only batch:commit() moves a checkpoint, so nothing committed is lost. A second Ctrl-C cancels the script.
`;

/** Writes to a file descriptor synchronously, so what the script printed is out before anything else happens. */
function writeAllSync(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

/** `kumo-policy tail SCRIPT [--exit-when-caught-up] [--timeout S] [-- ARGS...]` */
export async function runTailCommand(argv: string[], io: CliIo, opts: { syncStdio?: boolean } = {}): Promise<number> {
  let script: string;
  let scriptArgs: string[];
  let timeoutMs: number | undefined;
  let progressMs: number;
  let exitWhenCaughtUp: boolean;
  let extras: string | undefined;
  let paths: string[];
  try {
    const args = parseArgs(argv, new Set(['exit-when-caught-up', 'help']));
    if (args.options.has('help')) {
      io.out(USAGE);
      return 0;
    }
    rejectUnknownOptions(args, ['exit-when-caught-up', 'timeout', 'progress', 'policy-extras', 'path']);
    if (args.positional.length < 1) throw new UsageError('SCRIPT is required');
    script = resolve(args.positional[0]);
    scriptArgs = [...args.positional.slice(1), ...args.passthrough];
    exitWhenCaughtUp = option(args, 'exit-when-caught-up') === 'true';
    const t = option(args, 'timeout');
    if (t !== undefined) {
      timeoutMs = Number(t) * 1000;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of seconds (got '${t}')`);
    }
    const p = option(args, 'progress') ?? '2';
    progressMs = Number(p) * 1000;
    if (!Number.isFinite(progressMs) || progressMs < 0) throw new UsageError(`--progress must be a number of seconds (got '${p}')`);
    extras = option(args, 'policy-extras');
    // package.path templates given on the command line are relative to the current directory.
    paths = (args.options.get('path') ?? []).map((p) => resolve(p));
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kumo-policy tail: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (!existsSync(script)) {
    io.err(`kumo-policy tail: ${script}: no such file\n`);
    return 2;
  }
  // Straight to the file descriptors when running as the CLI: output survives a kill right after a print.
  const sync = opts.syncStdio ?? false;
  const out = sync ? (text: string) => writeAllSync(1, text) : (text: string) => io.out(text);
  const err = sync ? (text: string) => writeAllSync(2, text) : (text: string) => io.err(text);

  const session = new TailSession({ exitWhenCaughtUp });
  const log = (level: string, message: string) => err(`${level.toUpperCase()} ${message}\n`);
  let engine: PolicyEngine | undefined;
  const functions = jsonlFunctions(() => ({ host: engine!.host, log, session }));
  engine = new PolicyEngine({
    policyDir: dirname(script),
    // Long-running loops yield at every batches() call; a filter or handler still may not hog the VM.
    timeoutMs: 60_000,
    policyExtrasDir: extras,
    packagePath: paths,
    output: out,
    log,
    functions,
  });

  let stopReason: 'signal' | 'timeout' | undefined;
  let stopSignal = 'SIGINT';
  let signals = 0;
  const stop = (why: 'signal' | 'timeout', name?: string) => {
    if (why === 'signal') signals++;
    if (stopReason === undefined) {
      stopReason = why;
      if (name) stopSignal = name;
      err(why === 'timeout' ? `kumo-policy tail: --timeout reached; stopping the tailers (checkpoints stay at the last commit)\n`
        : `kumo-policy tail: ${name}: stopping the tailers (checkpoints stay at the last commit); press Ctrl-C again to cancel the script now\n`);
      session.closeTailers();
    } else if (signals >= 2) {
      err(`kumo-policy tail: cancelling the script\n`);
      engine!.cancel('cancelled by a second interrupt');
    }
    if (signals >= 3) process.exit(130);
  };
  const onSigint = () => stop('signal', 'SIGINT');
  const onSigterm = () => stop('signal', 'SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const timer = timeoutMs !== undefined ? setTimeout(() => stop('timeout'), timeoutMs) : undefined;
  const started = Date.now();
  const ticker = progressMs > 0 ? setInterval(() => {
    const line = formatProgress(session, Date.now() - started);
    if (line) err(line + '\n');
  }, progressMs) : undefined;

  let status = 0;
  try {
    // Like kumod --script: the top level runs first (the docs' examples tail right there), then main(ARGS) if any.
    await engine.loadPolicy(script);
    if (engine.hasHandler('main')) await engine.fireEvent('main', scriptArgs);
    else if (scriptArgs.length) err(`kumo-policy tail: note: ${script} registers no 'main' handler, so ARGS were not used\n`);
  } catch (e) {
    status = 1;
    if (e instanceof LuaError) {
      if (!(e.kind === 'cancelled' && stopReason)) {
        const where = e.location && !positionInMessage(e.message) ? `${e.location.file}:${e.location.line}: ` : '';
        err(`kumo-policy tail: ${where}${withFullPaths(e.traceback, engine.host.names)}\n`);
      }
    } else err(`kumo-policy tail: ${e instanceof Error ? e.message : String(e)}\n`);
  } finally {
    if (timer) clearTimeout(timer);
    if (ticker) clearInterval(ticker);
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
    session.closeTailers();
    await session.closeWriters();
    engine.cancel('the script finished'); // stop tasks it spawned, as runScript does
  }
  err(formatSummary(session, Date.now() - started) + '\n');
  if (status === 0 && stopReason === 'timeout') return 124;
  if (status === 0 && stopReason === 'signal') return stopSignal === 'SIGTERM' ? 143 : 130;
  return status;
}
