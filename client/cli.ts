/**
 * The extension's access to the `kumo-policy` CLI: finds which subcommands exist, runs one in a child process
 * with a cancellable progress notification, streams its output to the KumoMTA output channel, and returns
 * the parsed JSON result. The extension host thread only waits.
 */
import * as vscode from 'vscode';
import { parseCliCommands, parseJsonOutput, runCli, CliRunResult } from './cli-runner';

export interface CliRun {
  result: CliRunResult;
  json: unknown;
}

export class KumoCli {
  private commands: Promise<Set<string>> | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly output: vscode.OutputChannel) {}

  /** bin/kumo-policy.js: the CLI's launcher, which loads the bundle dist/cli.js and calls its main(). */
  get cliPath(): string {
    return this.context.asAbsolutePath('bin/kumo-policy.js');
  }

  private nodePath(): string {
    return vscode.workspace.getConfiguration('kumomta').get<string>('nodePath') || process.execPath;
  }

  /** Subcommands the bundled CLI offers (`kumo-policy --help`), read once per session. */
  available(): Promise<Set<string>> {
    this.commands ??= runCli({ nodePath: this.nodePath(), cliPath: this.cliPath, args: ['--help'] })
      .then((r) => parseCliCommands(r.stdout))
      .catch((e: Error) => {
        this.output.appendLine(`[cli] cannot run ${this.cliPath}: ${e.message}`);
        return new Set<string>();
      });
    return this.commands;
  }

  /** The first of `names` the CLI has, or undefined after telling the user the feature is not available yet. */
  async require(feature: string, names: string[]): Promise<string | undefined> {
    const have = await this.available();
    const found = names.find((n) => have.has(n));
    if (!found) {
      const msg = `KumoMTA: ${feature} is not available yet: this build's kumo-policy CLI has no '${names[0]}' command (it has: ${[...have].sort().join(', ') || 'none'}).`;
      this.output.appendLine(msg);
      void vscode.window.showInformationMessage(msg);
    }
    return found;
  }

  /**
   * Runs `kumo-policy ARGS` under a progress notification with a Cancel button; stdout/stderr stream to the
   * output channel. Resolves undefined when cancelled.
   */
  async run(title: string, args: string[], options: { cwd?: string; token?: vscode.CancellationToken; showOutput?: boolean } = {}): Promise<CliRun | undefined> {
    this.output.appendLine(`\n[${new Date().toISOString()}] kumo-policy ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
    if (options.showOutput) this.output.show(true);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `KumoMTA: ${title}`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        const subs = [token.onCancellationRequested(() => ac.abort()), options.token?.onCancellationRequested(() => ac.abort())];
        let lastLine = '';
        const onStderr = (t: string) => {
          this.output.append(t);
          const line = t.trim().split('\n').at(-1);
          if (line && line !== lastLine) {
            lastLine = line;
            progress.report({ message: line.slice(0, 120) });
          }
        };
        try {
          const result = await runCli({
            nodePath: this.nodePath(), cliPath: this.cliPath, args, cwd: options.cwd, signal: ac.signal,
            onStdout: (t) => this.output.append(t), onStderr,
          });
          this.output.appendLine(`[exit ${result.code ?? result.signal}${result.cancelled ? ', cancelled' : ''} after ${result.durationMs} ms]`);
          if (result.cancelled) {
            void vscode.window.showInformationMessage(`KumoMTA: ${title} cancelled.`);
            return undefined;
          }
          return { result, json: parseJsonOutput(result.stdout) };
        } finally {
          for (const s of subs) s?.dispose();
        }
      },
    );
  }

  /** Reports a failed run (non-zero exit without JSON) with the CLI's own words; returns true when it failed. */
  reportFailure(title: string, run: CliRun): boolean {
    if (run.json !== undefined && run.result.code !== 2) return false;
    if (run.result.code === 0) return false;
    const detail = (run.result.stderr || run.result.stdout).trim().split('\n').slice(0, 3).join(' ');
    if (/not implemented yet/.test(detail)) {
      // The subcommand exists as a placeholder in this build: say so plainly, never show a fake result.
      void vscode.window.showInformationMessage(`KumoMTA: ${title} is not available yet (${detail}).`);
      return true;
    }
    const show = 'Show Output';
    void vscode.window.showErrorMessage(`KumoMTA: ${title} failed (exit ${run.result.code}): ${detail}`, show).then((c) => {
      if (c === show) this.output.show();
    });
    return true;
  }
}

/** What a command returns when the CLI failed: its exit code and first lines of its own message. */
export interface CliFailure {
  exitCode: number | null;
  error: string;
}

export function failure(run: CliRun): CliFailure {
  return { exitCode: run.result.code, error: (run.result.stderr || run.result.stdout).trim().split('\n').slice(0, 5).join('\n') };
}
