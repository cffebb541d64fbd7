import * as vscode from 'vscode';
import { failure } from '../cli';
import { SUMNEKO_ID } from '../language-client';
import { CommandContext, cwdFor } from './context';

/**
 * Command: `kumomta.exportLuaLS [dir]`: `kumo-policy export-luals DIR --format json` writes `---@meta` files of
 * the catalog for LuaLS users. Runs no user code, so it works in untrusted workspaces too.
 */
export function exportLuaLS(ctx: CommandContext) {
  return async (dirArg?: string | vscode.Uri, addToLibrary?: boolean): Promise<unknown> => {
    if (!(await ctx.cli.require('Export LuaLS Definitions', ['export-luals']))) return undefined;
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    let dir = dirArg instanceof vscode.Uri ? dirArg.fsPath : dirArg;
    if (!dir) {
      const suggested = root ? vscode.Uri.joinPath(root, '.luals', 'kumomta') : undefined;
      const picked = await vscode.window.showInputBox({ title: 'KumoMTA: Export LuaLS Definitions', prompt: 'Directory for the ---@meta files', value: suggested?.fsPath ?? '' });
      dir = picked || undefined;
    }
    if (!dir) return undefined;
    const run = await ctx.cli.run('Exporting LuaLS definitions', ['export-luals', dir, '--format', 'json'], { cwd: cwdFor(root) });
    if (!run) return undefined;
    if (ctx.cli.reportFailure('Export LuaLS Definitions', run)) return failure(run);
    ctx.panels.show('export-luals', run.json, 'LuaLS definitions');
    const add = addToLibrary ?? (vscode.extensions.getExtension(SUMNEKO_ID) && (await vscode.window.showInformationMessage(`KumoMTA: LuaLS definitions written to ${dir}. Add the folder to Lua.workspace.library?`, 'Add')) === 'Add');
    if (add) {
      const lua = vscode.workspace.getConfiguration('Lua');
      const library = lua.get<string[]>('workspace.library', []);
      try {
        if (!library.includes(dir)) await lua.update('workspace.library', [...library, dir], vscode.ConfigurationTarget.Workspace);
      } catch (e) {
        ctx.output.appendLine(`[export-luals] could not update Lua.workspace.library: ${(e as Error).message}`);
      }
    }
    return run.json;
  };
}
