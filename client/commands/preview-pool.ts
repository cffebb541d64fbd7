import * as vscode from 'vscode';
import { failure } from '../cli';
import { outlinePolicy } from '../policy-outline';
import { requireTrust } from '../trust';
import { isViewItemArg, ViewItemArg } from '../policy-view';
import { CommandContext, cwdFor, resolvePolicy, runtimeOptions } from './context';

/** Command: `kumomta.previewPool [uri] [pool]`: `kumo-policy pool POLICY POOL --picks N --format json`, charted. */
export function previewPool(ctx: CommandContext) {
  return async (uriOrItem?: vscode.Uri | ViewItemArg, poolArg?: string): Promise<unknown> => {
    // From the KumoMTA view's inline action: the pool item carries its policy file and name.
    const item = isViewItemArg(uriOrItem) ? uriOrItem : undefined;
    const uri = item ? item.uri : (uriOrItem as vscode.Uri | undefined);
    poolArg ??= item?.name;
    if (!(await requireTrust('Preview Pool Weighting'))) return undefined;
    if (!(await ctx.cli.require('Preview Pool Weighting', ['pool']))) return undefined;
    const policy = await resolvePolicy(ctx, uri, 'Preview Pool Weighting');
    if (!policy) return undefined;
    let pool = poolArg;
    if (!pool) {
      const doc = await vscode.workspace.openTextDocument(policy);
      const names = [...new Set(outlinePolicy(doc.getText()).items.filter((i) => i.kind === 'pool').map((i) => i.label))];
      pool = names.length
        ? (await vscode.window.showQuickPick([...names, '$(edit) Other pool name…'], { title: 'KumoMTA: Preview Pool Weighting', placeHolder: 'Egress pool' }))
        : undefined;
      if (!pool || pool.startsWith('$(edit)')) pool = await vscode.window.showInputBox({ title: 'Egress pool name', placeHolder: 'pool-0' });
    }
    if (!pool) return undefined;
    const picks = vscode.workspace.getConfiguration('kumomta').get<number>('pool.picks', 100);
    const run = await ctx.cli.run(`Previewing pool ${pool}`, ['pool', policy.fsPath, pool, '--picks', String(picks), '--format', 'json', ...runtimeOptions(true)], { cwd: cwdFor(policy) });
    if (!run) return undefined;
    if (ctx.cli.reportFailure('Preview Pool Weighting', run)) return failure(run);
    ctx.panels.show('pool', run.json, `Pool ${pool}`, vscode.Uri.joinPath(policy, '..'));
    return run.json;
  };
}
