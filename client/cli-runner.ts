/**
 * Runs the `kumo-policy` CLI (dist/cli.js) in a child process so the extension host thread only waits.
 * Pure Node (no vscode): cancellable through an AbortSignal, streams stdout/stderr to callbacks.
 */
import { spawn } from 'node:child_process';

export interface CliRunOptions {
  /** Node executable; in VS Code's extension host this is process.execPath with ELECTRON_RUN_AS_NODE=1. */
  nodePath: string;
  cliPath: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  /** Grace period between SIGINT (the CLI commits and stops) and SIGKILL on cancellation. */
  killGraceMs?: number;
}

export interface CliRunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  cancelled: boolean;
  durationMs: number;
}

export function runCli(options: CliRunOptions): Promise<CliRunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ code: null, signal: null, stdout: '', stderr: '', cancelled: true, durationMs: 0 });
      return;
    }
    const child = spawn(options.nodePath, [options.cliPath, ...options.args], {
      cwd: options.cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => { stdout += d; options.onStdout?.(d); });
    child.stderr.on('data', (d: string) => { stderr += d; options.onStderr?.(d); });
    const onAbort = () => {
      cancelled = true;
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 3000);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal, stdout, stderr, cancelled, durationMs: Date.now() - started });
    });
  });
}

/** The subcommand names listed by `kumo-policy --help` ("commands:" then two-space-indented names). */
export function parseCliCommands(helpText: string): Set<string> {
  const names = new Set<string>();
  let inCommands = false;
  for (const line of helpText.split('\n')) {
    if (/^commands:/.test(line)) { inCommands = true; continue; }
    if (!inCommands) continue;
    const m = /^\s{2}([a-z][a-z0-9-]*)\b/.exec(line);
    if (m) names.add(m[1]);
    else if (line.trim() && !/^\s/.test(line)) inCommands = false;
  }
  return names;
}

/** The JSON document a `--format json` run printed: the whole stdout, or else its last top-level `{...}`/`[...]`. */
export function parseJsonOutput(stdout: string): unknown {
  const text = stdout.trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Some commands stream lines before the result; take the last line-starting JSON block that parses.
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      if (!/^[[{]/.test(lines[i])) continue;
      try {
        return JSON.parse(lines.slice(i).join('\n'));
      } catch { /* keep looking */ }
    }
    return undefined;
  }
}
