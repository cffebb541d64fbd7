/**
 * Kumo Policy Studio: the VS Code extension. Activation is cheap (a Lua file or a workspace with a policy);
 * the language server starts only once a policy document is seen. Heavy runtime work (simulations, tailers)
 * runs in `kumo-policy` child processes, never on the extension host thread.
 */
import * as vscode from 'vscode';
import { KumoCli } from './cli';
import { CommandContext, configuredLogDirectory } from './commands/context';
import { generateSegments, replayDeadLetters } from './commands/dead-letters';
import { exportLuaLS } from './commands/export-luals';
import { previewPool } from './commands/preview-pool';
import { runTailer } from './commands/run-tailer';
import { simulateQueue } from './commands/simulate-queue';
import { simulateTraffic } from './commands/simulate-traffic';
import { KumoLanguageClient } from './language-client';
import { DEFAULT_POLICY_GLOBS, PolicyFilter } from './policy-filter';
import { PolicyViewProvider } from './policy-view';
import { KumoStatus } from './status';
import { ResultPanels } from './webview/panel';
import * as trust from './trust';

/** What activate() returns: used by the integration tests, and by other extensions that want the state. */
export interface KumoExtensionApi {
  readonly ctx: CommandContext;
  isPolicyDocument(doc: vscode.TextDocument): boolean;
  serverReady(): Promise<boolean>;
  /** The last "disabled in an untrusted workspace" message a command showed. */
  lastTrustRefusal(): string | undefined;
}

let shared: CommandContext | undefined;

function readFilter(): PolicyFilter {
  const cfg = vscode.workspace.getConfiguration('kumomta');
  return new PolicyFilter({ globs: cfg.get<string[]>('policyGlobs', DEFAULT_POLICY_GLOBS), detectRequireKumo: cfg.get<boolean>('detectRequireKumo', true) });
}

export function activate(context: vscode.ExtensionContext): KumoExtensionApi {
  const output = vscode.window.createOutputChannel('KumoMTA', { log: true });
  const status = new KumoStatus();
  let filter = readFilter();
  const getFilter = () => filter;
  const client = new KumoLanguageClient(context, output, status, getFilter);
  const cli = new KumoCli(context, output);
  const panels = new ResultPanels(context, output);
  const view = new PolicyViewProvider(getFilter, () => configuredLogDirectory());
  const ctx: CommandContext = { extension: context, output, cli, panels, client, filter: getFilter, status, view };
  shared = ctx;
  context.subscriptions.push(output, status, panels, client);
  output.appendLine(`[client] Kumo Policy Studio ${context.extension.packageJSON.version} activated (VS Code ${vscode.version}, ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'} workspace)`);

  const treeView = vscode.window.createTreeView('kumomta.policyView', { treeDataProvider: view, showCollapseAll: true });
  context.subscriptions.push(treeView);
  void vscode.commands.executeCommand('setContext', 'kumomta.activated', true);

  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
  reg('kumomta.simulateQueue', simulateQueue(ctx));
  reg('kumomta.runTailer', runTailer(ctx));
  reg('kumomta.previewPool', previewPool(ctx));
  reg('kumomta.simulateTraffic', simulateTraffic(ctx));
  reg('kumomta.replayDeadLetters', replayDeadLetters(ctx));
  reg('kumomta.generateSegments', generateSegments(ctx));
  reg('kumomta.exportLuaLS', exportLuaLS(ctx));
  reg('kumomta.restartServer', async () => {
    await client.restart();
    return status.state;
  });
  reg('kumomta.showOutput', () => output.show());
  reg('kumomta.refreshView', () => view.refresh());

  // Lazy server start: only when a policy document is (or becomes) visible.
  const consider = (doc: vscode.TextDocument | undefined) => {
    if (doc && client.isPolicyDocument(doc)) void client.start();
  };
  const updateEditorContext = (editor: vscode.TextEditor | undefined) => {
    const doc = editor?.document;
    void vscode.commands.executeCommand('setContext', 'kumomta.isPolicyFile', !!doc && client.isPolicyDocument(doc));
    void vscode.commands.executeCommand('setContext', 'kumomta.isTailerScript', !!doc && doc.languageId === 'lua' && PolicyFilter.isTailerScript(doc.getText()));
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(consider),
    vscode.workspace.onDidChangeTextDocument((e) => {
      consider(e.document);
      if (e.document === vscode.window.activeTextEditor?.document) updateEditorContext(vscode.window.activeTextEditor);
    }),
    vscode.window.onDidChangeActiveTextEditor(updateEditorContext),
    vscode.workspace.onDidSaveTextDocument((d) => { if (d.languageId === 'lua') view.refresh(); }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('kumomta.policyGlobs') || e.affectsConfiguration('kumomta.detectRequireKumo')) {
        filter = readFilter();
        view.refresh();
        for (const d of vscode.workspace.textDocuments) consider(d);
      }
      if (e.affectsConfiguration('kumomta.logDirectory')) view.refresh();
      // Other kumomta.* settings reach the running server through workspace/didChangeConfiguration.
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      output.appendLine('[client] workspace trusted: simulations and scripts enabled');
      void client.restart();
    }),
  );
  for (const d of vscode.workspace.textDocuments) consider(d);
  updateEditorContext(vscode.window.activeTextEditor);
  if (!client.client) {
    // A workspace that contains policy starts the server soon, so diagnostics of opened files come quickly;
    // activation itself does not wait for the file search.
    void Promise.all(filter.options.globs.map((g) => vscode.workspace.findFiles(g, '**/node_modules/**', 1))).then((hits) => {
      if (hits.some((h) => h.length)) void client.start();
    });
  }

  return {
    ctx,
    isPolicyDocument: (doc) => client.isPolicyDocument(doc),
    serverReady: async () => {
      await client.start();
      return status.state === 'running';
    },
    lastTrustRefusal: () => trust.lastTrustRefusal,
  };
}

export async function deactivate(): Promise<void> {
  await shared?.client.dispose();
}
