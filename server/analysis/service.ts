/**
 * The analysis service: in-memory documents keyed by path, each analysed once per text, plus the policy
 * "unit" (a file and the local modules it requires) for cross-file checks. No LSP types: the host translates.
 */
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { getCatalog } from '../../runtime/catalog/catalog';
import { suggest } from '../../runtime/catalog/suggest';
import { codeInfo } from './codes';
import { analyzeText, newAnalysisCache, type AnalysisCache, type FileModel } from './model';
import { complete } from './completion';
import { codeActions, documentSymbols, entityAt, inlayHints, signatureHelp } from './features';
import { hoverAt, moduleMemberHover, requireHover } from './hover';
import { inferExports, paramLabels, renderDoc, type ModuleExports, type ModuleMember } from './exports';
import { bindingAt, renameConflict, resolveText, type Resolution } from './locals';
import { LineIndex } from './text';
import type { CallContext } from './model';
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
  /** Name resolution and module exports of this text, computed on first need (null: the file exports no readable table). */
  resolution?: Resolution;
  exports?: ModuleExports | null;
}

/** Where KumoMTA installs its policy helpers; the default of `policyExtrasPath` when it exists (hosts check). */
export { DEFAULT_POLICY_EXTRAS_DIR } from '../../runtime/lua/kumod-paths';

const LUA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LUA_KEYWORDS = new Set(['and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in', 'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while']);

