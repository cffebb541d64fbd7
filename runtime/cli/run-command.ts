import { resolve, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';
import { PolicyEngine } from '../vm/engine';
import { LuaError, positionInMessage, withFullPaths } from '../vm/errors';
import { ScriptExit } from '../vm/host';
import { jsonlFunctions } from '../tailer-lua/jsonl';
import { TailSession } from '../tailer-lua/session';

const USAGE = 'usage: kumo-policy run SCRIPT [--timeout SECONDS] [--policy-extras DIR] [--path TEMPLATE]... [--dns ZONEFILE|JSON] [-- ARGS...]\n';

/**
 * `kumo-policy run SCRIPT [-- ARGS...]`: loads SCRIPT and calls its `main` handler with ARGS (strings), as
 * `kumod --script` does. Exit 0 when main returns, 1 with the error and its location when it fails,
 * 2 on usage errors.
 */
export async function runRunCommand(argv: string[], io: CliIo): Promise<number> {
  let script: string;
  let timeoutMs: number;
  let scriptArgs: string[];
  let extras: string | undefined;
  let paths: string[];
  let dns: string | undefined;
  try {
    const args = parseArgs(argv);
    rejectUnknownOptions(args, ['timeout', 'policy-extras', 'path', 'dns']);
    if (args.positional.length < 1) throw new UsageError('SCRIPT is required');
    script = resolve(args.positional[0]);
    scriptArgs = [...args.positional.slice(1), ...args.passthrough];
    const t = option(args, 'timeout');
    timeoutMs = t === undefined ? 10_000 : Number(t) * 1000;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new UsageError(`--timeout must be a number of seconds (got '${t}')`);
    extras = option(args, 'policy-extras');
    paths = args.options.get('path') ?? [];
    dns = option(args, 'dns');
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kumo-policy run: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (!existsSync(script)) {
    io.err(`kumo-policy run: ${script}: no such file\n`);
    return 2;
  }
  // The script's jsonl tailers and writers belong to this run: closed when it ends, so a writer's open
  // segment is finished (zstd frame ended, file marked read-only) as kumod does when the writer is dropped.
  const session = new TailSession();
  let engine: PolicyEngine;
  try {
    const log = (level: string, message: string) => io.err(`${level.toUpperCase()} ${message}\n`);
    engine = new PolicyEngine({
      functions: jsonlFunctions(() => ({ host: engine.host, log, session })),
      policyDir: dirname(script),
      timeoutMs,
      policyExtrasDir: extras,
      packagePath: paths,
      dnsSettingsFile: dns,
      output: (text) => io.out(text),
      log,
    });
  } catch (e) {
    io.err(`kumo-policy run: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  try {
    await engine.runScript(script, scriptArgs);
    return 0;
  } catch (e) {
    if (e instanceof LuaError && e.value instanceof ScriptExit) return e.value.code;
    if (e instanceof LuaError) {
      const where = e.location && !positionInMessage(e.message) ? `${e.location.file}:${e.location.line}: ` : '';
      io.err(`kumo-policy run: ${where}${withFullPaths(e.traceback, engine.host.names)}\n`);
      return 1;
    }
    io.err(`kumo-policy run: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    session.closeTailers();
    await session.closeWriters();
  }
}
