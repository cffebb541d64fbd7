/**
 * The analysis service: in-memory documents keyed by path, each analysed once per text, plus the policy
 * "unit" (a file and the local modules it requires) for cross-file checks. No LSP types: the host translates.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { getCatalog } from '../../runtime/catalog/catalog';
import { suggest } from '../../runtime/catalog/suggest';
import { codeInfo } from './codes';
import { analyzeText, newAnalysisCache, type AnalysisCache, type FileModel } from './model';
import { complete } from './completion';
import { codeActions, documentSymbols, entityAt, inlayHints, signatureHelp } from './features';
import { hoverAt } from './hover';
import type {
  AnalysisSettings, CodeAction, CompletionItem, Diagnostic, DocumentSymbol, HoverResult, InlayHint, Location, Position, Severity, SignatureHelpResult, TextEdit,
} from './types';

export interface FileSystem {
  readFile(path: string): string | undefined;
}

interface Doc {
  path: string;
  text: string;
  model?: FileModel;
  cache?: AnalysisCache;
}

export class AnalysisService {
  private readonly docs = new Map<string, Doc>();
  /** Files read from disk for `require`, analysed on demand. */
  private readonly disk = new Map<string, Doc | null>();
  private settings: AnalysisSettings = {};

  constructor(private readonly fs: FileSystem = { readFile: () => undefined }) {}

  configure(settings: AnalysisSettings): void {
    this.settings = settings;
    for (const d of this.docs.values()) delete d.model;
    for (const d of this.disk.values()) if (d) delete d.model;
  }

  setDocument(path: string, text: string): void {
    const doc = this.docs.get(path);
    if (doc && doc.text === text) return;
    // The segment cache survives edits: only the changed statements are parsed and walked again.
    this.docs.set(path, { path, text, cache: doc?.cache ?? newAnalysisCache() });
    this.disk.delete(path);
  }

  removeDocument(path: string): void {
    this.docs.delete(path);
  }

  hasDocument(path: string): boolean {
    return this.docs.has(path);
  }

  getText(path: string): string | undefined {
    return this.docs.get(path)?.text ?? this.diskDoc(path)?.text;
  }

  /** The analysed model of a document (or of a file read for `require`). */
  model(path: string): FileModel | undefined {
    const doc = this.docs.get(path) ?? this.diskDoc(path);
    if (!doc) return undefined;
    doc.model ??= analyzeText(doc.text, this.settings, doc.cache);
    return doc.model;
  }

  private diskDoc(path: string): Doc | undefined {
    if (!this.disk.has(path)) {
      const text = this.fs.readFile(path);
      this.disk.set(path, text === undefined ? null : { path, text });
    }
    return this.disk.get(path) ?? undefined;
  }

  /** Local module file for `require(name)` from `fromPath`, if one exists. */
  resolveRequire(fromPath: string, name: string, packagePaths: string[] = []): string | undefined {
    if (name === 'kumo' || name.startsWith('policy-extras.') || getCatalog().getModule(name)) return undefined;
    const rel = name.replace(/\./g, '/');
    const dir = dirname(fromPath);
    const fromTemplates = packagePaths.map((t) => t.trim().replace(/\?/g, rel)).filter((p) => p.length > 0).map((p) => (isAbsolute(p) ? p : join(dir, p)));
    for (const candidate of [join(dir, `${rel}.lua`), join(dir, rel, 'init.lua'), ...fromTemplates]) {
      if (this.docs.has(candidate) || this.diskDoc(candidate)) return candidate;
    }
    return undefined;
  }

  /** The file and every local module it requires, transitively (bounded). */
  unit(path: string): Array<{ path: string; model: FileModel }> {
    const out: Array<{ path: string; model: FileModel }> = [];
    const seen = new Set<string>();
    const visit = (p: string, depth: number) => {
      if (seen.has(p) || depth > 8 || seen.size > 64) return;
      seen.add(p);
      const m = this.model(p);
      if (!m) return;
      out.push({ path: p, model: m });
      for (const r of m.requires) {
        const target = this.resolveRequire(p, r.name, m.packagePaths);
        if (target) visit(target, depth + 1);
      }
    };
    visit(path, 0);
    // Open documents in the same folder belong to the same policy (init.lua and its helpers).
    const dir = dirname(path);
    for (const p of this.docs.keys()) if (dirname(p) === dir) visit(p, 8);
    return out;
  }

  /** Every diagnostic for one file: its own, plus the cross-reference checks over its unit. */
  diagnostics(path: string): Diagnostic[] {
    const m = this.model(path);
    if (!m) return [];
    return [...m.diagnostics, ...this.crossReferences(path, m)];
  }

  private crossReferences(path: string, m: FileModel): Diagnostic[] {
    const out: Diagnostic[] = [];
    const unit = this.unit(path);
    const catalog = getCatalog();
    const defs = { pool: new Set<string>(), source: new Set<string>(), event: new Set<string>() };
    const dynamic = new Set<string>();
    let extras = false;
    const strings = new Map<string, number>();
    const nonDefEventRefs = new Set<string>();
    for (const { model } of unit) {
      for (const e of model.entities) {
        if (e.definition && (e.kind === 'pool' || e.kind === 'source' || e.kind === 'event')) defs[e.kind].add(e.name);
        if (!e.definition && e.kind === 'event') nonDefEventRefs.add(e.name);
      }
      for (const k of model.dynamicDefinitions) dynamic.add(k);
      if (model.requires.some((r) => r.name.startsWith('policy-extras.'))) extras = true;
      for (const [s, n] of model.strings) strings.set(s, (strings.get(s) ?? 0) + n);
    }
    const push = (code: string, start: number, end: number, message: string, extra: Partial<Diagnostic> = {}) => {
      const override = this.settings.severities?.[code];
      if (override === 'off') return;
      out.push({ range: m.lines.range(start, end), severity: (override as Severity | undefined) ?? codeInfo(code).severity, code, message, start, end, ...extra });
    };
    for (const e of m.entities) {
      if (e.definition) continue;
      if ((e.kind === 'pool' || e.kind === 'source') && !extras && !dynamic.has(e.kind) && defs[e.kind].size > 0 && !defs[e.kind].has(e.name)) {
        const s = suggest(e.name, defs[e.kind]);
        const what = e.kind === 'pool' ? 'egress pool' : 'egress source';
        push(e.kind === 'pool' ? 'undefined-pool' : 'unknown-source', e.start, e.end,
          `No ${what} named '${e.name}' is defined in this policy.${s.length ? ` Did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : ''}`,
          s.length ? { fix: { kind: 'replace', title: 'Did you mean', replacements: s } } : {});
      }
      if (e.kind === 'event' && e.via === 'protocol.custom_lua' && !defs.event.has(e.name)) {
        push('constructor-without-handler', e.start, e.end, `custom_lua constructor '${e.name}' has no kumo.on('${e.name}', ...) handler in this policy.`);
      }
    }
    // Unknown event names: neither in the catalog, nor a dynamic event prefix, nor referenced elsewhere.
    const prefixes = catalog.dynamicEvents.map((d) => /^([a-z_]+)</.exec(d.pattern)?.[1]).filter((p): p is string => !!p);
    for (const h of m.handlers) {
      const name = h.event;
      if (m.insertions.some((x) => x >= h.start && x <= h.end + 1)) continue; // still being typed
      if (catalog.getEvent(name) || prefixes.some((p) => name.startsWith(p)) || nonDefEventRefs.has(name)) continue;
      if ((strings.get(name) ?? 0) > 1) continue;
      const s = suggest(name, catalog.events.keys());
      if (!s.length && /[^a-z0-9_]/.test(name)) continue;
      push('unknown-event', h.start, h.end,
        `No KumoMTA event is named '${name}', and nothing in this policy fires it.${s.length ? ` Did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : ''}`,
        s.length ? { fix: { kind: 'replace', title: 'Did you mean', replacements: s } } : {});
    }
    return out;
  }

  // ---- editor features; positions are 0-based ----

  private at(path: string, pos: Position): { m: FileModel; offset: number } | undefined {
    const m = this.model(path);
    return m ? { m, offset: m.lines.offsetAt(pos) } : undefined;
  }

  completion(path: string, pos: Position): CompletionItem[] {
    const a = this.at(path, pos);
    return a ? complete(a.m, a.offset, this.settings) : [];
  }

  hover(path: string, pos: Position): HoverResult | undefined {
    const a = this.at(path, pos);
    return a ? hoverAt(a.m, a.offset) : undefined;
  }

  signatureHelp(path: string, pos: Position): SignatureHelpResult | undefined {
    const a = this.at(path, pos);
    return a ? signatureHelp(a.m, a.offset) : undefined;
  }

  inlayHints(path: string, start?: Position, end?: Position): InlayHint[] {
    const m = this.model(path);
    if (!m) return [];
    return inlayHints(m, start ? m.lines.offsetAt(start) : 0, end ? m.lines.offsetAt(end) : Infinity);
  }

  codeActions(path: string, uri: string, start: Position, end: Position): CodeAction[] {
    const m = this.model(path);
    if (!m) return [];
    return codeActions(uri, m, this.diagnostics(path), m.lines.offsetAt(start), m.lines.offsetAt(end));
  }

  documentSymbols(path: string): DocumentSymbol[] {
    const m = this.model(path);
    return m ? documentSymbols(m) : [];
  }

  /** Every occurrence of the string entity under the cursor across the policy unit. */
  references(path: string, pos: Position, includeDeclaration = true): Location[] {
    const a = this.at(path, pos);
    const e = a && entityAt(a.m, a.offset);
    if (!e) return [];
    const out: Location[] = [];
    for (const { path: p, model } of this.unit(path)) {
      for (const r of model.entities) {
        if (r.kind === e.kind && r.name === e.name && (includeDeclaration || !r.definition)) out.push({ uri: p, range: model.lines.range(r.start, r.end) });
      }
    }
    return out;
  }

  definition(path: string, pos: Position): Location[] {
    const a = this.at(path, pos);
    const e = a && entityAt(a.m, a.offset);
    if (!e) return [];
    const out: Location[] = [];
    for (const { path: p, model } of this.unit(path)) {
      for (const r of model.entities) if (r.kind === e.kind && r.name === e.name && r.definition) out.push({ uri: p, range: model.lines.range(r.start, r.end) });
    }
    return out;
  }

  prepareRename(path: string, pos: Position): { range: import('./types').Range; placeholder: string } | undefined {
    const a = this.at(path, pos);
    const e = a && entityAt(a.m, a.offset);
    if (!e || !a || (e.kind === 'event' && getCatalog().getEvent(e.name))) return undefined;
    return { range: a.m.lines.range(e.start, e.end), placeholder: e.name };
  }

  rename(path: string, pos: Position, newName: string): Array<{ uri: string; edit: TextEdit }> {
    if (!this.prepareRename(path, pos)) return [];
    return this.references(path, pos, true).map((l) => ({ uri: l.uri, edit: { range: l.range, newText: newName } }));
  }
}
