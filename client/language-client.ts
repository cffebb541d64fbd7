/**
 * Starts the KumoMTA language server (dist/server.js) over IPC with vscode-languageclient, only for policy
 * files: other Lua documents never reach it, so the sumneko Lua extension and this one do not report the same
 * problem twice. The server starts lazily, when the first policy document is seen.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { State, StateChangeEvent } from 'vscode-languageclient';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { AnalysisTimingNotification, type AnalysisTimingParams, type ServerSettings } from '../server/protocol';
import { PolicyFilter } from './policy-filter';
import { KumoStatus } from './status';

export const SUMNEKO_ID = 'sumneko.lua';

export class KumoLanguageClient implements vscode.Disposable {
  client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private readonly opened = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly status: KumoStatus,
    private readonly filter: () => PolicyFilter,
  ) {}

  isPolicyDocument(doc: vscode.TextDocument): boolean {
    if (doc.languageId !== 'lua') return false;
    const rel = doc.uri.scheme === 'file' ? vscode.workspace.asRelativePath(doc.uri, false) : doc.uri.path.split('/').pop() ?? '';
    return this.filter().isPolicy(rel.endsWith('.lua') ? rel : `${rel}.lua`, doc.getText());
  }

  /** What the server is told about generic Lua diagnostics: off when sumneko reports them already. */
  genericLuaDiagnostics(): boolean {
    const setting = vscode.workspace.getConfiguration('kumomta').get<string>('diagnostics.genericLua', 'auto');
    if (setting === 'on') return true;
    if (setting === 'off') return false;
    return !vscode.extensions.getExtension(SUMNEKO_ID);
  }

  /** The `kumomta.*` settings in the shape the server reads (server/protocol.ts ServerSettings). */
  serverSettings(scope?: vscode.Uri): ServerSettings {
    const config = vscode.workspace.getConfiguration('kumomta', scope);
    return {
      targetVersion: config.get<string>('targetVersion') || undefined,
      // A path from an untrusted workspace's settings is not used: policy-extras code is loaded from it.
      policyExtrasPath: vscode.workspace.isTrusted ? config.get<string>('policyExtrasPath') || undefined : undefined,
      diagnosticSeverities: config.get<Record<string, string>>('diagnostics.severity', {}),
      genericLuaDiagnostics: this.genericLuaDiagnostics(),
      policyGlobs: this.filter().options.globs,
    };
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().catch((e: Error) => {
      this.status.set('failed', e.message);
      this.output.appendLine(`[client] language server failed to start: ${e.stack ?? e.message}`);
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const serverModule = this.context.asAbsolutePath('dist/server.js');
    if (!existsSync(serverModule)) {
      this.status.set('missing', 'dist/server.js not built');
      this.output.appendLine(`[client] ${serverModule} does not exist; run the build. Completion and diagnostics are unavailable.`);
      this.starting = undefined;
      return;
    }
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const isPolicy = (doc: vscode.TextDocument) => this.isPolicyDocument(doc);
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'lua', scheme: 'file' }, { language: 'lua', scheme: 'untitled' }],
      outputChannel: this.output,
      traceOutputChannel: this.output,
      synchronize: { configurationSection: 'kumomta' },
      initializationOptions: this.serverSettings(),
      middleware: {
        // workspace/configuration for section 'kumomta' answers with ServerSettings, not the raw nested section.
        workspace: {
          configuration: async (params, token, next) => {
            const raw = await next(params, token);
            if (!Array.isArray(raw)) return raw;
            return params.items.map((item, i) => (item.section === 'kumomta' ? this.serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : raw[i]));
          },
        },
        didOpen: async (doc, next) => {
          if (!isPolicy(doc)) return;
          this.opened.add(doc.uri.toString());
          await next(doc);
        },
        didChange: async (event, next) => {
          const key = event.document.uri.toString();
          if (this.opened.has(key)) return next(event);
          // A Lua file that just gained `require 'kumo'` becomes policy: open it on the server now.
          if (isPolicy(event.document) && this.client) {
            this.opened.add(key);
            const d = event.document;
            await this.client.sendNotification('textDocument/didOpen', { textDocument: { uri: key, languageId: d.languageId, version: d.version, text: d.getText() } });
          }
        },
        willSave: async (event, next) => (this.opened.has(event.document.uri.toString()) ? next(event) : undefined),
        didSave: async (doc, next) => (this.opened.has(doc.uri.toString()) ? next(doc) : undefined),
        didClose: async (doc, next) => {
          if (!this.opened.delete(doc.uri.toString())) return;
          await next(doc);
        },
        provideCompletionItem: (doc, pos, ctx, token, next) => (this.opened.has(doc.uri.toString()) ? next(doc, pos, ctx, token) : undefined),
        provideHover: (doc, pos, token, next) => (this.opened.has(doc.uri.toString()) ? next(doc, pos, token) : undefined),
        provideSignatureHelp: (doc, pos, ctx, token, next) => (this.opened.has(doc.uri.toString()) ? next(doc, pos, ctx, token) : undefined),
        provideDefinition: (doc, pos, token, next) => (this.opened.has(doc.uri.toString()) ? next(doc, pos, token) : undefined),
        handleDiagnostics: (uri, diagnostics, next) => {
          this.status.analysed();
          next(uri, diagnostics);
        },
      },
    };
    const client = new LanguageClient('kumomta', 'KumoMTA Language Server', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e: StateChangeEvent) => {
      if (e.newState === State.Running) this.status.set('running');
      else if (e.newState === State.Starting) this.status.set('starting');
      else this.status.set('stopped');
    });
    this.status.set('starting');
    const t0 = Date.now();
    await client.start();
    client.onNotification(AnalysisTimingNotification, (p: AnalysisTimingParams) => this.status.analysed(new Date(), p));
    this.output.appendLine(`[client] language server started in ${Date.now() - t0} ms (generic Lua diagnostics ${this.genericLuaDiagnostics() ? 'on' : 'off'})`);
  }

  async restart(): Promise<void> {
    if (this.client) {
      this.opened.clear();
      this.status.set('starting', 'restarting');
      await this.client.restart();
    } else await this.start();
  }

  async dispose(): Promise<void> {
    await this.client?.stop();
  }
}
