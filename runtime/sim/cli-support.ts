/** What the simulator's CLI commands share: session options from the command line, error reporting. */
import { readFileSync } from 'node:fs';
import type { ParsedArgs } from '../cli/args';
import { mxZoneText, readDnsSettings } from './sim-dns';
import { option, UsageError } from '../cli/args';
import type { CliIo } from '../cli/io';
import { LuaError } from '../vm/errors';
import { luaErrorText, type SessionOptions } from './policy-session';

/** `--dns FILE` (zone file, or JSON as configure_test_resolver takes) and `--mx domain=host1,host2`. */
function dnsOptions(args: ParsedArgs): { dnsZones: unknown[]; servfail: string[] } {
  const zones: unknown[] = [];
  const servfail: string[] = [];
  for (const file of args.options.get('dns') ?? []) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--dns ${file}: ${(e as Error).message}`);
    }
    try {
      const d = readDnsSettings(text);
      zones.push(...d.zones);
      servfail.push(...d.servfail);
    } catch (e) {
      throw new UsageError(`--dns ${file}: ${(e as Error).message}`);
    }
  }
  for (const spec of args.options.get('mx') ?? []) {
    const eq = spec.indexOf('=');
    const hosts = eq > 0 ? spec.slice(eq + 1).split(',').map((h) => h.trim()).filter(Boolean) : [];
    if (eq <= 0 || hosts.length === 0) throw new UsageError(`--mx takes domain=host1,host2 (got '${spec}')`);
    zones.push(mxZoneText(spec.slice(0, eq), hosts));
  }
  return { dnsZones: zones, servfail };
}

/** Options every simulator command takes besides its own. */
export const SESSION_OPTIONS = ['timeout', 'policy-extras', 'path', 'dns', 'mx'];

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
    ...dnsOptions(args),
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
