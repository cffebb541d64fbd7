/**
 * The generic result view: a webview that renders any CLI JSON result through the shared view model
 * (client/webview/view-model.ts) with chart.js. Strict CSP with a per-load nonce; theme colours come from
 * VS Code's CSS variables inside the page; trace entries open file:line in the editor.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { buildViewModel, ViewModel } from './view-model';

export interface RenderReport {
  feature: string;
  title: string;
  charts: number;
  sections: number;
  at: number;
}

export class ResultPanels {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly renderEmitter = new vscode.EventEmitter<RenderReport>();
  /** Fired when a webview reports it has drawn its charts (used by the tests, and to log render errors). */
  readonly onDidRender = this.renderEmitter.event;
  lastModel: ViewModel | undefined;
  lastRender: RenderReport | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly output: vscode.OutputChannel) {}

  show(key: string, result: unknown, title?: string, baseDir?: vscode.Uri): ViewModel {
    const model = buildViewModel(result, title);
    this.lastModel = model;
    let panel = this.panels.get(key);
    if (!panel) {
      panel = vscode.window.createWebviewPanel('kumomta.result', `KumoMTA: ${model.title}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview')],
      });
      this.panels.set(key, panel);
      panel.onDidDispose(() => this.panels.delete(key));
      panel.webview.onDidReceiveMessage((m: { type: string; file?: string; line?: number; charts?: number; sections?: number; error?: string }) => {
        if (m.type === 'open' && m.file) void this.openLocation(m.file, m.line, baseDir);
        else if (m.type === 'rendered') {
          this.lastRender = { feature: model.feature, title: model.title, charts: m.charts ?? 0, sections: m.sections ?? 0, at: Date.now() };
          this.renderEmitter.fire(this.lastRender);
        } else if (m.type === 'error') this.output.appendLine(`[webview] ${m.error}`);
      });
    } else {
      panel.title = `KumoMTA: ${model.title}`;
      panel.reveal(vscode.ViewColumn.Beside, true);
    }
    panel.webview.html = this.html(panel.webview, model);
    return model;
  }

  private async openLocation(file: string, line: number | undefined, baseDir: vscode.Uri | undefined): Promise<void> {
    const uri = file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? vscode.Uri.file(file) : baseDir ? vscode.Uri.joinPath(baseDir, file) : vscode.Uri.file(file);
    const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
  }

  private html(webview: vscode.Webview, model: ViewModel): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', 'main.js'));
    const css = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', 'main.css'));
    // JSON inside a non-executed script element; `<` escaped so the data cannot close the element.
    const data = JSON.stringify(model).replace(/</g, '\\u003c');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource} 'nonce-${nonce}'; font-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}" nonce="${nonce}">
<title>${escapeHtml(model.title)}</title>
</head>
<body>
<main id="root"><h1>${escapeHtml(model.title)}</h1><p>Rendering…</p></main>
<script type="application/json" id="kumo-data" nonce="${nonce}">${data}</script>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.renderEmitter.dispose();
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
