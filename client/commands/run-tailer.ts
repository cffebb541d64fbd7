import * as vscode from 'vscode';
import { failure } from '../cli';
import { requireTrust } from '../trust';
import { parseCheckpoints, parseTailSummary } from '../tail-summary';
import { CommandContext, cwdFor, resolveLogDirectory, runtimeOptions } from './context';

/**
 * Command: `kumomta.runTailer [uri] [logDir]`: `kumo-policy tail SCRIPT --exit-when-caught-up -- LOGDIR`.
 * Output streams to the KumoMTA channel; the progress notification shows the CLI's progress line and cancels
 * with SIGINT (the CLI commits positions and stops cleanly).
 */
export function runTailer(ctx: CommandContext) {
  return async (uri?: vscode.Uri, logDirArg?: string | vscode.Uri): Promise<unknown> => {
    if (!(await requireTrust('Run Tailer Script'))) return undefined;
    // `tail` (tailer engine: progress, checkpoints) when the CLI has it; else `run`, which runs the main event.
    const sub = await ctx.cli.require('Run Tailer Script', ['tail', 'run']);
    if (!sub) return undefined;
    const script = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.languageId === 'lua' ? vscode.window.activeTextEditor.document.uri : (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Lua: ['lua'] }, title: 'Tailer script' }))?.[0];
    if (!script) return undefined;
    const editorDoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === script.toString());
    if (editorDoc?.isDirty) await editorDoc.save();
    const dir = await resolveLogDirectory(logDirArg, 'Run Tailer Script');
    if (!dir) return undefined;
    const timeout = vscode.workspace.getConfiguration('kumomta').get<number>('scriptTimeoutSeconds', 10);
    const args = sub === 'tail' ? ['tail', script.fsPath, '--exit-when-caught-up', '--progress', '1', ...runtimeOptions(false), '--', dir] : ['run', script.fsPath, '--timeout', String(timeout), ...runtimeOptions(false), '--', dir];
    const run = await ctx.cli.run(`Running ${vscode.workspace.asRelativePath(script)}`, args, { cwd: cwdFor(script), showOutput: true });
    if (!run) return undefined;
    if (ctx.cli.reportFailure('Run Tailer Script', run)) return failure(run);
    // tail streams the script's own print() output on stdout: that is not a result document.
    let result: unknown = sub === 'tail' ? undefined : run.json;
    if (result === undefined && sub === 'tail') {
      // No JSON from tail: its final summary (stderr) and `segments list` give counts and checkpoints.
      const summary = parseTailSummary(run.result.stderr);
      summary.exitCode = run.result.code;
      const list = (await ctx.cli.available()).has('segments') ? await ctx.cli.run('Reading checkpoints', ['segments', 'list', dir]) : undefined;
      if (list) summary.checkpoints = parseCheckpoints(list.result.stdout);
      result = summary;
    }
    if (result !== undefined) ctx.panels.show('tail', result, `Tailer run: ${vscode.workspace.asRelativePath(script)}`, vscode.Uri.joinPath(script, '..'));
    else void vscode.window.showInformationMessage(`KumoMTA: script finished (exit ${run.result.code}) in ${(run.result.durationMs / 1000).toFixed(1)} s; see the KumoMTA output.`);
    ctx.view.refresh();
    return result ?? { exitCode: run.result.code };
  };
}
