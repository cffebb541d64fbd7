/**
 * The language server process: vscode-languageserver wiring around server/analysis. It only translates
 * between LSP and the analysis service; transport (--stdio, --node-ipc, --socket) comes from argv.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { createConnection } from 'vscode-languageserver/node';
import {
  CodeActionKind, CompletionItemKind, DiagnosticSeverity, DiagnosticTag, InsertTextFormat, LSPErrorCodes, ProposedFeatures, ResponseError, SymbolKind,
  TextDocuments, TextDocumentSyncKind, type CompletionItem as LspCompletionItem, type Diagnostic as LspDiagnostic, type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticCodes } from '../analysis/codes';
import { AnalysisService, DEFAULT_POLICY_EXTRAS_DIR } from '../analysis/service';
import type { AnalysisSettings, CompletionItem, Diagnostic, Severity, SymbolKind as KSymbolKind } from '../analysis/types';
import { AnalysisTimingNotification, DiagnosticCodesRequest, type AnalysisTimingParams, type DiagnosticCodesResult, type ServerSettings } from '../protocol';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = new AnalysisService({
  readFile: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
});
let canPullConfiguration = false;
const DEBOUNCE_MS = Number(process.env.KUMO_LSP_DEBOUNCE_MS ?? 0);

function toPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}
const uriByPath = new Map<string, string>();
function toUri(path: string): string {
  return uriByPath.get(path) ?? (path.startsWith('/') ? pathToFileURL(path).toString() : path);
}

/**
 * The initializationOptions: settings that a later workspace/configuration answer or didChangeConfiguration
 * leaves out keep these values (clients that only pass init options, such as a Neovim set-up, keep them).
 */
let initialSettings: ServerSettings = {};

function applySettings(given: ServerSettings | undefined): void {
  const s: ServerSettings = { ...initialSettings, ...given };
  const settings: AnalysisSettings = {};
  if (s?.targetVersion) settings.targetVersion = s.targetVersion;
  const sev = s?.diagnosticSeverities ?? (s as { diagnostics?: { severity?: Record<string, string> } } | undefined)?.diagnostics?.severity;
  if (sev) {
    const out: Record<string, Severity | 'off'> = {};
    for (const [code, v] of Object.entries(sev)) if (['error', 'warning', 'information', 'hint', 'off'].includes(v)) out[code] = v as Severity | 'off';
    settings.severities = out;
  }
  // `require 'policy-extras.NAME'` reads NAME.lua there; unset, KumoMTA's install folder when it exists.
  const extras = s?.policyExtrasPath?.trim();
  if (extras) settings.policyExtrasPath = resolve(extras.replace(/^~(?=$|\/)/, homedir()));
  else if (existsSync(DEFAULT_POLICY_EXTRAS_DIR)) settings.policyExtrasPath = DEFAULT_POLICY_EXTRAS_DIR;
  service.configure(settings);
}

connection.onInitialize((params): InitializeResult => {
  canPullConfiguration = !!params.capabilities.workspace?.configuration;
  initialSettings = (params.initializationOptions as ServerSettings | undefined) ?? {};
  applySettings(undefined);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['.', ':', "'", '"', '{', ','], resolveProvider: false },
      hoverProvider: true,
      signatureHelpProvider: { triggerCharacters: ['(', ','] },
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
    },
    serverInfo: { name: 'kumo-policy-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (canPullConfiguration) void pullConfiguration();
});

async function pullConfiguration(): Promise<void> {
  try {
    const cfg = (await connection.workspace.getConfiguration('kumomta')) as ServerSettings | null;
    if (cfg) {
      applySettings(cfg);
      revalidateAll();
    }
  } catch (e) {
    connection.console.error(`reading kumomta settings failed: ${(e as Error).message}`);
  }
}

connection.onDidChangeConfiguration((change) => {
  if (canPullConfiguration) void pullConfiguration();
  else {
    applySettings((change.settings as { kumomta?: ServerSettings } | undefined)?.kumomta);
    revalidateAll();
  }
});

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};

function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: 'kumomta', message: d.message };
  if (d.tags?.includes('deprecated')) out.tags = [DiagnosticTag.Deprecated];
  return out;
}

