import { readdirSync, readFileSync, statSync } from 'node:fs';
import { generateSegments, runWriter } from '../engines/tailer/generator';
import { parseDurationMs } from '../engines/tailer/duration';
import { isSegmentDone } from '../engines/tailer/segments';
import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';

const USAGE = `usage:
  kumo-policy segments generate DIR [--records N] [--segments K] [--seed S] [--suffix SFX] [--start UNIX_SECONDS] [--leave-open]
  kumo-policy segments generate DIR --writer [--rate PER_SECOND] [--records N] [--duration 30s] [--max-file-size BYTES] [--flush-bytes BYTES]
  kumo-policy segments list DIR

generate writes realistic kumod log segments (zstd JSONL, kumod's record format and file names, finished ones
read-only). --leave-open keeps the last segment writable, as if kumod were still writing it. --writer keeps
appending to an active segment (rolling at --max-file-size, default 1 MiB) until Ctrl-C, --duration or --records.
list shows each file's state (finished = read-only, active = writable) and the checkpoints in DIR.
`;

function int(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer (got '${value}')`);
  return n;
}

/** `kumo-policy segments generate|list DIR ...` */
export async function runSegmentsCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'generate') return await generate(rest, io);
    if (sub === 'list') return list(rest, io);
    if (sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(USAGE);
      return 0;
    }
    throw new UsageError(sub ? `unknown subcommand '${sub}'` : 'a subcommand is required');
  } catch (e) {
    if (e instanceof UsageError || e instanceof RangeError) {
      io.err(`kumo-policy segments: ${e.message}\n${USAGE}`);
      return 2;
    }
    io.err(`kumo-policy segments: ${(e as Error).message}\n`);
    return 1;
  }
}

async function generate(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, new Set(['writer', 'leave-open']));
  rejectUnknownOptions(args, ['records', 'segments', 'seed', 'suffix', 'start', 'leave-open', 'writer', 'rate', 'duration', 'max-file-size', 'flush-bytes']);
  if (args.positional.length !== 1) throw new UsageError('exactly one DIR');
  const dir = args.positional[0];
  const seed = int(option(args, 'seed'), 'seed', 42);
  if (option(args, 'writer') === 'true') {
    const durationText = option(args, 'duration');
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    const timer = durationText ? setTimeout(() => ac.abort(), parseDurationMs(durationText, '--duration')) : undefined;
    const records = option(args, 'records');
    io.err(`writing to ${dir} (Ctrl-C to stop)\n`);
    try {
      const res = await runWriter({
        directory: dir,
        rate: int(option(args, 'rate'), 'rate', 200),
        records: records === undefined ? undefined : int(records, 'records', 0),
        maxFileSize: int(option(args, 'max-file-size'), 'max-file-size', 1024 * 1024),
        flushBytes: int(option(args, 'flush-bytes'), 'flush-bytes', 16 * 1024),
        seed,
        signal: ac.signal,
        onSegmentFinished: (p) => io.err(`finished ${p}\n`),
      });
      io.out(`${res.records} records written, ${res.finished.length} segments finished (read-only)\n`);
    } finally {
      if (timer) clearTimeout(timer);
      process.removeListener('SIGINT', onSigint);
    }
    return 0;
  }
  const start = option(args, 'start');
  const res = await generateSegments({
    directory: dir,
    records: int(option(args, 'records'), 'records', 10_000),
    segments: Math.max(1, int(option(args, 'segments'), 'segments', 1)),
    seed,
    suffix: option(args, 'suffix'),
    startTime: start === undefined ? undefined : int(start, 'start', 0),
    leaveLastWritable: option(args, 'leave-open') === 'true',
  });
  for (const f of res.files) io.out(`${f}\n`);
  io.err(`${res.records} records in ${res.files.length} segments, ${res.uncompressedBytes} bytes uncompressed, ${res.compressedBytes} compressed\n`);
  return 0;
}

function list(argv: string[], io: CliIo): number {
  const args = parseArgs(argv);
  rejectUnknownOptions(args, []);
  if (args.positional.length !== 1) throw new UsageError('exactly one DIR');
  const dir = args.positional[0];
  const names = readdirSync(dir).sort();
  for (const n of names) {
    const path = dir.endsWith('/') ? dir + n : dir + '/' + n;
    const st = statSync(path);
    if (!st.isFile()) continue;
    if (n.startsWith('.')) {
      let text = readFileSync(path, 'utf8');
      if (text.length > 200) text = text.slice(0, 200) + '…';
      io.out(`checkpoint ${n.slice(1).padEnd(24)} ${text}\n`);
    } else io.out(`${isSegmentDone(path) ? 'finished' : 'active  '}   ${n.padEnd(32)} ${st.size} bytes\n`);
  }
  return 0;
}
