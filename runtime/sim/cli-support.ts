/** What the simulator's CLI commands share: session options from the command line, error reporting. */
import type { ParsedArgs } from '../cli/args';
import { option, UsageError } from '../cli/args';
import type { CliIo } from '../cli/io';
import { LuaError } from '../vm/errors';
import { luaErrorText, type SessionOptions } from './policy-session';

export function sessionOptions(args: ParsedArgs, io: CliIo): SessionOptions {
  const t = option(args, 'timeout');
  const timeoutMs = t === undefined ? 10_000 : Number(t) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new UsageError(`--timeout must be a number of seconds (got '${t}')`);
  return {
    timeoutMs,
    policyExtrasDir: option(args, 'policy-extras'),
    packagePath: args.options.get('path') ?? [],
    // print() and kumo.log_* of the policy go to stderr, so stdout stays the result
    output: (text) => io.err(text),
    log: (level, message) => io.err(`${level.toUpperCase()} ${message}\n`),
  };
}

/** Prints a failure (a Lua error with file:line and traceback) to stderr; returns exit status 1. */
export function reportSimError(command: string, e: unknown, io: CliIo): number {
  if (e instanceof LuaError) {
    io.err(`kumo-policy ${command}: ${luaErrorText(e)}\n${e.traceback.split('\n').slice(1).join('\n')}\n`);
    return 1;
  }
  io.err(`kumo-policy ${command}: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}