const timers = new Map<string, NodeJS.Timeout>();

function validate(doc: TextDocument): void {
  const started = performance.now();
  const path = toPath(doc.uri);
  uriByPath.set(path, doc.uri);
  service.setDocument(path, doc.getText());
  let diags: Diagnostic[];
  try {
    diags = service.diagnostics(path);
  } catch (e) {
    connection.console.error(`analysis of ${doc.uri} failed: ${(e as Error).stack ?? e}`);
    diags = [];
  }
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diags.map(toLspDiagnostic) });
  const timing: AnalysisTimingParams = {
    uri: doc.uri, version: doc.version, durationMs: +(performance.now() - started).toFixed(2),
    errors: diags.filter((d) => d.severity === 'error').length, warnings: diags.filter((d) => d.severity === 'warning').length,
  };
  void connection.sendNotification(AnalysisTimingNotification, timing);
}

function schedule(doc: TextDocument): void {
  const prev = timers.get(doc.uri);
  if (prev) clearTimeout(prev);
  if (DEBOUNCE_MS <= 0) {
    timers.delete(doc.uri);
    validate(doc);
    return;
  }
  timers.set(doc.uri, setTimeout(() => {
    timers.delete(doc.uri);
    const current = documents.get(doc.uri);
    if (current) validate(current);
  }, DEBOUNCE_MS));
}

function revalidateAll(): void {
  for (const d of documents.all()) schedule(d);
}

/**
 * Other open documents whose policy includes a changed file (a module they require, a file of their folder)
 * are checked again once edits pause: what a module exports, or the pools it defines, may have changed.
 */
const DEPENDENTS_MS = Number(process.env.KUMO_LSP_DEPENDENTS_MS ?? 300);
const changedPaths = new Set<string>();
let dependentsTimer: NodeJS.Timeout | undefined;
function scheduleDependents(doc: TextDocument): void {
  changedPaths.add(toPath(doc.uri));
  if (dependentsTimer) clearTimeout(dependentsTimer);
  dependentsTimer = setTimeout(() => {
    dependentsTimer = undefined;
    const changed = new Set(changedPaths);
    changedPaths.clear();
    for (const d of documents.all()) {
      const path = toPath(d.uri);
      if (changed.has(path) || timers.has(d.uri)) continue;
      try {
        if (service.unit(path).some((u) => u.path !== path && changed.has(u.path))) validate(d);
      } catch (e) {
        connection.console.error(`re-checking ${d.uri} failed: ${(e as Error).message}`);
      }
    }
  }, DEPENDENTS_MS);
}

