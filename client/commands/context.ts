import * as vscode from 'vscode';
import { isAbsolute } from 'node:path';
import type { KumoCli } from '../cli';
import type { KumoLanguageClient } from '../language-client';
import type { PolicyFilter } from '../policy-filter';
import type { PolicyViewProvider } from '../policy-view';
import type { KumoStatus } from '../status';
import type { ResultPanels } from '../webview/panel';

/** What every command needs; built once in extension.ts. */
export interface CommandContext {
  extension: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  cli: KumoCli;
  panels: ResultPanels;
  client: KumoLanguageClient;
  filter: () => PolicyFilter;
  status: KumoStatus;
  view: PolicyViewProvider;
}

/** The policy file a command works on: an explicit URI, the active Lua editor, or one picked from the workspace's policy files. */
export async function resolvePolicy(ctx: CommandContext, uri: vscode.Uri | undefined, purpose: string): Promise<vscode.Uri | undefined> {
  if (uri instanceof vscode.Uri) return uri;
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === 'lua' && editor.document.uri.scheme === 'file') return editor.document.uri;
  const files = await ctx.view.policyFiles();
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(
    files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
    { title: `KumoMTA: ${purpose}`, placeHolder: files.length ? 'Policy file' : 'No policy file found in the workspace' },
  );
  return picked?.uri;
}

/** The workspace folder path of a file, used as the CLI's working directory. */
export function cwdFor(uri: vscode.Uri | undefined): string | undefined {
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.fsPath;
}

/** `kumomta.logDirectory` resolved against the workspace folder, or undefined when unset. */
export function configuredLogDirectory(): string | undefined {
  const dir = vscode.workspace.getConfiguration('kumomta').get<string>('logDirectory');
  if (!dir) return undefined;
  if (isAbsolute(dir)) return dir;
  const root = vscode.workspace.workspaceFolders?.[0];
  return root ? vscode.Uri.joinPath(root.uri, dir).fsPath : dir;
}

/** The log directory: an explicit argument, the setting, or a folder picker. */
export async function resolveLogDirectory(arg: string | vscode.Uri | undefined, title: string): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string' && arg) return arg;
  const configured = configuredLogDirectory();
  if (configured) return configured;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: `KumoMTA: ${title}: log segment directory`, openLabel: 'Use this directory' });
  return picked?.[0]?.fsPath;
}

/** `--timeout` (kumomta.scriptTimeoutSeconds) and `--policy-extras` (kumomta.policyExtrasPath) for commands that run policy. */
export function runtimeOptions(withTimeout: boolean): string[] {
  const config = vscode.workspace.getConfiguration('kumomta');
  const out: string[] = [];
  if (withTimeout) out.push('--timeout', String(config.get<number>('scriptTimeoutSeconds', 10)));
  const extras = config.get<string>('policyExtrasPath');
  if (extras) {
    const root = vscode.workspace.workspaceFolders?.[0];
    out.push('--policy-extras', isAbsolute(extras) || !root ? extras : vscode.Uri.joinPath(root.uri, extras).fsPath);
  }
  return out;
}
