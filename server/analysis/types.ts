/** Editor-neutral types of the analysis service: 0-based lines and UTF-16 characters, end exclusive. */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Diagnostic {
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  /** Offsets in the document, kept for code actions. */
  start: number;
  end: number;
  /** Data a quick fix can use: replacement texts, missing keys, ... */
  fix?: FixData;
  /** A second, alternative fix (a full migration beside a plain rename). */
  altFix?: FixData;
  tags?: Array<'deprecated' | 'unnecessary'>;
}

export type FixData =
  | { kind: 'replace'; title: string; replacements: string[] }
  | { kind: 'add-keys'; keys: string[]; insertAt: number; indent: string; trailingComma: boolean }
  | { kind: 'migrate'; title: string; text: string; start: number; end: number };

export type CompletionKind = 'module' | 'function' | 'method' | 'field' | 'property' | 'value' | 'event' | 'snippet' | 'keyword';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert; a snippet (with $1, ${2:x}) when `snippet` is true. */
  insertText?: string;
  snippet?: boolean;
  /** Replaces [start, end) of the document when given. */
  replaceStart?: number;
  replaceEnd?: number;
  sortText?: string;
  deprecated?: boolean;
}

export interface HoverResult {
  range: Range;
  /** Markdown. */
  contents: string;
}

export interface SignatureHelpResult {
  label: string;
  documentation?: string;
  parameters: Array<{ label: string; documentation?: string }>;
  activeParameter: number;
}

export interface InlayHint {
  position: Position;
  label: string;
  tooltip?: string;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  diagnosticCode: string;
  edits: Array<{ uri: string; edit: TextEdit }>;
  preferred?: boolean;
}

export interface Location {
  uri: string;
  range: Range;
}

export type SymbolKind = 'event' | 'function' | 'source' | 'pool' | 'listener' | 'variable';

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
}

/** Settings the service honours; the host reads them from `kumomta.*`. */
export interface AnalysisSettings {
  /** KumoMTA release the policy targets; API newer than it is reported. */
  targetVersion?: string;
  /** Per-code severity overrides, or 'off'. */
  severities?: Record<string, Severity | 'off'>;
  /** The folder `require 'policy-extras.NAME'` reads NAME.lua from (kumod: /opt/kumomta/share/policy-extras). */
  policyExtrasPath?: string;
}