documents.onDidOpen((e) => schedule(e.document));
documents.onDidChangeContent((e) => {
  schedule(e.document);
  if (documents.all().length > 1) scheduleDependents(e.document);
});
documents.onDidClose((e) => {
  const path = toPath(e.document.uri);
  service.removeDocument(path);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

/** Requests see the latest text even when validation is still debounced. */
function sync(uri: string): string | undefined {
  const doc = documents.get(uri);
  if (!doc) return undefined;
  const path = toPath(uri);
  uriByPath.set(path, uri);
  service.setDocument(path, doc.getText());
  return path;
}

const COMPLETION_KIND: Record<CompletionItem['kind'], CompletionItemKind> = {
  module: CompletionItemKind.Module, function: CompletionItemKind.Function, method: CompletionItemKind.Method, field: CompletionItemKind.Field,
  property: CompletionItemKind.Property, value: CompletionItemKind.EnumMember, event: CompletionItemKind.Event, snippet: CompletionItemKind.Snippet, keyword: CompletionItemKind.Keyword,
};

connection.onCompletion((params, token) => {
  const path = sync(params.textDocument.uri);
  if (!path || token.isCancellationRequested) return [];
  const model = service.model(path)!;
  return service.completion(path, params.position).map((c): LspCompletionItem => {
    const item: LspCompletionItem = { label: c.label, kind: COMPLETION_KIND[c.kind] };
    if (c.detail) item.detail = c.detail;
    if (c.documentation) item.documentation = { kind: 'markdown', value: c.documentation };
    if (c.sortText) item.sortText = c.sortText;
    if (c.deprecated) item.tags = [1];
    const newText = c.insertText ?? c.label;
    if (c.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
    if (c.replaceStart !== undefined && c.replaceEnd !== undefined) item.textEdit = { range: model.lines.range(c.replaceStart, c.replaceEnd), newText };
    else item.insertText = newText;
    return item;
  });
});

connection.onHover((params, token) => {
  const path = sync(params.textDocument.uri);
  if (!path || token.isCancellationRequested) return null;
  const h = service.hover(path, params.position);
  return h ? { range: h.range, contents: { kind: 'markdown', value: h.contents } } : null;
});

connection.onSignatureHelp((params, token) => {
  const path = sync(params.textDocument.uri);
  if (!path || token.isCancellationRequested) return null;
  const s = service.signatureHelp(path, params.position);
  if (!s) return null;
  return {
    signatures: [{ label: s.label, ...(s.documentation ? { documentation: s.documentation } : {}), parameters: s.parameters.map((p) => ({ label: p.label, ...(p.documentation ? { documentation: p.documentation } : {}) })) }],
    activeSignature: 0, activeParameter: s.activeParameter,
  };
});

connection.languages.inlayHint.on((params, token) => {
  const path = sync(params.textDocument.uri);
  if (!path || token.isCancellationRequested) return [];
  return service.inlayHints(path, params.range.start, params.range.end).map((h) => ({ position: h.position, label: h.label, ...(h.tooltip ? { tooltip: h.tooltip } : {}), paddingLeft: false }));
});

connection.onCodeAction((params, token) => {
  const path = sync(params.textDocument.uri);
  if (!path || token.isCancellationRequested) return [];
  const diags = params.context.diagnostics;
  return service.codeActions(path, params.textDocument.uri, params.range.start, params.range.end).map((a) => {
    const changes: Record<string, Array<{ range: typeof a.edits[number]['edit']['range']; newText: string }>> = {};
    for (const e of a.edits) (changes[e.uri] ??= []).push(e.edit);
    const matching = diags.filter((d) => d.code === a.diagnosticCode);
    return { title: a.title, kind: CodeActionKind.QuickFix, isPreferred: !!a.preferred, diagnostics: matching, edit: { changes } };
  });
});

connection.onDefinition((params) => {
  const path = sync(params.textDocument.uri);
  return path ? service.definition(path, params.position).map((l) => ({ uri: toUri(l.uri), range: l.range })) : [];
});

connection.onReferences((params) => {
  const path = sync(params.textDocument.uri);
  return path ? service.references(path, params.position, params.context.includeDeclaration).map((l) => ({ uri: toUri(l.uri), range: l.range })) : [];
});

connection.onPrepareRename((params) => {
  const path = sync(params.textDocument.uri);
  return (path && service.prepareRename(path, params.position)) || null;
});

connection.onRenameRequest((params) => {
  const path = sync(params.textDocument.uri);
  if (!path) return null;
  const changes: Record<string, Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>> = {};
  let edits: ReturnType<typeof service.rename>;
  try {
    edits = service.rename(path, params.position, params.newName);
  } catch (e) {
    return new ResponseError(LSPErrorCodes.RequestFailed, (e as Error).message);
  }
  for (const e of edits) (changes[toUri(e.uri)] ??= []).push(e.edit);
  return { changes };
});

const SYMBOL_KIND: Record<KSymbolKind, SymbolKind> = {
  event: SymbolKind.Event, function: SymbolKind.Function, source: SymbolKind.Constant, pool: SymbolKind.Enum, listener: SymbolKind.Interface, variable: SymbolKind.Variable,
};

connection.onDocumentSymbol((params) => {
  const path = sync(params.textDocument.uri);
  return path ? service.documentSymbols(path).map((s) => ({ name: s.name, kind: SYMBOL_KIND[s.kind], range: s.range, selectionRange: s.selectionRange, ...(s.detail ? { detail: s.detail } : {}) })) : [];
});

connection.onRequest(DiagnosticCodesRequest, (): DiagnosticCodesResult => [...diagnosticCodes.values()].map((c) => ({ code: c.code, group: c.group, severity: c.severity, summary: c.summary })));

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? e}`));

documents.listen(connection);
connection.listen();
