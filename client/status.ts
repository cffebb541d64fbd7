import * as vscode from 'vscode';

export type ServerState = 'idle' | 'starting' | 'running' | 'stopped' | 'failed' | 'missing';

/** Status bar item: the server's state and when it last published analysis results. */
export class KumoStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kumomta.status', vscode.StatusBarAlignment.Right, 100);
  state: ServerState = 'idle';
  lastAnalysis: Date | undefined;
  detail = '';

  constructor() {
    this.item.name = 'KumoMTA';
    this.item.command = 'kumomta.showOutput';
    this.render();
    this.item.show();
  }

  set(state: ServerState, detail = ''): void {
    this.state = state;
    this.detail = detail;
    this.render();
  }

  /** Records an analysis: from publishDiagnostics, or with timing from the server's kumomta/analysisTiming. */
  analysed(at = new Date(), timing?: { uri: string; durationMs: number; errors: number; warnings: number }): void {
    this.lastAnalysis = at;
    if (timing) this.lastTiming = timing;
    this.render();
  }

  lastTiming: { uri: string; durationMs: number; errors: number; warnings: number } | undefined;

  private render(): void {
    const icon = { idle: '$(circle-outline)', starting: '$(sync~spin)', running: '$(check)', stopped: '$(debug-stop)', failed: '$(error)', missing: '$(warning)' }[this.state];
    const when = this.lastAnalysis ? ` ${this.lastAnalysis.toLocaleTimeString()}${this.lastTiming ? ` · ${this.lastTiming.durationMs < 10 ? this.lastTiming.durationMs.toFixed(1) : Math.round(this.lastTiming.durationMs)} ms` : ''}` : '';
    this.item.text = `${icon} KumoMTA${this.state === 'running' ? when : `: ${this.state}`}`;
    const lines = [`KumoMTA language server: ${this.state}${this.detail ? ` (${this.detail})` : ''}`];
    lines.push(this.lastAnalysis ? `Last analysis: ${this.lastAnalysis.toLocaleString()}` : 'No analysis yet');
    if (this.lastTiming) {
      const file = this.lastTiming.uri.split('/').pop();
      lines.push(`${file}: ${this.lastTiming.durationMs.toFixed(1)} ms, ${this.lastTiming.errors} errors, ${this.lastTiming.warnings} warnings`);
    }
    if (!vscode.workspace.isTrusted) lines.push('Untrusted workspace: simulations and scripts are disabled.');
    lines.push('Click to show the KumoMTA output.');
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor = this.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : this.state === 'missing' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
