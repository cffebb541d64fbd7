/** Signature help, inlay hints, code actions, string-entity navigation and document symbols. */
import { formatParams } from '../../runtime/catalog/describe';
import type { CallContext, EntityRef, FileModel } from './model';
import type { CodeAction, Diagnostic, DocumentSymbol, InlayHint, SignatureHelpResult } from './types';

/**
 * Signature help for the innermost call around `offset`. Calls of a required module's functions get their
 * signature from `member` (the module file's definition); without one they get none.
 */
export function signatureHelp(model: FileModel, offset: number, member?: (call: CallContext) => Omit<SignatureHelpResult, 'activeParameter'> | undefined): SignatureHelpResult | undefined {
  let best: FileModel['calls'][number] | undefined;
  for (const c of model.calls) if (c.start <= offset && offset <= c.end && (!best || c.start >= best.start)) best = c;
  if (!best) return undefined;
  const active = best.commas.filter((c) => c < offset).length;
  if (best.member) {
    const sig = member?.(best);
    return sig ? { ...sig, activeParameter: Math.min(active, Math.max(0, sig.parameters.length - 1)) } : undefined;
  }
  return {
    label: `${best.label}(${formatParams(best.params)}) -> ${best.returns}`,
    ...(best.doc ? { documentation: best.doc } : {}),
    parameters: best.params.map((p) => ({ label: formatParams([p]), ...(p.description ? { documentation: p.description } : {}) })),
    activeParameter: Math.min(active, Math.max(0, best.params.length - 1)),
  };
}

export function inlayHints(model: FileModel, start = 0, end = Infinity): InlayHint[] {
  return model.inlays.filter((h) => h.offset >= start && h.offset <= end).map((h) => ({ position: model.lines.positionAt(h.offset), label: ` ${h.label}`, tooltip: 'normalized by kumod\'s parser' }));
}

export function codeActions(uri: string, model: FileModel, diagnostics: Diagnostic[], start: number, end: number): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.end < start || d.start > end) continue;
    for (const fix of [d.altFix, d.fix]) if (fix) addFix(out, uri, model, d, fix);
  }
  return out;
}

function addFix(out: CodeAction[], uri: string, model: FileModel, d: Diagnostic, fix: NonNullable<Diagnostic['fix']>): void {
  {
    if (fix.kind === 'replace') {
      fix.replacements.forEach((r, i) => {
        out.push({
          title: fix.title === 'Did you mean' ? `Change to '${r}'` : fix.title, kind: 'quickfix', diagnosticCode: d.code, preferred: i === 0,
          edits: [{ uri, edit: { range: d.range, newText: r } }],
        });
      });
    } else if (fix.kind === 'migrate') {
      out.push({ title: fix.title, kind: 'quickfix', diagnosticCode: d.code, preferred: true, edits: [{ uri, edit: { range: model.lines.range(fix.start, fix.end), newText: fix.text } }] });
    } else if (fix.kind === 'add-keys') {
      const text = fix.keys.map((k) => `\n${fix.indent}${k} = nil, -- TODO`).join('');
      out.push({
        title: `Add missing key${fix.keys.length > 1 ? 's' : ''} ${fix.keys.join(', ')}`, kind: 'quickfix', diagnosticCode: d.code, preferred: true,
        edits: [{ uri, edit: { range: model.lines.range(fix.insertAt, fix.insertAt), newText: (fix.trailingComma ? ',' : '') + text } }],
      });
    }
  }
}

/** The string entity (pool, source, event) under the cursor. */
export function entityAt(model: FileModel, offset: number): EntityRef | undefined {
  return model.entities.find((e) => e.start <= offset && offset <= e.end);
}

export function documentSymbols(model: FileModel): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const h of model.handlers) {
    out.push({ name: `on ${h.event}`, kind: 'event', detail: 'handler', range: model.lines.range(h.start, Math.max(h.fnEnd, h.end)), selectionRange: model.lines.range(h.start, h.end) });
  }
  for (const e of model.entities) {
    if (!e.definition || e.kind === 'event') continue;
    out.push({ name: e.name, kind: e.kind === 'pool' ? 'pool' : e.kind === 'source' ? 'source' : 'listener', detail: e.kind, range: model.lines.range(e.start, e.end), selectionRange: model.lines.range(e.start, e.end) });
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}
