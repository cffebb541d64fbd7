/** Minimal argument parsing shared by the subcommands: `--flag value`, `--flag=value`, repeatable flags, `--` passthrough. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
  passthrough: string[];
}

export class UsageError extends Error {}

/** `booleans` are flags that take no value. */
export function parseArgs(argv: string[], booleans: ReadonlySet<string> = new Set()): ParsedArgs {
  const out: ParsedArgs = { positional: [], options: new Map(), passthrough: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.passthrough = argv.slice(i + 1);
      break;
    }
    if (a === '--help' || a === '-h') {
      // Every command answers a usage error with its usage text; asking for help is that, said politely.
      throw new UsageError('usage follows');
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      let value: string;
      if (eq > 0) value = a.slice(eq + 1);
      else if (booleans.has(name)) value = 'true';
      else {
        if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value`);
        value = argv[++i];
      }
      const list = out.options.get(name) ?? [];
      list.push(value);
      out.options.set(name, list);
    } else out.positional.push(a);
  }
  return out;
}

/** The last value of an option, checked against `allowed` when given. */
export function option(args: ParsedArgs, name: string, allowed?: readonly string[]): string | undefined {
  const v = args.options.get(name)?.at(-1);
  if (v !== undefined && allowed && !allowed.includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got '${v}')`);
  }
  return v;
}

/** Rejects options the command does not know, so typos do not pass silently. */
export function rejectUnknownOptions(args: ParsedArgs, known: readonly string[]): void {
  for (const name of args.options.keys()) {
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
  }
}
