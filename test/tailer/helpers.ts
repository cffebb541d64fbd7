/** Shared helpers of the tailer-binding tests: temp dirs, segments, an in-process script runner, the CLI. */
import { mkdtempSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { PolicyEngine } from '../../runtime/vm/engine';
import { jsonlFunctions } from '../../runtime/tailer-lua/jsonl';
import { TailSession } from '../../runtime/tailer-lua/session';
import { SegmentReader } from '../../runtime/engines/tailer/segment-reader';
import { repoRoot } from '../support/paths';

export function tempDir(prefix = 'kumo-tail-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}


export interface RunResult {
  out: string;
  logs: string[];
  error?: Error;
  session: TailSession;
}

/** Runs a script's main in-process with the kumo.jsonl binding (and script fallbacks). */
export async function runScript(source: string, args: string[], opts: { exitWhenCaughtUp?: boolean; dir?: string; packagePath?: string[] } = {}): Promise<RunResult> {
  const dir = opts.dir ?? tempDir('kumo-script-');
  const path = join(dir, 'script.lua');
  writeFileSync(path, source);
  const session = new TailSession({ exitWhenCaughtUp: opts.exitWhenCaughtUp ?? true });
  const out: string[] = [];
  const logs: string[] = [];
  const log = (level: string, m: string) => logs.push(`${level}: ${m}`);
  let engine: PolicyEngine | undefined;
  engine = new PolicyEngine({
    policyDir: dir,
    output: (t) => out.push(t),
    log,
    packagePath: opts.packagePath,
    functions: jsonlFunctions(() => ({ host: engine!.host, log, session })),
  });
  let error: Error | undefined;
  try {
    await engine.runScript(path, args);
  } catch (e) {
    error = e as Error;
  } finally {
    session.closeTailers();
    await session.closeWriters();
  }
  return { out: out.join(''), logs, error, session };
}

/** Every record of the segments in `dir` (name order), parsed. */
export function readAllRecords(dir: string, pattern = /^\d{8}-\d{6}/): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const name of readdirSync(dir).filter((n) => pattern.test(n)).sort()) {
    const r = new SegmentReader(join(dir, name));
    try {
      for (let line = r.nextLine(); line != null; line = r.nextLine()) if (line.trim()) out.push(JSON.parse(line));
    } finally {
      r.close();
    }
  }
  return out;
}

export function isReadOnly(path: string): boolean {
  return (statSync(path).mode & 0o222) === 0;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `kumo-policy ARGS...`; `done` resolves when it exits. */
export function startCli(args: string[], opts: { cwd?: string } = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const root = repoRoot();
  const child = spawn(process.execPath, [join(root, 'bin', 'kumo-policy.js'), ...args], { cwd: opts.cwd ?? root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliRun>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], opts: { cwd?: string } = {}): Promise<CliRun> {
  return startCli(args, opts).done;
}

export const samplePath = (...p: string[]) => resolve(repoRoot(), 'samples', ...p);

/** The KumoMTA docs' multi-tailer example (directory /var/log/kumomta), kept once as a fixture. */
export function readSeedExample(): string {
  return readFileSync(resolve(repoRoot(), 'test', 'fixtures', 'scripts', 'seed-multi-tailer.lua'), 'utf8');
}
