import * as vscode from 'vscode';
import { failure } from '../cli';
import { requireTrust } from '../trust';
import { isViewItemArg, ViewItemArg } from '../policy-view';
import { CommandContext, resolveLogDirectory } from './context';

/** How to replay: a JS handler module (handle(payload, envelope)) or a webhook URL, as `kumo-policy dlq replay` takes. */
export type ReplayTarget = { handler: string } | { webhook: string };

async function askTarget(): Promise<ReplayTarget | undefined> {
  const pick = await vscode.window.showQuickPick(
    [{ label: '$(link-external) Webhook URL…', id: 'webhook' }, { label: '$(file-code) JavaScript handler module…', id: 'handler' }],
    { title: 'KumoMTA: Replay Dead Letters', placeHolder: 'Where should each dead-lettered record go?' },
  );
  if (pick?.id === 'webhook') {
    const url = await vscode.window.showInputBox({ title: 'Webhook URL', placeHolder: 'http://127.0.0.1:8080/hook', validateInput: (v) => (/^https?:\/\//.test(v) ? undefined : 'An http(s) URL') });
    return url ? { webhook: url } : undefined;
  }
  if (pick?.id === 'handler') {
    const file = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JavaScript: ['js', 'mjs', 'cjs'] }, title: 'Handler module' }))?.[0];
    return file ? { handler: file.fsPath } : undefined;
  }
  return undefined;
}

/**
 * Command: `kumomta.replayDeadLetters [dir] [target|false]`: `kumo-policy dlq list DIR --format json` charted in
 * the result view, then (unless target is false) `dlq replay DIR --handler FILE | --webhook URL` and a fresh list.
 */
export function replayDeadLetters(ctx: CommandContext) {
  return async (dirOrItem?: string | vscode.Uri | ViewItemArg, targetArg?: ReplayTarget | false): Promise<unknown> => {
    const dirArg = isViewItemArg(dirOrItem) ? dirOrItem.directory : dirOrItem;
    if (!(await requireTrust('Replay Dead Letters'))) return undefined;
    if (!(await ctx.cli.require('Replay Dead Letters', ['dlq']))) return undefined;
    const dir = await resolveLogDirectory(dirArg, 'Replay Dead Letters');
    if (!dir) return undefined;
    const list = await ctx.cli.run('Listing dead letters', ['dlq', 'list', dir, '--format', 'json']);
    if (!list) return undefined;
    if (ctx.cli.reportFailure('Replay Dead Letters', list)) return failure(list);
    ctx.panels.show('dlq', list.json, 'Dead letters');
    if (targetArg === false) return list.json;
    const target = targetArg ?? (await askTarget());
    if (!target) return list.json;
    const how = 'handler' in target ? ['--handler', target.handler] : ['--webhook', target.webhook];
    const replay = await ctx.cli.run('Replaying dead letters', ['dlq', 'replay', dir, ...how, '--no-wait'], { showOutput: true });
    if (!replay) return undefined;
    if (ctx.cli.reportFailure('Replay Dead Letters', replay)) return failure(replay);
    const after = await ctx.cli.run('Listing dead letters', ['dlq', 'list', dir, '--format', 'json']);
    if (after?.json !== undefined) ctx.panels.show('dlq', after.json, 'Dead letters after replay');
    void vscode.window.showInformationMessage(`KumoMTA: replay finished: ${replay.result.stdout.trim().split('\n').at(-1) ?? ''}`);
    ctx.view.refresh();
    return after?.json ?? list.json;
  };
}

/** Command: `kumomta.generateSegments [dir] [records]`: `kumo-policy segments generate DIR --records N`. */
export function generateSegments(ctx: CommandContext) {
  return async (dirArg?: string | vscode.Uri, records?: number): Promise<unknown> => {
    if (!(await ctx.cli.require('Generate Sample Segments', ['segments']))) return undefined;
    const dir = dirArg instanceof vscode.Uri ? dirArg.fsPath : dirArg || (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'KumoMTA: directory for sample segments' }))?.[0]?.fsPath;
    if (!dir) return undefined;
    const count = records ?? Number(await vscode.window.showInputBox({ title: 'Number of records', value: '10000', validateInput: (v) => (/^\d+$/.test(v) ? undefined : 'A whole number') }));
    if (!count) return undefined;
    const run = await ctx.cli.run('Generating sample segments', ['segments', 'generate', dir, '--records', String(count)]);
    if (!run) return undefined;
    if (ctx.cli.reportFailure('Generate Sample Segments', run)) return failure(run);
    // generate lists the files it wrote on stdout and its summary ("N records in K segments, ...") on stderr.
    const files = run.result.stdout.trim().split('\n').filter(Boolean);
    const summary = run.result.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `${files.length} segment files written`;
    const setIt = 'Use as Log Directory';
    void vscode.window.showInformationMessage(`KumoMTA: ${summary} in ${dir}.`, setIt).then((c) => {
      if (c === setIt) void vscode.workspace.getConfiguration('kumomta').update('logDirectory', dir, vscode.ConfigurationTarget.Workspace);
    });
    ctx.view.refresh();
    return { directory: dir, records: count, summary, files };
  };
}
