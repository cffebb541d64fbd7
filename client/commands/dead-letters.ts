import * as vscode from 'vscode';
import { requireTrust } from '../trust';
import { CommandContext, resolveLogDirectory } from './context';

/** Command: `kumomta.replayDeadLetters [dir]`: lists with `kumo-policy dlq list`, then replays on confirmation. */
export function replayDeadLetters(ctx: CommandContext) {
  return async (dirArg?: string | vscode.Uri, confirm?: boolean): Promise<unknown> => {
    if (!(await requireTrust('Replay Dead Letters'))) return undefined;
    if (!(await ctx.cli.require('Replay Dead Letters', ['dlq']))) return undefined;
    const dir = await resolveLogDirectory(dirArg, 'Replay Dead Letters');
    if (!dir) return undefined;
    const list = await ctx.cli.run('Listing dead letters', ['dlq', 'list', dir, '--format', 'json']);
    if (!list || ctx.cli.reportFailure('Replay Dead Letters', list)) return list?.json;
    ctx.panels.show('dlq', list.json, 'Dead letters');
    const go = confirm ?? (await vscode.window.showWarningMessage('Replay the dead letters now? Each batch is sent again to its consumer.', { modal: true }, 'Replay')) === 'Replay';
    if (!go) return list.json;
    const replay = await ctx.cli.run('Replaying dead letters', ['dlq', 'replay', dir, '--format', 'json'], { showOutput: true });
    if (!replay || ctx.cli.reportFailure('Replay Dead Letters', replay)) return replay?.json;
    if (replay.json !== undefined) ctx.panels.show('dlq', replay.json, 'Dead letters replayed');
    ctx.view.refresh();
    return replay.json;
  };
}

/** Command: `kumomta.generateSegments [dir]`: writes realistic sample log segments for trying tailer scripts. */
export function generateSegments(ctx: CommandContext) {
  return async (dirArg?: string | vscode.Uri, records?: number): Promise<unknown> => {
    const sub = await ctx.cli.require('Generate Sample Segments', ['generate-segments', 'segments', 'gen-segments']);
    if (!sub) return undefined;
    const dir = dirArg instanceof vscode.Uri ? dirArg.fsPath : dirArg || (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'KumoMTA: directory for sample segments' }))?.[0]?.fsPath;
    if (!dir) return undefined;
    const count = records ?? Number(await vscode.window.showInputBox({ title: 'Number of records', value: '10000', validateInput: (v) => (/^\d+$/.test(v) ? undefined : 'A whole number') }));
    if (!count) return undefined;
    const run = await ctx.cli.run('Generating sample segments', [sub, dir, '--records', String(count), '--format', 'json']);
    if (!run || ctx.cli.reportFailure('Generate Sample Segments', run)) return run?.json;
    void vscode.window.showInformationMessage(`KumoMTA: sample segments written to ${dir}.`);
    ctx.view.refresh();
    return run.json;
  };
}
