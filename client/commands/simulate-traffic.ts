import * as vscode from 'vscode';
import { failure } from '../cli';
import { requireTrust } from '../trust';
import { CommandContext, cwdFor, resolvePolicy, runtimeOptions } from './context';

/** Command: `kumomta.simulateTraffic [uri] [scenario]`: `kumo-policy traffic POLICY --scenario FILE --format json`. */
export function simulateTraffic(ctx: CommandContext) {
  return async (uri?: vscode.Uri, scenarioArg?: string | vscode.Uri): Promise<unknown> => {
    if (!(await requireTrust('Simulate Traffic'))) return undefined;
    if (!(await ctx.cli.require('Simulate Traffic', ['traffic']))) return undefined;
    const policy = await resolvePolicy(ctx, uri, 'Simulate Traffic');
    if (!policy) return undefined;
    let scenario = scenarioArg instanceof vscode.Uri ? scenarioArg.fsPath : scenarioArg;
    if (!scenario) {
      const found = await vscode.workspace.findFiles('**/*scenario*.{json,toml,yaml,yml}', '**/node_modules/**', 50);
      const items = [...found.map((f) => ({ label: vscode.workspace.asRelativePath(f), path: f.fsPath })), { label: '$(folder-opened) Browse…', path: '' }];
      const picked = await vscode.window.showQuickPick(items, { title: 'KumoMTA: Simulate Traffic', placeHolder: 'Traffic scenario (message count, domain mix, failure model, duration)' });
      if (!picked) return undefined;
      scenario = picked.path || (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Scenario: ['json', 'toml', 'yaml', 'yml'] } }))?.[0]?.fsPath;
    }
    if (!scenario) return undefined;
    const run = await ctx.cli.run('Simulating traffic', ['traffic', policy.fsPath, '--scenario', scenario, '--format', 'json', ...runtimeOptions(true)], { cwd: cwdFor(policy) });
    if (!run) return undefined;
    if (ctx.cli.reportFailure('Simulate Traffic', run)) return failure(run);
    ctx.panels.show('traffic', run.json, undefined, vscode.Uri.joinPath(policy, '..'));
    return run.json;
  };
}