/** Member names a file assigns anywhere (`x.name =`, `function x.name(`, `x['name'] =`): a module table may gain them. */
const assignedCache = new WeakMap<FileModel, Set<string>>();
function assignedMembers(model: FileModel): Set<string> {
  let set = assignedCache.get(model);
  if (!set) {
    set = new Set();
    const text = model.text;
    for (const m of text.matchAll(/\.\s*([A-Za-z_]\w*)\s*=(?!=)/g)) set.add(m[1]);
    for (const m of text.matchAll(/function\s+[A-Za-z_][\w.]*[.:]([A-Za-z_]\w*)\s*\(/g)) set.add(m[1]);
    for (const m of text.matchAll(/\[\s*['"]([A-Za-z_]\w*)['"]\s*\]\s*=(?!=)/g)) set.add(m[1]);
    assignedCache.set(model, set);
  }
  return set;
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

  /**
   * The file `require(name)` from `fromPath` loads, if one exists: a local module (next to the file, or on the
   * `package.path` templates the policy sets), or `policy-extras.NAME` in the policyExtrasPath folder.
   */
  resolveRequire(fromPath: string, name: string, packagePaths: string[] = []): string | undefined {
    if (name.startsWith('policy-extras.')) {
      // kumod puts /opt/kumomta/share/?.lua on package.path; policy-extras.NAME is share/policy-extras/NAME.lua.
      const dir = this.settings.policyExtrasPath;
      if (!dir) return undefined;
      const file = join(dir, `${name.slice('policy-extras.'.length).replace(/\./g, '/')}.lua`);
      return this.docs.has(file) || this.diskDoc(file) ? file : undefined;
    }
    if (name === 'kumo' || getCatalog().getModule(name)) return undefined;
    const rel = name.replace(/\./g, '/');
    const dir = dirname(fromPath);
    const fromTemplates = packagePaths.map((t) => t.trim().replace(/\?/g, rel)).filter((p) => p.length > 0).map((p) => (isAbsolute(p) ? p : join(dir, p)));
    for (const candidate of [join(dir, `${rel}.lua`), join(dir, rel, 'init.lua'), ...fromTemplates]) {
      if (this.docs.has(candidate) || this.diskDoc(candidate)) return candidate;
    }
    return undefined;
  }

  /** True for files in the policy-extras folder (read, never edited). */
  private isExtrasFile(path: string): boolean {
    const dir = this.settings.policyExtrasPath;
    return !!dir && path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  }

  private resolution(doc: Doc): Resolution {
    return (doc.resolution ??= resolveText(doc.text, doc.cache?.parse));
  }

  /** What a module file exports (memoized per text). */
  exportsOf(path: string): ModuleExports | undefined {
    const doc = this.docs.get(path) ?? this.diskDoc(path);
    if (!doc) return undefined;
    if (doc.exports === undefined) doc.exports = inferExports(doc.text, this.resolution(doc)) ?? null;
    return doc.exports ?? undefined;
  }

  /** The file and exports of a module `fromPath` requires. */
  private moduleOf(fromPath: string, m: FileModel, module: string): { file: string; exports: ModuleExports } | undefined {
    const file = this.resolveRequire(fromPath, module, m.packagePaths);
    const exports = file ? this.exportsOf(file) : undefined;
    return file && exports ? { file, exports } : undefined;
  }

  private location(path: string, start: number, end: number): Location | undefined {
    const text = this.getText(path);
    return text === undefined ? undefined : { uri: path, range: new LineIndex(text).range(start, end) };
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
    // How often each string literal appears across the unit: only needed for an event name that is not a
    // known one, so it is summed on first need rather than on every keystroke.
    let strings: Map<string, number> | undefined;
    const stringCount = (name: string): number => {
      if (!strings) {
        strings = new Map();
        for (const { model } of unit) for (const [s, n] of model.strings) strings.set(s, (strings.get(s) ?? 0) + n);
      }
      return strings.get(name) ?? 0;
    };
    const nonDefEventRefs = new Set<string>();
    for (const { model } of unit) {
      for (const e of model.entities) {
        if (e.definition && (e.kind === 'pool' || e.kind === 'source' || e.kind === 'event')) defs[e.kind].add(e.name);
        if (!e.definition && e.kind === 'event') nonDefEventRefs.add(e.name);
      }
      for (const k of model.dynamicDefinitions) dynamic.add(k);
      if (model.requires.some((r) => r.name.startsWith('policy-extras.'))) extras = true;
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
    if (m.moduleRefs.length) this.moduleMemberChecks(path, m, unit, push);
    // Unknown event names: neither in the catalog, nor a dynamic event prefix, nor referenced elsewhere.
    const prefixes = catalog.dynamicEvents.map((d) => /^([a-z_]+)</.exec(d.pattern)?.[1]).filter((p): p is string => !!p);
    for (const h of m.handlers) {
      const name = h.event;
      if (m.insertions.some((x) => x >= h.start && x <= h.end + 1)) continue; // still being typed
      if (catalog.getEvent(name) || prefixes.some((p) => name.startsWith(p)) || nonDefEventRefs.has(name)) continue;
      if (stringCount(name) > 1) continue;
      const s = suggest(name, catalog.events.keys());
      if (!s.length && /[^a-z0-9_]/.test(name)) continue;
      push('unknown-event', h.start, h.end,
        `No KumoMTA event is named '${name}', and nothing in this policy fires it.${s.length ? ` Did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : ''}`,
        s.length ? { fix: { kind: 'replace', title: 'Did you mean', replacements: s } } : {});
    }
    return out;
  }

  /**
   * `m.name` where `m = require 'x'` and x's file returns a table whose members are all known, none of them
   * `name`, and no file of the policy assigns a member of that name.
   */
  private moduleMemberChecks(path: string, m: FileModel, unit: Array<{ path: string; model: FileModel }>, push: (code: string, start: number, end: number, message: string, extra?: Partial<Diagnostic>) => void): void {
    const modules = new Map<string, ReturnType<AnalysisService['moduleOf']>>();
    let assigned: Set<string> | undefined;
    for (const r of m.moduleRefs) {
      if (!modules.has(r.module)) modules.set(r.module, this.moduleOf(path, m, r.module));
      const mod = modules.get(r.module);
      if (!mod || !mod.exports.complete || mod.exports.members.has(r.name)) continue;
      if (m.insertions.some((x) => x >= r.start && x <= r.end)) continue; // still being typed
      if (!assigned) {
        assigned = new Set();
        for (const u of unit) for (const n of assignedMembers(u.model)) assigned.add(n);
      }
      if (assigned.has(r.name) || this.probedOrRebound(path, r.start, r.name)) continue;
      const s = suggest(r.name, mod.exports.members.keys());
      push('unknown-member', r.start, r.end, `Module '${r.module}' (${basename(mod.file)}) has no member '${r.name}'.${s.length ? ` Did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : ''}`,
        s.length ? { fix: { kind: 'replace', title: 'Did you mean', replacements: s } } : {});
    }
  }

  /**
   * The file tests whether a member of this name exists (`if m.x then m.x() end`, `m.x or default`), or the
   * variable read at `start` is assigned again (so it may hold another module). Asked only for would-be findings.
   */
  private probedOrRebound(path: string, start: number, name: string): boolean {
    const doc = this.docs.get(path) ?? this.diskDoc(path);
    if (!doc) return true;
    const bindings = this.resolution(doc).bindings;
    if (bindings.some((b) => b.refs.some((x) => x.use.k === 'member' && x.use.probe && x.use.name === name))) return true;
    const base = bindings.find((b) => b.refs.some((x) => x.use.k === 'member' && x.use.start === start));
    return !!base && base.refs.some((x) => x.use.k === 'write');
  }

  // ---- editor features; positions are 0-based ----

  private at(path: string, pos: Position): { m: FileModel; offset: number } | undefined {
    const m = this.model(path);
    return m ? { m, offset: m.lines.offsetAt(pos) } : undefined;
  }

  completion(path: string, pos: Position): CompletionItem[] {
    const a = this.at(path, pos);
    return a ? complete(a.m, a.offset, this.settings, (module) => this.moduleOf(path, a.m, module)?.exports) : [];
  }

  hover(path: string, pos: Position): HoverResult | undefined {
    const a = this.at(path, pos);
    if (!a) return undefined;
    const member = this.moduleMemberAt(path, a.m, a.offset);
    if (member) {
      return { range: a.m.lines.range(member.ref.start, member.ref.end), contents: moduleMemberHover(member.ref.module, member.member, basename(member.file), this.location(member.file, member.member.start, member.member.end)?.range.start.line) };
    }
    const req = a.m.requires.find((r) => r.start <= a.offset && a.offset <= r.end);
    if (req) {
      const file = this.resolveRequire(path, req.name, a.m.packagePaths);
      if (file) return { range: a.m.lines.range(req.start, req.end), contents: requireHover(req.name, file, this.exportsOf(file)) };
    }
    return hoverAt(a.m, a.offset);
  }

  /** The module member under the cursor (`m.setup` with `m = require 'x'`), when x's file defines it. */
  private moduleMemberAt(path: string, m: FileModel, offset: number): { ref: FileModel['moduleRefs'][number]; file: string; member: ModuleMember } | undefined {
    const ref = m.moduleRefs.find((r) => r.start <= offset && offset <= r.end);
    const mod = ref && this.moduleOf(path, m, ref.module);
    const member = mod?.exports.members.get(ref!.name);
    return mod && member ? { ref: ref!, file: mod.file, member } : undefined;
  }

  signatureHelp(path: string, pos: Position): SignatureHelpResult | undefined {
    const a = this.at(path, pos);
    return a ? signatureHelp(a.m, a.offset, (call) => this.memberCallSignature(path, a.m, call)) : undefined;
  }

  /** The signature of `m.f(` / `m:f(` from the module file; `:` passes the table as the first parameter. */
  private memberCallSignature(path: string, m: FileModel, call: CallContext): Omit<SignatureHelpResult, 'activeParameter'> | undefined {
    const c = call.member!;
    const member = this.moduleOf(path, m, c.module)?.exports.members.get(c.name);
    if (!member || member.kind !== 'function') return undefined;
    let params = paramLabels(member).map((label, i) => ({ label, name: member.params[i] }));
    if (c.indexer === ':' && !member.method) params = params.slice(1);
    if (c.indexer === '.' && member.method) params = [{ label: 'self', name: 'self' }, ...params];
    const label = `${c.module}${c.indexer}${c.name}(${params.map((p) => p.label).join(', ')})${member.returns ? ` -> ${member.returns}` : ''}`;
    return {
      label,
      ...(member.doc ? { documentation: renderDoc(member.doc) } : {}),
      parameters: params.map((p) => {
        const d = member.paramDocs?.get(p.name)?.description;
        return d ? { label: p.label, documentation: d } : { label: p.label };
      }),
    };
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

  /** The local (or parameter) under the cursor in `path`, with every occurrence; not `self` of a method. */
  private localAt(path: string, offset: number): ReturnType<typeof bindingAt> {
    const doc = this.docs.get(path) ?? this.diskDoc(path);
    if (!doc) return undefined;
    const hit = bindingAt(this.resolution(doc), offset);
    return hit && hit.binding.kind !== 'self' ? hit : undefined;
  }

  /** Every occurrence of the string entity under the cursor across the policy unit, or of the local under it in its file. */
  references(path: string, pos: Position, includeDeclaration = true): Location[] {
    const a = this.at(path, pos);
    if (!a) return [];
    const e = entityAt(a.m, a.offset);
    if (!e) {
      const local = this.localAt(path, a.offset);
      if (!local) return [];
      const b = local.binding;
      const spans = [...(includeDeclaration ? [[b.start, b.end]] : []), ...b.refs.map((r) => [r.start, r.end])].sort((x, y) => x[0] - y[0]);
      return spans.map(([s, t]) => ({ uri: path, range: a.m.lines.range(s, t) }));
    }
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
    if (!a) return [];
    const member = this.moduleMemberAt(path, a.m, a.offset);
    if (member) {
      const loc = this.location(member.file, member.member.start, member.member.end);
      return loc ? [loc] : [];
    }
    const req = a.m.requires.find((r) => r.start <= a.offset && a.offset <= r.end);
    if (req) {
      const file = this.resolveRequire(path, req.name, a.m.packagePaths);
      const exports = file ? this.exportsOf(file) : undefined;
      const loc = file ? this.location(file, exports?.start ?? 0, exports?.end ?? 0) : undefined;
      return loc ? [loc] : [];
    }
    const e = entityAt(a.m, a.offset);
    if (!e) {
      const local = this.localAt(path, a.offset);
      return local ? [{ uri: path, range: a.m.lines.range(local.binding.start, local.binding.end) }] : [];
    }
    const out: Location[] = [];
    for (const { path: p, model } of this.unit(path)) {
      for (const r of model.entities) if (r.kind === e.kind && r.name === e.name && r.definition) out.push({ uri: p, range: model.lines.range(r.start, r.end) });
    }
    return out;
  }

  prepareRename(path: string, pos: Position): { range: import('./types').Range; placeholder: string } | undefined {
    const a = this.at(path, pos);
    if (!a) return undefined;
    const e = entityAt(a.m, a.offset);
    if (!e) {
      const local = this.localAt(path, a.offset);
      return local ? { range: a.m.lines.range(local.start, local.end), placeholder: local.binding.name } : undefined;
    }
    if (e.kind === 'event' && getCatalog().getEvent(e.name)) return undefined;
    return { range: a.m.lines.range(e.start, e.end), placeholder: e.name };
  }

  /**
   * Edits renaming the entity or local under the cursor. Throws when `newName` cannot name a local. Files in
   * the policy-extras folder are never edited.
   */
  rename(path: string, pos: Position, newName: string): Array<{ uri: string; edit: TextEdit }> {
    const a = this.at(path, pos);
    if (!a || !this.prepareRename(path, pos)) return [];
    if (!entityAt(a.m, a.offset)) {
      if (!LUA_NAME.test(newName) || LUA_KEYWORDS.has(newName)) throw new Error(`'${newName}' is not a valid Lua name`);
      const doc = this.docs.get(path) ?? this.diskDoc(path);
      const local = this.localAt(path, a.offset);
      const conflict = doc && local ? renameConflict(this.resolution(doc), local.binding, newName) : undefined;
      if (conflict) throw new Error(`Cannot rename to '${newName}': ${conflict}.`);
    }
    return this.references(path, pos, true).filter((l) => !this.isExtrasFile(l.uri)).map((l) => ({ uri: l.uri, edit: { range: l.range, newText: newName } }));
  }
}
