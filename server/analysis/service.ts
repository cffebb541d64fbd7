/**
 * The analysis service: in-memory documents keyed by path, each analysed once per text, plus the policy
 * "unit" (a file and the local modules it requires) for cross-file checks. No LSP types: the host translates.
 */
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { getCatalog } from '../../runtime/catalog/catalog';
import { suggest } from '../../runtime/catalog/suggest';
import { parseTypeExpr, unionMembers } from '../../runtime/catalog/type-expr';
import type * as lp from 'luaparse';
import { codeInfo } from './codes';
import { analyzeText, newAnalysisCache, type AnalysisCache, type FileModel, type LType } from './model';
import { complete, describeType } from './completion';
import { codeActions, documentSymbols, entityAt, inlayHints, signatureHelp } from './features';
import { hoverAt, moduleMemberHover, requireHover } from './hover';
import { inferExports, paramLabels, renderDoc, type ModuleExports, type ModuleMember } from './exports';
import { bindingAt, renameConflict, resolveText, type Binding, type Resolution } from './locals';
import { stringValue } from './parse';
import { RESERVED_WORDS } from './lua-lexer';
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
      if (r.via !== undefined) continue; // `m.sub.x`: what may test or add to `m.sub` is not followed
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
    return a ? complete(a.m, a.offset, this.settings, (module) => this.moduleOf(path, a.m, module)?.exports, (t) => this.moduleValue(path, a.m, t)) : [];
  }

  hover(path: string, pos: Position): HoverResult | undefined {
    const a = this.at(path, pos);
    if (!a) return undefined;
    const member = this.moduleMemberAt(path, a.m, a.offset);
    if (member) {
      return { range: a.m.lines.range(member.ref.start, member.ref.end), contents: moduleMemberHover(member.label, member.member, basename(member.file), this.location(member.file, member.member.start, member.member.end)?.range.start.line) };
    }
    const req = a.m.requires.find((r) => r.start <= a.offset && a.offset <= r.end);
    if (req) {
      const file = this.resolveRequire(path, req.name, a.m.packagePaths);
      if (file) return { range: a.m.lines.range(req.start, req.end), contents: requireHover(req.name, file, this.exportsOf(file)) };
    }
    return hoverAt(a.m, a.offset, (t) => {
      const held = this.moduleValue(path, a.m, t);
      if (!held) return undefined;
      if (!('exports' in held)) return describeType(held);
      const names = [...held.exports.members.keys()].filter((k) => !k.startsWith('__'));
      return `${held.label} { ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''} }`;
    });
  }

  /** The module member under the cursor (`m.setup` with `m = require 'x'`), when x's file defines it. */
  private moduleMemberAt(path: string, m: FileModel, offset: number): { ref: FileModel['moduleRefs'][number]; file: string; member: ModuleMember; label: string } | undefined {
    const ref = m.moduleRefs.find((r) => r.start <= offset && offset <= r.end);
    const found = ref && this.memberOf(path, m, ref.module, ref.name, ref.via);
    return found ? { ref: ref!, ...found } : undefined;
  }

  /** Member `name` of a required module (of its member `via`, one level down), with the file defining it. */
  private memberOf(path: string, m: FileModel, module: string, name: string, via?: string): { file: string; member: ModuleMember; label: string } | undefined {
    const mod = this.moduleOf(path, m, module);
    if (!mod) return undefined;
    if (via === undefined) {
      const member = mod.exports.members.get(name);
      return member ? { file: mod.file, member, label: module } : undefined;
    }
    const sub = this.heldTable(mod.file, mod.exports.members.get(via));
    const member = sub?.exports.members.get(name);
    return sub && member ? { file: sub.file, member, label: `${module}.${via}` } : undefined;
  }

  /** The table a module member holds: a table constructor, or the exports of the module it requires. */
  private heldTable(file: string, member: ModuleMember | undefined): { file: string; exports: ModuleExports } | undefined {
    if (!member) return undefined;
    if (member.table) return { file, exports: member.table };
    if (member.requires === undefined) return undefined;
    const target = this.resolveRequire(file, member.requires, this.model(file)?.packagePaths);
    const exports = target ? this.exportsOf(target) : undefined;
    return target && exports ? { file: target, exports } : undefined;
  }

  /**
   * What a module value holds, for completion: `m.sub` (a table member or a required module), or the result of
   * `m.new()` (an instance of the module's class, a returned table, or a catalog type). Undefined when unsure.
   */
  private moduleValue(path: string, m: FileModel, t: LType): { label: string; exports: ModuleExports } | LType | undefined {
    if (t.k !== 'modmember' && t.k !== 'modresult') return undefined;
    const found = this.memberOf(path, m, t.module, t.name, t.via);
    if (!found) return undefined;
    const label = `${found.label}.${t.name}`;
    if (t.k === 'modmember') {
      if (t.via !== undefined) return undefined;
      const held = this.heldTable(found.file, found.member);
      return held ? { label, exports: held.exports } : undefined;
    }
    const result = found.member.result;
    if (!result || found.member.kind !== 'function') return undefined;
    if (result.kind === 'call') return catalogType(result.callee);
    const members = new Map(result.fields);
    if (result.kind === 'instance') {
      for (const [k, v] of this.exportsOf(found.file)?.members ?? []) if (!k.startsWith('__') && !members.has(k)) members.set(k, v);
    }
    return { label: `${label}()`, exports: { members, complete: false, start: found.member.start, end: found.member.end } };
  }

  signatureHelp(path: string, pos: Position): SignatureHelpResult | undefined {
    const a = this.at(path, pos);
    return a ? signatureHelp(a.m, a.offset, (call) => this.memberCallSignature(path, a.m, call)) : undefined;
  }

  /** The signature of `m.f(` / `m:f(` from the module file; `:` passes the table as the first parameter. */
  private memberCallSignature(path: string, m: FileModel, call: CallContext): Omit<SignatureHelpResult, 'activeParameter'> | undefined {
    const c = call.member!;
    const found = this.memberOf(path, m, c.module, c.name, c.via);
    const member = found?.member;
    if (!found || !member || member.kind !== 'function') return undefined;
    let params = paramLabels(member).map((label, i) => ({ label, name: member.params[i] }));
    if (c.indexer === ':' && !member.method) params = params.slice(1);
    if (c.indexer === '.' && member.method) params = [{ label: 'self', name: 'self' }, ...params];
    const label = `${found.label}${c.indexer}${c.name}(${params.map((p) => p.label).join(', ')})${member.returns ? ` -> ${member.returns}` : ''}`;
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

  /**
   * The module member under the cursor: `m.name` (m holding `require 'x'`, x's file defining `name`), or where the
   * module file itself names a member of its table (`function M.name`, `M.name`, `self.name` in its methods).
   */
  private memberTargetAt(path: string, m: FileModel, offset: number): { file: string; name: string; start: number; end: number } | undefined {
    const ref = m.moduleRefs.find((r) => r.via === undefined && r.start <= offset && offset <= r.end);
    if (ref) {
      const mod = this.moduleOf(path, m, ref.module);
      return mod && mod.exports.members.has(ref.name) ? { file: mod.file, name: ref.name, start: ref.start, end: ref.end } : undefined;
    }
    if (!this.exportsOf(path)) return undefined;
    const site = this.memberSites(path)?.sites.find((x) => x.exact && x.start <= offset && offset <= x.end);
    return site ? { file: path, name: site.name, start: site.start, end: site.end } : undefined;
  }

  /**
   * Where a module file names the members of the table it returns: the constructor's keys, `M.name` / `M:name`
   * (defined, assigned or used) and `self.name` in M's methods. `exact` is false for `M['name']` (the range is M's).
   * `shared`: the table is the metatable of others (a class), so its members are reached through instances too.
   */
  private memberSites(file: string): { sites: Array<{ name: string; start: number; end: number; definition: boolean; exact: boolean; unsafe?: string }>; shared: boolean } | undefined {
    const doc = this.docs.get(file) ?? this.diskDoc(file);
    if (!doc) return undefined;
    const res = this.resolution(doc);
    const ret = res.topReturn;
    if (!ret || ret.count !== 1 || !ret.value) return undefined;
    const sites: Array<{ name: string; start: number; end: number; definition: boolean; exact: boolean; unsafe?: string }> = [];
    const rangeOf = (n: lp.Node, base: number): [number, number] => {
      const r = (n as { range?: [number, number] }).range ?? [0, 0];
      return [r[0] + base, r[1] + base];
    };
    const ctor = (t: lp.TableConstructorExpression, base: number) => {
      for (const f of t.fields) {
        if (f.type === 'TableKeyString') {
          const [a, b] = rangeOf(f.key, base);
          sites.push({ name: f.key.name, start: a, end: b, definition: true, exact: true });
        } else if (f.type === 'TableKey' && f.key.type === 'StringLiteral') {
          const name = stringValue(f.key.raw);
          const [a, b] = rangeOf(f.key, base);
          const plain = f.key.raw.length === name.length + 2 && /^['"]/.test(f.key.raw);
          sites.push({ name, start: a + 1, end: b - 1, definition: true, exact: plain, ...(plain ? {} : { unsafe: `'${name}' is a long-string key in ${basename(file)}` }) });
        }
      }
    };
    if (ret.value.type === 'TableConstructorExpression') {
      ctor(ret.value, ret.base);
      return { sites, shared: false };
    }
    if (ret.value.type !== 'Identifier') return undefined;
    const at = rangeOf(ret.value, ret.base)[0];
    const mod = res.bindings.find((b) => b.refs.some((r) => r.start === at && r.use.k === 'return'));
    if (!mod || mod.kind !== 'local') return undefined;
    if (mod.init?.type === 'TableConstructorExpression' && mod.initBase !== undefined) ctor(mod.init, mod.initBase);
    const uses = (b: Binding) => {
      for (const r of b.refs) {
        const u = r.use;
        if (u.k === 'member') sites.push({ name: u.name, start: u.start, end: u.end, definition: u.write, exact: true });
        else if (u.k === 'index' && u.key !== undefined) sites.push({ name: u.key, start: r.start, end: r.end, definition: u.write, exact: false, unsafe: `it is written ${b.name}['${u.key}'] in ${basename(file)}` });
      }
    };
    uses(mod);
    for (const b of res.bindings) if (b.name === 'self' && b.selfOf === mod) uses(b);
    const shared = sites.some((x) => x.name === '__index') || mod.refs.some((r) => r.use.k === 'arg' && r.use.callee === 'setmetatable' && r.use.index === 1);
    return { sites, shared };
  }

  /**
   * Every place member `name` of the module in `file` is named: in the module file, and through each local
   * holding `require` of it in the files of the policy (the unit of `from`, and of every open document whose
   * unit holds the module). `unsafe` says why some use may have been missed (then rename is refused).
   */
  private memberUses(file: string, name: string, from: string): { locs: Array<{ path: string; start: number; end: number; definition: boolean }>; unsafe?: string } {
    const locs: Array<{ path: string; start: number; end: number; definition: boolean }> = [];
    let unsafe: string | undefined;
    const info = this.memberSites(file);
    if (!this.exportsOf(file)?.complete || !info) unsafe = `the table ${basename(file)} returns is built dynamically or escapes, so not every use can be found`;
    else if (info.shared) unsafe = `${basename(file)}'s table is the metatable of other tables (a class): its instances reach '${name}' through any variable`;
    for (const x of info?.sites ?? []) {
      if (x.name !== name) continue;
      if (x.exact) locs.push({ path: file, start: x.start, end: x.end, definition: x.definition });
      if (x.unsafe) unsafe ??= x.unsafe;
    }
    const files = new Set([file, ...this.unit(from).map((u) => u.path)]);
    for (const p of [...this.docs.keys()]) {
      if (files.has(p)) continue;
      const u = this.unit(p);
      if (u.some((x) => x.path === file)) for (const x of u) files.add(x.path);
    }
    for (const f of files) {
      const model = this.model(f);
      const doc = this.docs.get(f) ?? this.diskDoc(f);
      if (!model || !doc) continue;
      const where = (offset: number) => `${basename(f)}:${model.lines.positionAt(offset).line + 1}`;
      for (const r of model.requires) {
        if (this.resolveRequire(f, r.name, model.packagePaths) !== file) continue;
        const holder = this.resolution(doc).bindings.find((b) => {
          if (b.kind !== 'local' || !b.init || b.initBase === undefined || !isRequireCall(b.init)) return false;
          const range = (b.init as { range?: [number, number] }).range;
          return !!range && range[0] + b.initBase <= r.start && r.end <= range[1] + b.initBase;
        });
        if (holder) {
          for (const x of holder.refs) {
            const u = x.use;
            if (u.k === 'member') {
              if (u.name === name) locs.push({ path: f, start: u.start, end: u.end, definition: false });
            } else if (u.k === 'index' && u.key !== undefined && u.key !== name) continue;
            else if (u.k === 'inspect' || (u.k === 'arg' && (u.callee === 'type' || u.callee === 'tostring' || u.callee === 'print'))) continue;
            else unsafe ??= `the module held in '${holder.name}' (${where(x.start)}) is ${u.k === 'write' ? 'assigned again' : u.k === 'index' ? 'indexed with a key' : 'passed on'}, so not every use can be found`;
          }
          continue;
        }
        const direct = model.moduleRefs.find((ref) => ref.via === undefined && ref.module === r.name && ref.start >= r.end && /^\s*\)?\s*[.:]\s*$/.test(model.text.slice(r.end, ref.start)));
        if (direct) {
          if (direct.name === name) locs.push({ path: f, start: direct.start, end: direct.end, definition: false });
        } else unsafe ??= `require '${r.name}' at ${where(r.start)} is not held in a local, so not every use can be found`;
      }
    }
    // A file both in the unit and reached again is visited once (the set); order: the module file first.
    locs.sort((x, y) => (x.path === file ? 0 : 1) - (y.path === file ? 0 : 1) || (x.path < y.path ? -1 : x.path > y.path ? 1 : x.start - y.start));
    return unsafe === undefined ? { locs } : { locs, unsafe };
  }

  /** Every occurrence of the string entity under the cursor across the policy unit, or of the local under it in its file. */
  references(path: string, pos: Position, includeDeclaration = true): Location[] {
    const a = this.at(path, pos);
    if (!a) return [];
    const e = entityAt(a.m, a.offset);
    if (!e) {
      const target = this.memberTargetAt(path, a.m, a.offset);
      if (target) {
        return this.memberUses(target.file, target.name, path).locs.filter((l) => includeDeclaration || !l.definition)
          .map((l) => this.location(l.path, l.start, l.end)).filter((l): l is Location => !!l);
      }
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
      const target = this.memberTargetAt(path, a.m, a.offset);
      if (target) return { range: a.m.lines.range(target.start, target.end), placeholder: target.name };
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
      if (!LUA_NAME.test(newName) || RESERVED_WORDS.has(newName)) throw new Error(`'${newName}' is not a valid Lua name`);
      const target = this.memberTargetAt(path, a.m, a.offset);
      if (target) return this.renameMember(target.file, target.name, path, newName);
      const doc = this.docs.get(path) ?? this.diskDoc(path);
      const local = this.localAt(path, a.offset);
      const conflict = doc && local ? renameConflict(this.resolution(doc), local.binding, newName) : undefined;
      if (conflict) throw new Error(`Cannot rename to '${newName}': ${conflict}.`);
    }
    return this.references(path, pos, true).filter((l) => !this.isExtrasFile(l.uri)).map((l) => ({ uri: l.uri, edit: { range: l.range, newText: newName } }));
  }

  /** Renames a module member at its definition and every use found; refused when a use may have been missed. */
  private renameMember(file: string, name: string, from: string, newName: string): Array<{ uri: string; edit: TextEdit }> {
    if (this.isExtrasFile(file)) throw new Error(`Cannot rename '${name}': it is defined in ${basename(file)} under kumomta.policyExtrasPath (KumoMTA's own helpers are never edited).`);
    if (newName === name) return [];
    if (this.exportsOf(file)?.members.has(newName) || this.memberUses(file, newName, from).locs.length) {
      throw new Error(`Cannot rename to '${newName}': the module of ${basename(file)} already has or uses a member '${newName}'.`);
    }
    const uses = this.memberUses(file, name, from);
    if (uses.unsafe) throw new Error(`Cannot rename '${name}' safely: ${uses.unsafe}.`);
    const extras = uses.locs.find((l) => this.isExtrasFile(l.path));
    if (extras) throw new Error(`Cannot rename '${name}': ${basename(extras.path)} under kumomta.policyExtrasPath uses it (KumoMTA's own helpers are never edited).`);
    return uses.locs.map((l) => this.location(l.path, l.start, l.end)).filter((l): l is Location => !!l).map((l) => ({ uri: l.uri, edit: { range: l.range, newText: newName } }));
  }
}

/** `require(...)` / `require '...'`. */
function isRequireCall(e: lp.Expression): boolean {
  return (e.type === 'CallExpression' || e.type === 'StringCallExpression') && e.base.type === 'Identifier' && e.base.name === 'require';
}

/** The catalog object a `kumo.*` function returns (`kumo.make_queue_config` -> QueueConfig), when it is one. */
function catalogType(callee: string): LType | undefined {
  const catalog = getCatalog();
  const fn = catalog.getFunction(callee);
  if (!fn || fn.kind === 'field') return undefined;
  const members = unionMembers(parseTypeExpr(fn.returns)).filter((m) => !(m.kind === 'name' && m.name === 'nil'));
  const only = members.length === 1 ? members[0] : undefined;
  return only && only.kind === 'name' && catalog.getObject(only.name) ? { k: 'object', name: only.name } : undefined;
}
