/**
 * The KumoMTA view in the explorer: the policy's listeners, queue configs, pools and sources, event handlers
 * (from a syntactic outline of the policy files; no code runs), and the log directory's segments,
 * tailer checkpoints and dead-letter counts.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import { summarizeLogDir } from './log-dir';
import { OutlineItem, OutlineKind, outlinePolicy } from './policy-outline';
import { PolicyFilter } from './policy-filter';

type Node =
  | { type: 'group'; id: string; label: string; icon: string; children: Node[]; description?: string }
  | { type: 'item'; label: string; description?: string; icon: string; uri?: vscode.Uri; line?: number; children?: Node[]; tooltip?: string; contextValue?: string; name?: string; directory?: string };

/** A view item passed to a command from an inline action: the policy file and the pool name, or a directory. */
export interface ViewItemArg {
  uri?: vscode.Uri;
  name?: string;
  directory?: string;
}

export function isViewItemArg(v: unknown): v is ViewItemArg {
  return typeof v === 'object' && v !== null && !(v instanceof vscode.Uri) && ('uri' in v || 'directory' in v);
}

const GROUPS: { kind: OutlineKind; label: string; icon: string }[] = [
  { kind: 'listener', label: 'Listeners', icon: 'radio-tower' },
  { kind: 'queue', label: 'Queues', icon: 'list-ordered' },
  { kind: 'pool', label: 'Pools', icon: 'server-environment' },
  { kind: 'source', label: 'Sources', icon: 'server' },
  { kind: 'path', label: 'Egress paths', icon: 'arrow-right' },
  { kind: 'event', label: 'Event handlers', icon: 'symbol-event' },
];

export class PolicyViewProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: Node[] | undefined;

  constructor(private readonly filter: () => PolicyFilter, private readonly logDir: () => string | undefined) {}

  refresh(): void {
    this.roots = undefined;
    this.changed.fire();
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const hasChildren = n.type === 'group' ? n.children.length > 0 : !!n.children?.length;
    const item = new vscode.TreeItem(n.label, hasChildren ? (n.type === 'group' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(n.icon);
    item.description = n.description;
    if (n.type === 'group') item.id = n.id;
    if (n.type === 'item') {
      item.tooltip = n.tooltip;
      item.contextValue = n.contextValue;
      if (n.uri) {
        const pos = new vscode.Position(Math.max(0, (n.line ?? 1) - 1), 0);
        item.command = { command: 'vscode.open', title: 'Open', arguments: [n.uri, { selection: new vscode.Range(pos, pos) }] };
        item.resourceUri = undefined;
      }
    }
    return item;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (n) return n.type === 'group' ? n.children : n.children ?? [];
    this.roots ??= await this.build();
    return this.roots;
  }

  /** Policy files of the workspace: the glob matches plus open Lua documents that require 'kumo'. */
  async policyFiles(): Promise<vscode.Uri[]> {
    const f = this.filter();
    const found = new Map<string, vscode.Uri>();
    for (const glob of f.options.globs) {
      for (const uri of await vscode.workspace.findFiles(glob, '**/node_modules/**', 200)) found.set(uri.toString(), uri);
    }
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.languageId === 'lua' && doc.uri.scheme === 'file' && f.isPolicy(vscode.workspace.asRelativePath(doc.uri, false), doc.getText())) found.set(doc.uri.toString(), doc.uri);
    }
    return [...found.values()].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  }

  private async build(): Promise<Node[]> {
    const items: { item: OutlineItem; uri: vscode.Uri }[] = [];
    const errors: Node[] = [];
    for (const uri of await this.policyFiles()) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const text = open ? open.getText() : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      const outline = outlinePolicy(text);
      if (outline.error) errors.push({ type: 'item', label: vscode.workspace.asRelativePath(uri), description: 'syntax error', icon: 'error', uri, tooltip: outline.error });
      for (const item of outline.items) items.push({ item, uri });
    }
    const roots: Node[] = [];
    for (const g of GROUPS) {
      const children: Node[] = items.filter((i) => i.item.kind === g.kind).map(({ item, uri }) => ({
        type: 'item', label: item.label, icon: g.icon, uri, line: item.line, contextValue: `kumomta.${g.kind}`, name: item.kind === 'pool' ? item.label : undefined,
        description: `${vscode.workspace.asRelativePath(uri)}:${item.line}`, tooltip: `${item.via} at ${vscode.workspace.asRelativePath(uri)}:${item.line}`,
        children: item.children?.map((c) => ({ type: 'item' as const, label: c, icon: 'server' })),
      }));
      roots.push({ type: 'group', id: `kumomta.${g.kind}`, label: g.label, icon: g.icon, children, description: String(children.length) });
    }
    if (errors.length) roots.push({ type: 'group', id: 'kumomta.errors', label: 'Files with syntax errors', icon: 'error', children: errors });
    const dir = this.logDir();
    if (dir) {
      const s = summarizeLogDir(dir);
      const children: Node[] = s.error
        ? [{ type: 'item', label: s.error, icon: 'warning' }]
        : [
          { type: 'item', label: 'segments', description: String(s.segments), icon: 'file-binary' },
          { type: 'item', label: 'tailer checkpoints', description: String(s.checkpoints.length), icon: 'bookmark', children: s.checkpoints.map((c) => ({ type: 'item' as const, label: c, icon: 'bookmark' })) },
          { type: 'item', label: 'dead letters', description: String(s.deadLetters.reduce((n, d) => n + d.files, 0)), icon: 'mail-read', children: s.deadLetters.map((d) => ({ type: 'item' as const, label: d.name, description: `${d.retry} to retry, ${d.permanent} permanent`, icon: 'mail-read', contextValue: 'kumomta.deadLetters', directory: d.name === '.' ? dir : join(dir, d.name) })) },
        ];
      roots.push({ type: 'group', id: 'kumomta.logdir', label: 'Log directory', description: dir, icon: 'folder', children });
    }
    return roots;
  }
}
