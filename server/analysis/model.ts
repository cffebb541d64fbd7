/**
 * One walk over a parsed policy: scopes, type inference and the catalog-driven checks. The walk records
 * what each range turned out to be (catalog entry, config key, value), so hover, completion, signature
 * help and inlay hints reuse it instead of re-deriving it (the yaml-language-server pattern).
 */
import type * as lp from 'luaparse';
import { getCatalog, type Catalog, type CatalogEntry } from '../../runtime/catalog/catalog';
import type { ConfigKeyData, ConfigTableData, EventData, FieldData, FunctionData, MethodData, ObjectData, ParamData, Versioned } from '../../runtime/catalog/schema';
import { suggest } from '../../runtime/catalog/suggest';
import { parseTypeExpr, unionMembers, type TypeExpr } from '../../runtime/catalog/type-expr';
import { availableIn, compareVersions, isVersion } from '../../runtime/catalog/versions';
import { codeInfo } from './codes';
import { ENTITY_LINKS, RECORD_SHAPE, type EntityKind, type EntityLink } from './entities';
import { parseSegments, stringValue, type ParseCache, type ParsedChunk } from './parse';
import { LineIndex } from './text';
import type { AnalysisSettings, Diagnostic, FixData, Severity } from './types';
import { checkValueNumber, checkValueString, hasValueParser, type ValueCheck } from './values';

/** What the analysis knows about a Lua value. */
export type LType =
  | { k: 'module'; path: string }
  | { k: 'object'; name: string }
  | { k: 'array'; of: LType }
  | { k: 'fn'; fn: FunctionData }
  | { k: 'localfn'; returns: LType }
  | { k: 'extras'; name: string }
  | { k: 'localmod'; name: string }
  /**
   * `m.name` (and `m.via.name`, one level down) of a required module, and the result of calling it: what they
   * hold is read from the module file by the service (completion); the walk itself treats them as unknown.
   */
  | { k: 'modmember'; module: string; name: string; via?: string }
  | { k: 'modresult'; module: string; name: string; via?: string }
  /** A plain table with a catalog shape (table_shapes), such as a log record in a tailer filter. */
  | { k: 'shape'; name: string }
  | { k: 'unknown' };

const UNKNOWN: LType = { k: 'unknown' };

export interface SymbolInfo {
  name: string;
  type: LType;
  /** Declaration range of the name. */
  start: number;
  end: number;
  /** Visible from `start` to `scopeEnd`. */
  scopeEnd: number;
  attr?: string;
}

/** A key that may appear in a table: from a config table, a record type, or protocol variants. */
export interface KeyInfo {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  enum?: string[];
  data?: Versioned & { description?: string };
  /** `make_queue_config.retry_interval`, for hover titles and catalog look-ups. */
  qualified: string;
  /** For variant keys (`protocol = { smtp = {...} }`): the table their value follows. */
  variantTable?: ConfigTableData;
}

export interface KeySpace {
  label: string;
  keys: Map<string, KeyInfo>;
  table?: ConfigTableData;
  /** Unknown keys are errors (kumod denies unknown fields). */
  strict: boolean;
  /** Required keys are checked (false for union variant tables). */
  checkRequired: boolean;
  /** Type of positional entries, for arrays. */
  items?: TypeExpr;
  /** Key and value types of a map. */
  mapKey?: TypeExpr;
  mapValue?: TypeExpr;
}

export type HoverInfo =
  | { kind: 'entry'; entry: CatalogEntry }
  | { kind: 'key'; key: KeyInfo }
  | { kind: 'value'; typeName: string; display: string; text: string }
  | { kind: 'symbol'; symbol: SymbolInfo }
  | { kind: 'entity'; entity: EntityKind; name: string };

export interface HoverTarget {
  start: number;
  end: number;
  info: HoverInfo;
}

export interface TableContext {
  start: number;
  end: number;
  space: KeySpace;
  present: Set<string>;
}

export interface CallContext {
  /** Offset just after `(` and of the matching `)` (or end of the call). */
  start: number;
  end: number;
  label: string;
  params: ParamData[];
  returns: string;
  doc?: string;
  /** Offsets of the argument separators, for the active parameter. */
  commas: number[];
  /** A call of a required module's member: its parameters come from the module file (the service looks them up). */
  member?: { module: string; name: string; indexer: '.' | ':'; via?: string };
}

/** `m.name` where `m` holds `require 'module'` (a local module or a policy-extras helper). */
export interface ModuleRef {
  /** The required name: `helpers`, `policy-extras.queue`. */
  module: string;
  name: string;
  /** Range of `name`. */
  start: number;
  end: number;
  indexer: '.' | ':';
  /** `m.via.name`: a member of the table (or module) held in member `via`. */
  via?: string;
}

export interface EntityRef {
  kind: EntityKind;
  name: string;
  /** Range of the name inside the quotes. */
  start: number;
  end: number;
  definition: boolean;
  /** The config table that named it (`protocol.custom_lua`), when it came from one. */
  via?: string;
}

export interface HandlerInfo {
  event: string;
  start: number;
  end: number;
  fnStart: number;
  fnEnd: number;
  topLevel: boolean;
}

export interface InlayHintInfo {
  offset: number;
  label: string;
}

/** Everything one analysis of a file produced; hover, completion and the rest read it. */
export class FileModel {
  private lineIndex?: LineIndex;
  /** Offsets where error recovery inserted text (placeholders while typing). */
  insertions: number[] = [];
  syntaxErrors = 0;
  diagnostics: Diagnostic[] = [];
  hovers: HoverTarget[] = [];
  tables: TableContext[] = [];
  calls: CallContext[] = [];
  symbols: SymbolInfo[] = [];
  handlers: HandlerInfo[] = [];
  entities: EntityRef[] = [];
  /** Entity kinds whose definitions include a non-literal name (so "undefined" cannot be decided). */
  dynamicDefinitions = new Set<EntityKind>();
  /** Every string literal's value, for "is this custom event referenced anywhere". */
  strings = new Map<string, number>();
  requires: Array<{ name: string; start: number; end: number }> = [];
  inlays: InlayHintInfo[] = [];
  /** `package.path` templates (`/opt/kumomta/etc/policy/?.lua`) the file sets, for following `require`. */
  packagePaths: string[] = [];
  /** Member reads of required modules, checked and described against the module file by the service. */
  moduleRefs: ModuleRef[] = [];

  constructor(readonly text: string) {}

  /** Line starts, built on first use: small clean files never need positions. */
  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }
}

type Frame = { handlerEvent?: string; returns: Array<{ node: lp.Expression | undefined; type: LType; start: number; end: number }> };

class Scope {
  /** Created on the first declaration: most blocks declare nothing. */
  private table?: Map<string, SymbolInfo>;
  constructor(readonly parent: Scope | undefined, readonly end: number) {}
  get vars(): Map<string, SymbolInfo> {
    return (this.table ??= new Map());
  }
  lookup(name: string): SymbolInfo | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.table?.get(name);
      if (v) return v;
    }
    return undefined;
  }
}

const STYLE_WARNINGS = new Set(['listen-legacy-ipv4', 'listen-unbracketed-ipv6', 'listen-hostname', 'limit-precision']);
const REQUIRED_CHECK_MIN_KEYS = Number(process.env.KUMO_REQ_MIN ?? 3);
const NON_STRING = new Set(['integer', 'number', 'boolean', 'nil', 'function', 'table']);
const KIND_SETS = {
  /** Types a number literal can never satisfy. */
  rejectsNumber: new Set(['boolean', 'throttle', 'cidr', 'enum', 'ip']),
  rejectsBoolean: new Set(['string', 'integer', 'number', 'duration', 'throttle', 'limit', 'cidr', 'enum', 'ip', 'min_free']),
  rejectsTable: new Set(['string', 'integer', 'number', 'boolean', 'duration', 'throttle', 'cidr', 'enum', 'ip']),
  rejectsFunction: new Set(['string', 'integer', 'number', 'boolean', 'duration', 'throttle', 'limit', 'cidr', 'enum', 'ip', 'min_free']),
};

/**
 * Segments are parsed on their own, so AST ranges are relative to the segment being walked. The walk is
 * synchronous; this is the start of the segment it is in.
 */
let RANGE_BASE = 0;

function nodeRange(n: object): [number, number] {
  const r = (n as { range?: [number, number] }).range;
  return r ? [r[0] + RANGE_BASE, r[1] + RANGE_BASE] : [RANGE_BASE, RANGE_BASE];
}

/** A node's start and end in the file, without the tuple (the walk asks for them often). */
function startOf(n: object): number {
  const r = (n as { range?: [number, number] }).range;
  return r ? r[0] + RANGE_BASE : RANGE_BASE;
}

function endOf(n: object): number {
  const r = (n as { range?: [number, number] }).range;
  return r ? r[1] + RANGE_BASE : RANGE_BASE;
}

const NO_TYPES: LType[] = [];
const RECORD_PARAMS: LType[] = [{ k: 'shape', name: RECORD_SHAPE }];

const ROOT_END = Number.MAX_SAFE_INTEGER;
const PENDING_RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Per-document memory of parsed and walked segments, so an edit re-analyses only what it touched. */
export interface AnalysisCache {
  parse: ParseCache;
  /**
   * Walk results per parsed segment (the parse cache hands back the same chunk object while a segment's text
   * is unchanged), then per root-scope state; kept in absolute offsets at `base` and moved when the segment moves.
   */
  walk: WeakMap<ParsedChunk, Map<string, { base: number; out: SegmentOutput }>>;
}

export function newAnalysisCache(): AnalysisCache {
  return { parse: new Map(), walk: new WeakMap() };
}

type RootEvent = { decl: number; type: LType } | { name: string; type: LType };

/** What walking one segment produced, with offsets relative to the segment start. */
interface SegmentOutput {
  diagnostics: Diagnostic[];
  hovers: HoverTarget[];
  tables: TableContext[];
  calls: CallContext[];
  symbols: SymbolInfo[];
  handlers: HandlerInfo[];
  entities: EntityRef[];
  dynamicDefinitions: EntityKind[];
  strings: Array<[string, number]>;
  requires: FileModel['requires'];
  inlays: InlayHintInfo[];
  packagePaths: string[];
  insertions: number[];
  syntaxErrors: number;
  rootEvents: RootEvent[];
  memberLookups: Array<[string, boolean]>;
  moduleRefs: ModuleRef[];
}

function shiftFix(fix: FixData, d: number): FixData {
  if (fix.kind === 'add-keys') return { ...fix, insertAt: fix.insertAt + d };
  if (fix.kind === 'migrate') return { ...fix, start: fix.start + d, end: fix.end + d };
  return fix;
}

function shiftSymbol(s: SymbolInfo, d: number): SymbolInfo {
  return { ...s, start: s.start + d, end: s.end + d, scopeEnd: s.scopeEnd === ROOT_END ? ROOT_END : s.scopeEnd + d };
}

/** Copies every output with offsets moved by `d`. */
function shiftOutput(o: SegmentOutput, d: number): SegmentOutput {
  return {
    diagnostics: o.diagnostics.map((x) => ({ ...x, start: x.start + d, end: x.end + d, ...(x.fix ? { fix: shiftFix(x.fix, d) } : {}), ...(x.altFix ? { altFix: shiftFix(x.altFix, d) } : {}) })),
    hovers: o.hovers.map((h) => ({ ...h, start: h.start + d, end: h.end + d })),
    tables: o.tables.map((t) => ({ ...t, start: t.start + d, end: t.end + d })),
    calls: o.calls.map((c) => ({ ...c, start: c.start + d, end: c.end + d, commas: c.commas.map((x) => x + d) })),
    symbols: o.symbols.map((s) => shiftSymbol(s, d)),
    handlers: o.handlers.map((h) => ({ ...h, start: h.start + d, end: h.end + d, fnStart: h.fnStart + d, fnEnd: h.fnEnd + d })),
    entities: o.entities.map((e) => ({ ...e, start: e.start + d, end: e.end + d })),
    dynamicDefinitions: o.dynamicDefinitions,
    strings: o.strings,
    requires: o.requires.map((r) => ({ ...r, start: r.start + d, end: r.end + d })),
    inlays: o.inlays.map((i) => ({ ...i, offset: i.offset + d })),
    packagePaths: o.packagePaths,
    insertions: o.insertions.map((x) => x + d),
    syntaxErrors: o.syntaxErrors,
    rootEvents: o.rootEvents,
    memberLookups: o.memberLookups,
    moduleRefs: o.moduleRefs.map((r) => ({ ...r, start: r.start + d, end: r.end + d })),
  };
}

function typeKey(t: LType): string {
  switch (t.k) {
    case 'module': return `m:${t.path}`;
    case 'object': return `o:${t.name}`;
    case 'array': return `a:${typeKey(t.of)}`;
    case 'fn': return `f:${t.fn.name}`;
    case 'localfn': return `l:${typeKey(t.returns)}`;
    case 'extras': return `x:${t.name}`;
    case 'localmod': return `r:${t.name}`;
    case 'shape': return `s:${t.name}`;
    case 'modmember': return `mm:${t.module}:${t.via ?? ''}:${t.name}`;
    case 'modresult': return `mr:${t.module}:${t.via ?? ''}:${t.name}`;
    default: return '?';
  }
}

function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export function analyzeText(text: string, settings: AnalysisSettings = {}, cache?: AnalysisCache): FileModel {
  return new Analyzer(text, settings, cache).run();
}

class Analyzer {
  private readonly catalog: Catalog = getCatalog();
  private readonly model: FileModel;
  private readonly frames: Frame[] = [];
  private conditional = 0;
  /** Member names the file assigns anywhere (`t.x = ...`, `function t.x()`); built on first need. */
  private assigned?: Set<string>;
  /** Look-ups of `assigned` made while walking the current segment, checked again before reusing it. */
  private memberLookups!: Array<[string, boolean]>;
  private readonly target?: string;
  /** Local attributes by the offset of their name; created for the few files that have any. */
  private attrByOffset?: Map<number, string>;
  private root!: Scope;
  /** Hash of every root-scope declaration and type change so far: part of a segment's cache key. */
  private rootSig = 2166136261;
  // Per segment, set by walkSegment.
  private rootEvents!: RootEvent[];
  private segStrings!: Map<string, number>;
  private segDynamic!: Set<EntityKind>;
  /** The one expression whose type a `for ... in` header needs (see iteratorTypes), and that type once walked. */
  private watched?: lp.Expression;
  private watchedType: LType = UNKNOWN;
  private symbolBase = 0;

  constructor(text: string, private readonly settings: AnalysisSettings, private readonly cache?: AnalysisCache) {
    this.model = new FileModel(text);
    this.target = settings.targetVersion && isVersion(settings.targetVersion) ? settings.targetVersion : undefined;
  }

  run(): FileModel {
    const usedParse: ParseCache = new Map();
    const segments = parseSegments(this.model.text, this.cache?.parse, usedParse);
    const context = this.cache ? hashString(2166136261, JSON.stringify(this.settings)) : 0;
    this.root = new Scope(undefined, ROOT_END);
    this.frames.push({ returns: [] });
    for (const seg of segments) {
      if (!this.cache) {
        this.walkSegment(seg.start, seg.chunk);
        continue;
      }
      const key = `${this.rootSig}:${context}`;
      let byState = this.cache.walk.get(seg.chunk);
      const hit = byState?.get(key);
      if (hit && hit.out.memberLookups.every(([name, v]) => this.isAssignedMember(name) === v)) {
        if (hit.base !== seg.start) {
          hit.out = shiftOutput(hit.out, seg.start - hit.base);
          hit.base = seg.start;
        }
        this.replay(hit.out);
        continue;
      }
      const out = this.walkSegment(seg.start, seg.chunk)!;
      if (!byState || byState.size > 4) this.cache.walk.set(seg.chunk, (byState = new Map()));
      byState.set(key, { base: seg.start, out });
    }
    this.frames.pop();
    RANGE_BASE = 0;
    if (this.cache) this.cache.parse = usedParse;
    this.duplicateHandlers();
    for (const d of this.model.diagnostics) d.range = this.model.lines.range(d.start, d.end);
    return this.model;
  }

  /** Walks one segment and returns what it added to the model (absolute offsets). */
  private walkSegment(base: number, parsed: ParsedChunk): SegmentOutput | undefined {
    const m = this.model;
    const mark = {
      diagnostics: m.diagnostics.length, hovers: m.hovers.length, tables: m.tables.length, calls: m.calls.length, symbols: m.symbols.length,
      handlers: m.handlers.length, entities: m.entities.length, requires: m.requires.length, inlays: m.inlays.length, packagePaths: m.packagePaths.length,
      moduleRefs: m.moduleRefs.length,
    };
    this.rootEvents = [];
    this.memberLookups = [];
    this.symbolBase = mark.symbols;
    this.segStrings = new Map();
    this.segDynamic = new Set();
    RANGE_BASE = base;
    for (const e of parsed.errors) this.report('syntax-error', e.start + base, e.end + base, e.message);
    for (const a of parsed.attributes) {
      (this.attrByOffset ??= new Map()).set(a.nameOffset + base, a.kind);
      if (a.kind !== 'const' && a.kind !== 'close') this.report('unknown-attribute', a.start + base, a.end + base, `Unknown attribute '<${a.kind}>': Lua 5.4 knows <const> and <close>.`);
    }
    if (parsed.ast) this.block(parsed.ast.body, this.root);
    const insertions = parsed.insertions.length ? parsed.insertions.map((x) => x + base) : parsed.insertions;
    let diagnostics = this.cache || insertions.length ? m.diagnostics.slice(mark.diagnostics) : m.diagnostics;
    if (insertions.length) {
      // Nothing is reported about placeholders the repair inserted (`kumo.` becomes `kumo.__` while typing).
      const at = new Set(insertions);
      diagnostics = diagnostics.filter((d) => d.code === 'syntax-error' || !(at.has(d.start) || at.has(d.end)));
      m.diagnostics.length = mark.diagnostics;
      m.diagnostics.push(...diagnostics);
    }
    m.insertions.push(...insertions);
    m.syntaxErrors += parsed.errors.length;
    // The first segment's counts become the file's (a one-off analysis usually has just the one segment).
    if (m.strings.size === 0 && !this.cache) m.strings = this.segStrings;
    else for (const [k, v] of this.segStrings) m.strings.set(k, (m.strings.get(k) ?? 0) + v);
    for (const k of this.segDynamic) m.dynamicDefinitions.add(k);
    if (!this.cache) return undefined;
    return {
      diagnostics, hovers: m.hovers.slice(mark.hovers), tables: m.tables.slice(mark.tables), calls: m.calls.slice(mark.calls),
      symbols: m.symbols.slice(mark.symbols), handlers: m.handlers.slice(mark.handlers), entities: m.entities.slice(mark.entities),
      dynamicDefinitions: [...this.segDynamic], strings: [...this.segStrings], requires: m.requires.slice(mark.requires), inlays: m.inlays.slice(mark.inlays), packagePaths: m.packagePaths.slice(mark.packagePaths),
      insertions, syntaxErrors: parsed.errors.length, rootEvents: this.rootEvents, memberLookups: this.memberLookups,
      moduleRefs: m.moduleRefs.slice(mark.moduleRefs),
    };
  }

  /** Adds a cached segment's outputs (already shifted) and replays its root-scope effects. */
  private replay(o: SegmentOutput): void {
    const m = this.model;
    m.diagnostics.push(...o.diagnostics);
    m.hovers.push(...o.hovers);
    m.tables.push(...o.tables);
    m.calls.push(...o.calls);
    m.symbols.push(...o.symbols);
    m.handlers.push(...o.handlers);
    m.entities.push(...o.entities);
    for (const k of o.dynamicDefinitions) m.dynamicDefinitions.add(k);
    for (const [k, v] of o.strings) m.strings.set(k, (m.strings.get(k) ?? 0) + v);
    m.requires.push(...o.requires);
    m.inlays.push(...o.inlays);
    m.packagePaths.push(...o.packagePaths);
    m.moduleRefs.push(...o.moduleRefs);
    m.insertions.push(...o.insertions);
    m.syntaxErrors += o.syntaxErrors;
    for (const ev of o.rootEvents) {
      if ('decl' in ev) {
        const sym = o.symbols[ev.decl];
        sym.type = ev.type; // as declared; later events of this and other segments retype it again
        this.root.vars.set(sym.name, sym);
        this.noteRoot(sym.name, ev.type);
      } else {
        const sym = this.root.vars.get(ev.name);
        if (sym) sym.type = ev.type;
        this.noteRoot(ev.name, ev.type);
      }
    }
  }

  private isAssignedMember(name: string): boolean {
    if (!this.assigned) {
      const text = this.model.text;
      this.assigned = new Set();
      for (const m of text.matchAll(/\.\s*([A-Za-z_]\w*)\s*=(?!=)/g)) this.assigned.add(m[1]);
      for (const m of text.matchAll(/function\s+[A-Za-z_][\w.]*[.:]([A-Za-z_]\w*)\s*\(/g)) this.assigned.add(m[1]);
    }
    return this.assigned.has(name);
  }

  private lookupAssigned(name: string): boolean {
    const v = this.isAssignedMember(name);
    this.memberLookups.push([name, v]);
    return v;
  }

  private noteRoot(name: string, type: LType): void {
    this.rootSig = hashString(this.rootSig, `${name}=${typeKey(type)};`);
  }

  /** Records a type change of a root-scope local made while walking (so cached segments can replay it). */
  private retype(sym: SymbolInfo, type: LType): void {
    sym.type = type;
    if (this.cache && this.root.vars.get(sym.name) === sym) {
      this.rootEvents.push({ name: sym.name, type });
      this.noteRoot(sym.name, type);
    }
  }

  /** A single-handler event registered twice, unconditionally, at load time. */
  private duplicateHandlers(): void {
    const first = new Map<string, HandlerInfo>();
    for (const h of this.model.handlers) {
      if (!h.topLevel) continue;
      const ev = this.catalog.getEvent(h.event);
      if (!ev || ev.multiple_handlers) continue;
      const prev = first.get(h.event);
      if (!prev) {
        first.set(h.event, h);
        continue;
      }
      const line = this.model.lines.positionAt(prev.start).line + 1;
      this.report('duplicate-handler', h.start, h.end, `'${h.event}' takes a single handler and already has one (line ${line}); kumod refuses the second registration.`);
    }
  }

  // ---- reporting ----

  private report(code: string, start: number, end: number, message: string, extra: { fix?: FixData; tags?: Diagnostic['tags']; severity?: Severity } = {}): void {
    const info = codeInfo(code);
    const override = this.settings.severities?.[code];
    if (override === 'off') return;
    const severity = extra.severity ?? (override as Severity | undefined) ?? info.severity;
    // The range is filled in once all segments are placed (cached segments move).
    const d: Diagnostic = { range: PENDING_RANGE, severity, code, message, start, end };
    if (extra.fix) d.fix = extra.fix;
    if (extra.tags) d.tags = extra.tags;
    this.model.diagnostics.push(d);
  }

  private hover(start: number, end: number, info: HoverInfo): void {
    this.model.hovers.push({ start, end, info });
  }

  /** Removed, deprecated and newer-than-target checks for anything versioned. */
  private versionChecks(v: Versioned, name: string, start: number, end: number, replacementFix = true): void {
    if (v.removed) {
      const repl = v.replacement ? ` Use ${v.replacement} instead.` : '';
      const prefix = name.slice(0, name.lastIndexOf('.') + 1);
      const fix: FixData | undefined = v.replacement && replacementFix && v.replacement.startsWith(prefix)
        ? { kind: 'replace', title: `Rename to ${v.replacement}`, replacements: [v.replacement.slice(prefix.length)] } : undefined;
      this.report('removed-api', start, end, `${name} was removed in ${v.removed}.${repl}`, fix ? { fix } : {});
      return;
    }
    if (v.deprecated) {
      const what = typeof v.deprecated === 'string' ? ` ${v.deprecated}` : '';
      const named = typeof v.deprecated === 'string' ? /\b(kumo(?:\.\w+)+)/.exec(v.deprecated)?.[1] : undefined;
      const prefix = name.slice(0, name.lastIndexOf('.') + 1);
      const fix: FixData | undefined = named && this.catalog.getFunction(named) && named.startsWith(prefix)
        ? { kind: 'replace', title: `Use ${named}`, replacements: [named.slice(prefix.length)] } : undefined;
      this.report('deprecated-api', start, end, `${name} is deprecated.${what}`, fix ? { tags: ['deprecated'], fix } : { tags: ['deprecated'] });
    }
    if (this.target && v.since && isVersion(v.since) && !availableIn(v.since, this.target)) {
      this.report('newer-than-target', start, end, `${name} needs KumoMTA ${v.since} or later; kumomta.targetVersion is ${this.target}.`);
    }
  }

  /**
   * Inside a function that can run concurrently: any function except the handlers of lifecycle events
   * (those without parameters, and `main`), which run once.
   */
  private inRuntimeCode(): boolean {
    if (this.frames.length <= 1) return false;
    for (let i = this.frames.length - 1; i > 0; i--) {
      const h = this.frames[i].handlerEvent;
      if (h === undefined) continue;
      const ev = this.catalog.getEvent(h);
      return !(h === 'main' || (ev && ev.params.length === 0));
    }
    return true;
  }

  // ---- statements ----

  private block(body: lp.Statement[], scope: Scope): void {
    for (const s of body) this.statement(s, scope);
  }

  private declare(scope: Scope, name: string, start: number, end: number, type: LType): SymbolInfo {
    const sym: SymbolInfo = { name, type, start, end, scopeEnd: scope.end };
    if (this.attrByOffset) {
      const attr = this.attrByOffset.get(start);
      if (attr) sym.attr = attr;
    }
    scope.vars.set(name, sym);
    this.model.symbols.push(sym);
    // Root-scope events only matter to cached segments (one-off analyses have no cache).
    if (scope === this.root && this.cache) {
      this.rootEvents.push({ decl: this.model.symbols.length - 1 - this.symbolBase, type });
      this.noteRoot(name, type);
    }
    return sym;
  }

  private statement(s: lp.Statement, scope: Scope): void {
    switch (s.type) {
      case 'LocalStatement': {
        // All values are evaluated before any of the names is declared.
        const vars = s.variables;
        const types = this.exprList(s.init, scope);
        for (let i = 0; i < vars.length; i++) {
          const v = vars[i];
          this.declare(scope, v.name, startOf(v), endOf(v), types[i] ?? UNKNOWN);
        }
        return;
      }
      case 'AssignmentStatement': {
        const vars = s.variables;
        for (let i = 0; i < vars.length; i++) {
          const v = vars[i];
          if (v.type === 'MemberExpression' && v.base.type === 'Identifier' && v.base.name === 'package' && v.identifier.name === 'path' && s.init[i]) {
            for (const piece of stringPieces(s.init[i])) for (const t of piece.split(';')) if (t.includes('?')) this.model.packagePaths.push(t);
          }
        }
        const types = this.exprList(s.init, scope);
        for (let i = 0; i < vars.length; i++) this.assignTarget(vars[i], scope, types[i] ?? UNKNOWN);
        return;
      }
      case 'CallStatement':
        this.expr(s.expression, scope);
        return;
      case 'FunctionDeclaration':
        this.functionDecl(s, scope);
        return;
      case 'ReturnStatement': {
        const frame = this.frames[this.frames.length - 1];
        const types = this.exprList(s.arguments, scope);
        const first = s.arguments[0];
        const at = first ?? s;
        frame.returns.push({ node: first, type: types[0] ?? UNKNOWN, start: startOf(at), end: endOf(at) });
        return;
      }
      case 'IfStatement':
        this.conditional++;
        for (const c of s.clauses) {
          if (c.type !== 'ElseClause') this.expr(c.condition, scope);
          this.block(c.body, new Scope(scope, endOf(c)));
        }
        this.conditional--;
        return;
      case 'WhileStatement':
        this.conditional++;
        this.expr(s.condition, scope);
        this.block(s.body, new Scope(scope, endOf(s)));
        this.conditional--;
        return;
      case 'RepeatStatement': {
        this.conditional++;
        const inner = new Scope(scope, endOf(s));
        this.block(s.body, inner);
        this.expr(s.condition, inner);
        this.conditional--;
        return;
      }
      case 'DoStatement':
        this.block(s.body, new Scope(scope, endOf(s)));
        return;
      case 'ForNumericStatement': {
        this.expr(s.start, scope);
        this.expr(s.end, scope);
        if (s.step) this.expr(s.step, scope);
        const inner = new Scope(scope, endOf(s));
        this.declare(inner, s.variable.name, startOf(s.variable), endOf(s.variable), UNKNOWN);
        this.conditional++;
        this.block(s.body, inner);
        this.conditional--;
        return;
      }
      case 'ForGenericStatement': {
        const { watched, watchedType } = this;
        this.watched = iteratorOperand(s.iterators[0]);
        this.watchedType = UNKNOWN;
        const itTypes = this.exprList(s.iterators, scope);
        const operandType = this.watchedType;
        this.watched = watched;
        this.watchedType = watchedType;
        const varTypes = this.iteratorTypes(s.iterators, itTypes, scope, operandType);
        const inner = new Scope(scope, endOf(s));
        const vars = s.variables;
        for (let i = 0; i < vars.length; i++) {
          const v = vars[i];
          this.declare(inner, v.name, startOf(v), endOf(v), varTypes[i] ?? UNKNOWN);
        }
        this.conditional++;
        this.block(s.body, inner);
        this.conditional--;
        return;
      }
      default:
        return;
    }
  }

  /** Types of a list of expressions, walked in order (most lists hold one). */
  private exprList(list: lp.Expression[], scope: Scope): LType[] {
    if (list.length === 0) return NO_TYPES;
    if (list.length === 1) {
      const t = this.expr(list[0], scope);
      return t === UNKNOWN ? NO_TYPES : [t];
    }
    const types: LType[] = [];
    for (const e of list) types.push(this.expr(e, scope));
    return types;
  }

  /** Types of `for` variables: `ipairs(array<T>)` gives T; `obj:batches()` gives what its description names. */
  private iteratorTypes(iterators: lp.Expression[], types: LType[], scope: Scope, operandType: LType): LType[] {
    const first = iterators[0];
    if (!first) return [];
    if (first.type === 'CallExpression' && first.base.type === 'Identifier' && (first.base.name === 'ipairs' || first.base.name === 'pairs') && !scope.lookup(first.base.name)) {
      const argType = operandType;
      if (argType.k === 'array') return [UNKNOWN, argType.of];
      return [];
    }
    if (first.type === 'CallExpression' && first.base.type === 'MemberExpression' && first.base.indexer === ':') {
      const objType = operandType;
      if (objType.k === 'object') {
        const method = this.catalog.getMethod(objType.name, first.base.identifier.name);
        if (method && method.returns === 'function' && method.description) return [this.typeFromDescription(method.description)];
      }
    }
    void types;
    return [];
  }

  /** `async iterator returning array<LogBatch> or nil` -> array of LogBatch. */
  private typeFromDescription(description: string): LType {
    const arr = /array<([A-Za-z]\w*)>|\b([A-Z]\w*) (?:array|list)\b/.exec(description);
    const item = arr ? arr[1] ?? arr[2] : undefined;
    if (item && this.catalog.getObject(item)) return { k: 'array', of: { k: 'object', name: item } };
    for (const m of description.matchAll(/\b([A-Z][A-Za-z]+)\b/g)) if (this.catalog.getObject(m[1])) return { k: 'object', name: m[1] };
    return UNKNOWN;
  }

  private assignTarget(v: lp.Expression, scope: Scope, type: LType): void {
    const [a, b] = nodeRange(v);
    if (v.type === 'Identifier') {
      const sym = scope.lookup(v.name);
      if (!sym) {
        // Load-time globals are common and harmless; inside handlers they race between messages.
        if (this.inRuntimeCode()) this.report('global-assignment', a, b, `Assignment to global '${v.name}': globals are shared by concurrent event handlers; declare it local.`, {
          fix: { kind: 'replace', title: `Declare '${v.name}' local`, replacements: [`local ${v.name}`] },
        });
      } else {
        if (sym.attr === 'const' || sym.attr === 'close') this.report('assign-to-const', a, b, `'${v.name}' is a <${sym.attr}> local and cannot be assigned.`);
        // A module value is as unknown to the walk as before; assigned anything else of its kind, it is unsure.
        if (opaque(sym.type)) {
          if (!opaque(type)) this.retype(sym, type);
          else if (sym.type.k !== 'unknown') this.retype(sym, UNKNOWN);
        }
      }
      return;
    }
    if (v.type === 'MemberExpression') {
      this.expr(v.base, scope);
      return;
    }
    if (v.type === 'IndexExpression') {
      this.expr(v.base, scope);
      this.expr(v.index, scope);
    }
  }

  private functionDecl(s: lp.FunctionDeclaration, scope: Scope, handlerEvent?: string, paramTypes: LType[] = NO_TYPES): LType {
    let sym: SymbolInfo | undefined;
    const id = s.identifier;
    if (id && id.type === 'Identifier') {
      const a = startOf(id);
      const b = endOf(id);
      if (s.isLocal) sym = this.declare(scope, id.name, a, b, { k: 'localfn', returns: UNKNOWN });
      else {
        const existing = scope.lookup(id.name);
        if (!existing) {
          if (this.inRuntimeCode()) this.report('global-assignment', a, b, `Global function '${id.name}': globals are shared by concurrent event handlers; declare it local.`, {
            fix: { kind: 'replace', title: `Declare '${id.name}' local`, replacements: [`local function ${id.name}`] },
          });
        } else sym = existing;
      }
    } else if (id && id.type === 'MemberExpression') {
      this.expr(id.base, scope);
    }
    const fa = startOf(s);
    const inner = new Scope(scope, endOf(s));
    if (id && id.type === 'MemberExpression' && id.indexer === ':') this.declare(inner, 'self', fa, fa, UNKNOWN);
    const params = s.parameters;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      if (p.type === 'Identifier') this.declare(inner, p.name, startOf(p), endOf(p), paramTypes[i] ?? UNKNOWN);
    }
    const frame: Frame = { returns: [] };
    if (handlerEvent !== undefined) frame.handlerEvent = handlerEvent;
    this.frames.push(frame);
    const savedConditional = this.conditional;
    this.conditional = 1;
    this.block(s.body, inner);
    this.conditional = savedConditional;
    this.frames.pop();
    // The returned type when every typed return agrees (sameType is false for kinds it cannot compare).
    let returns: LType = UNKNOWN;
    let first: LType | undefined;
    for (const r of frame.returns) {
      if (r.type.k === 'unknown') continue;
      first ??= r.type;
      if (!sameType(r.type, first)) {
        first = undefined;
        break;
      }
    }
    if (first) returns = first;
    if (sym && sym.type.k === 'localfn') this.retype(sym, { k: 'localfn', returns });
    if (handlerEvent !== undefined) this.checkHandlerReturns(handlerEvent, frame);
    return { k: 'localfn', returns };
  }

  // ---- expressions ----

  private expr(e: lp.Expression | undefined, scope: Scope): LType {
    if (!e) return UNKNOWN;
    const t = this.exprInner(e, scope);
    if (e === this.watched) this.watchedType = t;
    return t;
  }

  private exprInner(e: lp.Expression, scope: Scope): LType {
    switch (e.type) {
      case 'Identifier': {
        const sym = scope.lookup(e.name);
        if (sym) return sym.type;
        if (e.name === 'kumo') return { k: 'module', path: 'kumo' };
        return UNKNOWN;
      }
      case 'StringLiteral': {
        const v = stringValue(e.raw);
        this.segStrings.set(v, (this.segStrings.get(v) ?? 0) + 1);
        return UNKNOWN;
      }
      case 'MemberExpression':
        return this.member(e, scope);
      case 'IndexExpression': {
        const base = this.expr(e.base, scope);
        this.expr(e.index, scope);
        return base.k === 'array' ? base.of : UNKNOWN;
      }
      case 'CallExpression':
        return this.call(e, e.base, e.arguments, scope);
      case 'StringCallExpression':
        return this.call(e, e.base, [e.argument], scope);
      case 'TableCallExpression':
        return this.call(e, e.base, [e.arguments], scope);
      case 'FunctionDeclaration':
        return this.functionDecl(e, scope);
      case 'BinaryExpression':
      case 'LogicalExpression': {
        const l = this.expr(e.left, scope);
        const r = this.expr(e.right, scope);
        if (e.type === 'LogicalExpression' && e.operator === 'or' && !opaque(l)) return l;
        if (e.type === 'LogicalExpression' && e.operator === 'and') return r;
        return UNKNOWN;
      }
      case 'UnaryExpression':
        this.expr(e.argument, scope);
        return UNKNOWN;
      case 'TableConstructorExpression':
        for (const f of e.fields) {
          if (f.type === 'TableKey') this.expr(f.key, scope);
          this.expr(f.value, scope);
        }
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private member(e: lp.MemberExpression, scope: Scope): LType {
    const base = this.expr(e.base, scope);
    const name = e.identifier.name;
    const a = startOf(e.identifier);
    const b = endOf(e.identifier);
    if (base.k === 'localmod' || base.k === 'extras') {
      const module = base.k === 'extras' ? `policy-extras.${base.name}` : base.name;
      this.model.moduleRefs.push({ module, name, start: a, end: b, indexer: e.indexer === ':' ? ':' : '.' });
      return { k: 'modmember', module, name };
    }
    if (base.k === 'modmember') {
      if (base.via !== undefined || e.indexer !== '.' || e.base.type !== 'MemberExpression' || e.base.indexer !== '.') return UNKNOWN;
      this.model.moduleRefs.push({ module: base.module, name, start: a, end: b, indexer: '.', via: base.name });
      return { k: 'modmember', module: base.module, name, via: base.name };
    }
    if (base.k === 'module') {
      const found = this.moduleMember(base.path, name);
      if (found) {
        this.hover(a, b, found.hover);
        if (found.fn) this.versionChecks(found.fn, found.path, a, b);
        return found.type;
      }
      const parent = this.catalog.getModule(base.path);
      if (parent && e.indexer === '.' && !this.lookupAssigned(name)) {
        const candidates = [...parent.functions.map((f) => shortName(f.name)), ...parent.submodules.map(shortName)];
        const s = suggest(name, candidates);
        this.report('unknown-member', a, b, `'${base.path}' has no member '${name}'.${didYouMean(s)}`, s.length ? { fix: { kind: 'replace', title: 'Did you mean', replacements: s } } : {});
      }
      return UNKNOWN;
    }
    if (base.k === 'object') {
      const obj = this.catalog.getObject(base.name);
      const found = obj && this.objectMember(obj, name);
      if (obj && found) {
        this.hover(a, b, found.hover);
        if (found.field) {
          this.versionChecks(found.field, found.path, a, b);
          return found.type;
        }
        if (e.indexer === ':') {
          this.versionChecks(found.method!, found.path, a, b);
          return found.type;
        }
        return UNKNOWN;
      }
      if (obj && e.indexer === ':' && !obj.metamethods.includes('__index')) {
        const s = suggest(name, obj.methods.map((m) => m.name));
        this.report('unknown-method', a, b, `${obj.name} has no method '${name}'.${didYouMean(s)}`, s.length ? { fix: { kind: 'replace', title: 'Did you mean', replacements: s } } : {});
      }
      return UNKNOWN;
    }
    return UNKNOWN;
  }

  /** `kumo.x` for module `kumo` and name `x`: what it is, its hover and type (names come from the text, so cached per module). */
  private moduleMember(path: string, name: string): MemberInfo | undefined {
    const cache = catalogCaches(this.catalog).modules;
    let byName = cache.get(path);
    if (!byName) cache.set(path, (byName = new Map()));
    let found = byName.get(name);
    if (found === undefined) {
      const full = `${path}.${name}`;
      const fn = this.catalog.getFunction(full);
      const mod = fn ? undefined : this.catalog.getModule(full);
      found = fn
        ? { path: full, fn, hover: { kind: 'entry', entry: { kind: 'function', name: full, fn } }, type: fn.kind === 'field' ? this.typeFromString(fn.returns) : { k: 'fn', fn } }
        : mod ? { path: full, hover: { kind: 'entry', entry: { kind: 'module', name: full, module: mod } }, type: { k: 'module', path: full } } : null;
      byName.set(name, found);
    }
    return found ?? undefined;
  }

  /** A field or method of a catalog object, cached per object. */
  private objectMember(obj: ObjectData, name: string): MemberInfo | undefined {
    const cache = catalogCaches(this.catalog).objects;
    let byName = cache.get(obj);
    if (!byName) cache.set(obj, (byName = new Map()));
    let found = byName.get(name);
    if (found === undefined) {
      const field = obj.fields.find((f) => f.name === name);
      const method = field ? undefined : obj.methods.find((m) => m.name === name);
      found = field
        ? { path: `${obj.name}.${name}`, field, hover: { kind: 'entry', entry: { kind: 'field', name: `${obj.name}.${name}`, object: obj, field } }, type: this.typeFromString(field.type) }
        : method ? { path: `${obj.name}:${name}`, method, hover: { kind: 'entry', entry: { kind: 'method', name: `${obj.name}:${name}`, object: obj, method } }, type: { k: 'fn', fn: methodAsFunction(obj.name, method) } } : null;
      byName.set(name, found);
    }
    return found ?? undefined;
  }

  private typeFromString(type: string): LType {
    const cache = catalogCaches(this.catalog).types;
    let t = cache.get(type);
    if (!t) cache.set(type, (t = this.typeFromStringUncached(type)));
    return t;
  }

  private typeFromStringUncached(type: string): LType {
    const t = parseTypeExpr(type);
    const members = unionMembers(t).filter((m) => !(m.kind === 'name' && m.name === 'nil'));
    if (members.length !== 1) return UNKNOWN;
    const m = members[0];
    if (m.kind === 'name' && this.catalog.getObject(m.name)) return { k: 'object', name: m.name };
    if (m.kind === 'array' && m.item.kind === 'name' && this.catalog.getObject(m.item.name)) return { k: 'array', of: { k: 'object', name: m.item.name } };
    return UNKNOWN;
  }

  private call(e: lp.Expression, base: lp.Expression, args: lp.Expression[], scope: Scope): LType {
    // require 'x'
    if (base.type === 'Identifier' && base.name === 'require' && !scope.lookup('require')) {
      const arg = args[0];
      if (arg && arg.type === 'StringLiteral') {
        const name = stringValue(arg.raw);
        const [a, b] = nodeRange(arg);
        this.model.requires.push({ name, start: a, end: b });
        this.expr(arg, scope);
        if (name.startsWith('policy-extras.')) return { k: 'extras', name: name.slice('policy-extras.'.length) };
        if (this.catalog.getModule(name)) return { k: 'module', path: name };
        return { k: 'localmod', name };
      }
    }
    const calleeType = this.expr(base, scope);
    if (calleeType.k !== 'fn') {
      if (base.type === 'MemberExpression') {
        // m.fn(...) on a required module: the parameters are the module file's, looked up by the service.
        const ref = this.model.moduleRefs[this.model.moduleRefs.length - 1];
        if (ref && ref.start === startOf(base.identifier)) {
          const label = `${ref.module}${ref.via !== undefined ? `.${ref.via}` : ''}${ref.indexer}${ref.name}`;
          this.recordCall(e, { name: label, params: [], returns: 'any', description: '' }, args, { module: ref.module, name: ref.name, indexer: ref.indexer, ...(ref.via !== undefined ? { via: ref.via } : {}) });
        }
      }
      for (const arg of args) this.expr(arg, scope);
      if (calleeType.k === 'modmember') return { k: 'modresult', module: calleeType.module, name: calleeType.name, ...(calleeType.via !== undefined ? { via: calleeType.via } : {}) };
      return calleeType.k === 'localfn' ? calleeType.returns : UNKNOWN;
    }
    const callee = calleeType.fn;
    const ca = startOf(e);
    const cb = endOf(e);
    const calleeNode = base.type === 'MemberExpression' ? base.identifier : base;
    const calleeRange: [number, number] = [startOf(calleeNode), endOf(calleeNode)];
    this.recordCall(e, callee, args);

    // kumo.on(name, function ... end)
    if (callee.name === 'kumo.on') {
      this.onCall(args, scope, ca, cb);
      return UNKNOWN;
    }
    const facts = calleeFacts(callee, this.catalog);
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (facts.table && i === facts.tableParam && arg.type === 'TableConstructorExpression') {
        this.checkTable(arg, spaceOfTable(facts.table, this.catalog), calleeRange, scope, callee.name);
      } else if (arg.type === 'FunctionDeclaration' && facts.recordParams[i]) {
        this.functionDecl(arg, scope, undefined, RECORD_PARAMS);
      } else this.expr(arg, scope);
    }
    this.checkArgCount(callee, args, calleeRange, facts.required);
    if (callee.removed && callee.replacement && callee.replacement_event) this.offerMigration(callee, args, ca, cb);
    return this.typeFromString(callee.returns);
  }

  /**
   * `kumo.define_egress_pool { name = 'x', ... }` becomes a `get_egress_pool` handler returning
   * `kumo.make_egress_pool { ... }` for that name: offered beside the plain rename.
   */
  private offerMigration(fn: FunctionData, args: lp.Expression[], start: number, end: number): void {
    const table = args[0];
    if (!table || table.type !== 'TableConstructorExpression') return;
    const nameField = table.fields.find((f) => f.type === 'TableKeyString' && f.key.name === 'name');
    if (!nameField || nameField.value.type !== 'StringLiteral') return;
    const d = [...this.model.diagnostics].reverse().find((x) => x.code === 'removed-api' && x.start >= start && x.end <= end);
    if (!d) return;
    const text = this.model.text;
    const [ta, tb] = nodeRange(table);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const body = text.slice(ta, tb).split('\n').join(`\n${indent}    `);
    const param = fn.name.includes('pool') ? 'pool_name' : 'source_name';
    const migrated = [
      `kumo.on('${fn.replacement_event}', function(${param})`,
      `${indent}  if ${param} == ${nameField.value.raw} then`,
      `${indent}    return ${fn.replacement} ${body}`,
      `${indent}  end`,
      `${indent}end)`,
    ].join('\n');
    d.altFix = { kind: 'migrate', title: `Move into a '${fn.replacement_event}' handler using ${fn.replacement}`, text: migrated, start, end };
  }

  private recordCall(e: lp.Expression, fn: Pick<FunctionData, 'name' | 'params' | 'returns' | 'description'>, args: lp.Expression[], member?: CallContext['member']): void {
    if (e.type !== 'CallExpression') return;
    const b = endOf(e);
    const text = this.model.text;
    const open = text.indexOf('(', endOf(e.base));
    if (open < 0 || open > b) return;
    const commas: number[] = [];
    let prevEnd = open + 1;
    for (let i = 1; i < args.length; i++) {
      const start = startOf(args[i]);
      const comma = text.lastIndexOf(',', start);
      commas.push(comma >= prevEnd ? comma : start - 1);
      prevEnd = endOf(args[i]);
    }
    const end = text[b - 1] === ')' ? b - 1 : b;
    this.model.calls.push({
      start: open + 1, end, label: fn.name, params: fn.params, returns: fn.returns, doc: fn.description, commas, ...(member ? { member } : {}),
    });
  }

  /** `need`: the parameters up to the last non-optional one (calleeFacts). */
  private checkArgCount(fn: FunctionData, args: lp.Expression[], [a, b]: [number, number], need: number): void {
    if (fn.kind === 'field' || args.length >= need) return;
    const last = args[args.length - 1];
    const open = last && (last.type === 'CallExpression' || last.type === 'StringCallExpression' || last.type === 'TableCallExpression' || last.type === 'VarargLiteral');
    if (!open) {
      const missing = fn.params.slice(args.length, need).map((p) => p.name).join(', ');
      this.report('argument-count', a, b, `${fn.name} expects ${need === fn.params.length ? need : `at least ${need}`} argument${need === 1 ? '' : 's'}, got ${args.length} (missing ${missing}).`);
    }
  }

  // ---- events ----

  private onCall(args: lp.Expression[], scope: Scope, ca: number, cb: number): void {
    const [nameNode, fnNode] = args;
    let event: string | undefined;
    if (nameNode && nameNode.type === 'StringLiteral') {
      event = stringValue(nameNode.raw);
      const [a, b] = nodeRange(nameNode);
      const inner: [number, number] = nameNode.raw.length === event.length + 2 ? [a + 1, b - 1] : [a, b];
      this.model.entities.push({ kind: 'event', name: event, start: inner[0], end: inner[1], definition: true });
      const ev = this.catalog.getEvent(event);
      if (ev) {
        this.hover(a, b, { kind: 'entry', entry: { kind: 'event', name: event, event: ev } });
        this.versionChecks(ev, `event '${event}'`, inner[0], inner[1], false);
      } else this.hover(a, b, { kind: 'entity', entity: 'event', name: event });
      this.checkOnPlacement(event, a, b);
      const info: HandlerInfo = { event, start: inner[0], end: inner[1], fnStart: fnNode ? nodeRange(fnNode)[0] : cb, fnEnd: fnNode ? nodeRange(fnNode)[1] : cb, topLevel: this.frames.length === 1 && this.conditional === 0 };
      this.model.handlers.push(info);
    } else if (nameNode) this.expr(nameNode, scope);
    if (fnNode && fnNode.type === 'FunctionDeclaration') {
      const ev = event ? this.catalog.getEvent(event) : undefined;
      this.functionDecl(fnNode, scope, event ?? '', ev ? this.eventParamTypes(ev) : NO_TYPES);
    } else if (fnNode) this.expr(fnNode, scope);
    for (let i = 2; i < args.length; i++) this.expr(args[i], scope);
    void ca;
  }

  private eventParamTypes(ev: EventData): LType[] {
    const cache = catalogCaches(this.catalog).eventParams;
    let types = cache.get(ev);
    if (!types) cache.set(ev, (types = ev.params.map((p) => this.typeFromString(p.type))));
    return types;
  }

  private checkOnPlacement(event: string, a: number, b: number): void {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const h = this.frames[i].handlerEvent;
      if (h === undefined) continue;
      if (h !== 'main' && h !== '') {
        this.report('on-inside-handler', a, b, `kumo.on('${event}') runs inside the '${h}' handler; kumod only allows registering handlers at load time or inside 'main'.`);
      }
      return;
    }
  }

  private checkHandlerReturns(event: string, frame: Frame): void {
    const ev: EventData | undefined = this.catalog.getEvent(event);
    if (!ev || !this.catalog.getObject(ev.returns)) return;
    const cache = catalogCaches(this.catalog).producers;
    let producers = cache.get(ev.returns);
    if (!producers) cache.set(ev.returns, (producers = this.catalog.data.functions.filter((f) => f.returns === ev.returns && !f.removed).map((f) => f.name)));
    if (!producers.length) return;
    for (const r of frame.returns) {
      const n = r.node;
      if (!n) continue;
      const literal = n.type === 'TableConstructorExpression' || n.type === 'StringLiteral' || n.type === 'NumericLiteral' || n.type === 'BooleanLiteral';
      const wrongObject = r.type.k === 'object' && r.type.name !== ev.returns;
      if (literal || wrongObject) {
        this.report('wrong-handler-return', r.start, r.end, `The '${event}' handler must return a ${ev.returns} made by ${producers.join(' or ')}{...}${literal && n.type === 'TableConstructorExpression' ? ', not a plain table' : ''}.`,
          n.type === 'TableConstructorExpression' ? { fix: { kind: 'migrate', title: `Wrap in ${producers[0]}`, text: `${producers[0]} ${this.model.text.slice(r.start, r.end)}`, start: r.start, end: r.end } } : {});
      }
    }
  }

  // ---- config tables ----

  private checkTable(node: lp.TableConstructorExpression, space: KeySpace, reportRange: [number, number], scope: Scope, owner: string): void {
    const ta = startOf(node);
    const present = new Set<string>();
    this.model.tables.push({ start: ta, end: endOf(node), space, present });
    let positional = 0;
    const links = space.table ? linksByTable().get(space.table.name) : undefined;
    const valuesByKey = links ? new Map<string, lp.Expression>() : undefined;
    for (const f of node.fields) {
      let key: string;
      if (f.type === 'TableKeyString') key = f.key.name;
      else if (f.type === 'TableKey') {
        if (f.key.type === 'StringLiteral') key = stringValue(f.key.raw);
        else {
          this.expr(f.key, scope);
          this.expr(f.value, scope);
          continue;
        }
      } else {
        positional++;
        if (space.items) this.checkValue(f.value, space.items, undefined, scope, `${space.label}[]`);
        else this.expr(f.value, scope);
        continue;
      }
      present.add(key);
      valuesByKey?.set(key, f.value);
      const info = space.keys.get(key);
      const ka = startOf(f.key);
      const kb = endOf(f.key);
      if (space.mapValue) {
        const kk = space.mapKey && space.mapKey.kind === 'name' ? space.mapKey.name : undefined;
        if (kk && hasValueParser(kk)) {
          const check = checkValueString(kk, key);
          const simpleKey = f.type === 'TableKey' && (f.key as lp.StringLiteral).raw.length === key.length + 2;
          if (check) this.valueResult(check, kk, `${space.label} key`, ka, kb, f.type === 'TableKeyString' ? ka : simpleKey ? ka + 1 : undefined, key);
        }
        this.checkValue(f.value, space.mapValue, undefined, scope, `${space.label}['${key}']`);
        continue;
      }
      if (info) {
        this.hover(ka, kb, keyHover(info));
        if (info.data) this.versionChecks(info.data, info.qualified, ka, kb);
        if (info.variantTable && f.value.type === 'TableConstructorExpression') {
          this.checkTable(f.value, spaceOfTable(info.variantTable, this.catalog, false), [ka, kb], scope, owner);
        } else this.checkValue(f.value, parseTypeExpr(info.type), info, scope, info.qualified);
      } else {
        if (space.strict && key !== '' && space.keys.size) {
          const s = suggest(key, space.keys.keys());
          this.report('unknown-config-key', ka, kb, `${space.label} has no key '${key}'.${didYouMean(s)}`, s.length ? { fix: { kind: 'replace', title: 'Did you mean', replacements: s } } : {});
        }
        this.expr(f.value, scope);
      }
    }
    // Docs and snippets show partial tables; only a table that looks complete (empty, a record item, or
    // with at least REQUIRED_CHECK_MIN_KEYS keys) is held to its required keys.
    const looksComplete = present.size === 0 || !space.table || present.size >= REQUIRED_CHECK_MIN_KEYS;
    if (space.checkRequired && positional === 0 && looksComplete) {
      const missing = requiredKeys(space).filter((k) => !present.has(k));
      if (missing.length) {
        const last = node.fields[node.fields.length - 1];
        const text = this.model.text;
        const insertAt = last ? endOf(last) : ta + 1;
        const lineStart = text.lastIndexOf('\n', ta) + 1;
        const baseIndent = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 200))![0];
        this.report('missing-required-key', reportRange[0], reportRange[1], `${space.label} is missing required key${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}.`, {
          fix: { kind: 'add-keys', keys: missing, insertAt, indent: baseIndent + '  ', trailingComma: !!last && !/^\s*[,;]/.test(text.slice(insertAt, insertAt + 200)) },
        });
      }
    }
    if (links && valuesByKey) this.entityChecks(owner, links, valuesByKey);
  }

  /** String-named entities (pools, sources, constructors, consumers) found in config tables. */
  private entityChecks(owner: string, links: EntityLink[], values: Map<string, lp.Expression>): void {
    for (const link of links) {
      if (link.key) {
        const v = values.get(link.key);
        if (!v) continue;
        if (v.type === 'StringLiteral') this.entityRef(link.entity, v, link.definition, link.table);
        else if (link.definition) this.segDynamic.add(link.entity);
      } else if (link.itemsKey && link.itemKey) {
        const list = values.get(link.itemsKey);
        if (!list || list.type !== 'TableConstructorExpression') continue;
        const seen = new Map<string, number>();
        for (const f of list.fields) {
          if (f.type !== 'TableValue' || f.value.type !== 'TableConstructorExpression') continue;
          for (const g of f.value.fields) {
            if (g.type === 'TableKeyString' && g.key.name === link.itemKey && g.value.type === 'StringLiteral') {
              const name = stringValue(g.value.raw);
              if (link.unique) {
                const [a0, b0] = nodeRange(g.value);
                const [a, b] = g.value.raw.length === name.length + 2 ? [a0 + 1, b0 - 1] : [a0, b0];
                if (seen.has(name)) this.report('duplicate-consumer', a, b, `Consumer name '${name}' is already used by another consumer of this ${owner}; checkpoints and batches would collide.`);
                else seen.set(name, a);
              } else this.entityRef(link.entity, g.value, link.definition);
            }
          }
        }
      }
    }
  }

  private entityRef(kind: EntityKind, v: lp.StringLiteral, definition: boolean, via?: string): void {
    const name = stringValue(v.raw);
    const [a, b] = nodeRange(v);
    const inner: [number, number] = v.raw.length === name.length + 2 ? [a + 1, b - 1] : [a, b];
    this.model.entities.push({ kind, name, start: inner[0], end: inner[1], definition, ...(via ? { via } : {}) });
    this.hover(a, b, { kind: 'entity', entity: kind, name });
  }

  private checkValue(node: lp.Expression, type: TypeExpr, info: KeyInfo | undefined, scope: Scope, label: string): void {
    const facts = typeFacts(type);
    const { members, names } = facts;
    const a = startOf(node);
    const b = endOf(node);
    const typeText = info?.type ?? facts.text;
    switch (node.type) {
      case 'StringLiteral': {
        this.expr(node, scope);
        const value = stringValue(node.raw);
        const simple = node.raw.length === value.length + 2;
        const literalValues = facts.literalValues;
        // A plain `string` key whose name is itself a value kind (`listen`) is checked as that kind.
        const aliasKind = info && facts.plainString && hasValueParser(info.name) ? info.name : undefined;
        if (!aliasKind && facts.anyString) return;
        if (literalValues.includes(value)) return;
        if (facts.noString) {
          if (literalValues.length) this.report('invalid-enum', a, b, `${label} must be one of ${literalValues.map((v) => `'${v}'`).join(', ')}.`);
          else this.report('type-mismatch', a, b, `${label} expects ${typeText}, got a string.`);
          return;
        }
        if (facts.hasEnum && info?.enum) {
          if (info.enum.includes(value)) return;
          const s = suggest(value, info.enum);
          this.report('invalid-enum', simple ? a + 1 : a, simple ? b - 1 : b, `'${value}' is not a valid ${label}; expected one of ${info.enum.join(', ')}.${didYouMean(s)}`, s.length ? { fix: { kind: 'replace', title: 'Did you mean', replacements: s } } : {});
          return;
        }
        const parser = aliasKind ?? (facts.parsers.length === 1 ? facts.parsers[0] : undefined);
        if (parser) {
          const check = checkValueString(parser, value);
          if (check) this.valueResult(check, parser, label, a, b, simple ? a + 1 : undefined, value);
        }
        return;
      }
      case 'NumericLiteral': {
        if (facts.rejectsNumber) {
          this.report('type-mismatch', a, b, `${label} expects ${typeText}, got a number.`);
          return;
        }
        const parsers = facts.parsers;
        if (parsers.length === 1 && !names.includes('integer') && !names.includes('number')) {
          const raw = (node as lp.NumericLiteral).raw;
          const check = checkValueNumber(parsers[0], node.value, /[.eEpP]/.test(raw) && !/^0[xX][0-9a-fA-F]+$/.test(raw));
          if (check) this.valueResult(check, parsers[0], label, a, b, a, raw);
        }
        return;
      }
      case 'BooleanLiteral':
        if (facts.rejectsBoolean) this.report('type-mismatch', a, b, `${label} expects ${typeText}, got a boolean.`);
        return;
      case 'FunctionDeclaration':
        if (facts.rejectsFunction) this.report('type-mismatch', a, b, `${label} expects ${typeText}, got a function.`);
        if (takesRecord(info?.data?.description)) this.functionDecl(node, scope, undefined, RECORD_PARAMS);
        else this.expr(node, scope);
        return;
      case 'TableConstructorExpression': {
        if (facts.rejectsTable) {
          this.report('type-mismatch', a, b, `${label} expects ${typeText}, got a table.`);
          this.expr(node, scope);
          return;
        }
        const space = this.spaceForType(members, info, label);
        if (space) this.checkTable(node, space, [a, Math.min(b, a + 1)], scope, label);
        else this.expr(node, scope);
        return;
      }
      default:
        this.expr(node, scope);
    }
  }

  /** Reports a value parser's verdict; `textStart` is where the checked text begins (for sub-spans). */
  private valueResult(check: ValueCheck, kind: string, label: string, a: number, b: number, textStart: number | undefined, text: string): void {
    const span = (s0: number, e0: number): [number, number] => {
      if (textStart === undefined) return [a, b];
      const s = Math.min(textStart + s0, b);
      return [s, Math.min(Math.max(textStart + e0, s + 1), b)];
    };
    if (!check.result.ok) {
      const err = check.result.error;
      const [s, t] = span(err.start, err.end);
      this.report('invalid-value', s, t, `Invalid ${kind} for ${label}: ${err.message}`);
      return;
    }
    for (const w of check.result.warnings ?? []) {
      const [s, t] = span(w.start, w.end);
      // Style notes (legacy but working spellings) stay informational; likely mistakes warn.
      this.report('suspicious-value', s, t, w.message, STYLE_WARNINGS.has(w.code) ? { severity: 'information' } : {});
    }
    if (check.display) {
      this.hover(a, b, { kind: 'value', typeName: kind, display: check.display, text });
      if (/ = /.test(check.display) || kind === 'throttle') this.model.inlays.push({ offset: b, label: check.display.includes(' = ') ? check.display.slice(check.display.lastIndexOf(' = ') + 1) : check.display });
    }
  }

  /** The key space a table value follows, when its type names one clearly. */
  private spaceForType(members: TypeExpr[], info: KeyInfo | undefined, label: string): KeySpace | undefined {
    const tableish = members.filter((m) => !(m.kind === 'name' && (m.name === 'nil' || KIND_SETS.rejectsTable.has(m.name))) && m.kind !== 'literal');
    if (tableish.length !== 1) {
      return undefined;
    }
    const m = tableish[0];
    if (m.kind === 'name') {
      const t = this.catalog.getConfigTable(m.name);
      if (t) return spaceOfTable(t, this.catalog);
      if (info && info.qualified) {
        const variants = variantTables(this.catalog, info.qualified, info.name);
        if (variants.length) {
          const keys = new Map<string, KeyInfo>();
          for (const v of variants) {
            const short = v.name.slice(info.name.length + 1);
            keys.set(short, { name: short, type: 'table', required: false, qualified: `${info.qualified}.${short}`, variantTable: v });
          }
          return { label, keys, strict: false, checkRequired: false };
        }
      }
      return undefined;
    }
    if (m.kind === 'array') {
      return { label, keys: new Map(), strict: false, checkRequired: false, items: m.item };
    }
    if (m.kind === 'map') {
      return { label, keys: new Map(), strict: false, checkRequired: false, mapKey: m.key, mapValue: m.value };
    }
    if (m.kind === 'record') {
      const keys = new Map<string, KeyInfo>();
      for (const f of m.fields) {
        keys.set(f.name, { name: f.name, type: typeText(f.type), required: !f.optional && f.default === undefined && !typeText(f.type).split('|').includes('nil'), ...(f.default !== undefined ? { default: f.default } : {}), qualified: `${label}.${f.name}` });
      }
      // Only records whose type spells out defaults say clearly which fields must be present.
      return { label, keys, strict: false, checkRequired: m.fields.some((f) => f.default !== undefined) };
    }
    return undefined;
  }
}

/** What checkValue needs to know about a type, computed once per (cached) type expression. */
interface TypeFacts {
  members: TypeExpr[];
  /** Member names (`duration`, `nil`), or kinds for structured members (`array`, `literal`). */
  names: string[];
  text: string;
  literalValues: string[];
  /** Any string is acceptable: `string`, `any`, or a name with no value parser. */
  anyString: boolean;
  /** No member can be a string. */
  noString: boolean;
  /** Exactly `string` besides nil: the key's own name may be a value kind. */
  plainString: boolean;
  hasEnum: boolean;
  /** Members with a value parser. */
  parsers: string[];
  rejectsNumber: boolean;
  rejectsBoolean: boolean;
  rejectsTable: boolean;
  rejectsFunction: boolean;
}

const typeFactsCache = new WeakMap<TypeExpr, TypeFacts>();

function typeFacts(type: TypeExpr): TypeFacts {
  let f = typeFactsCache.get(type);
  if (f) return f;
  const members = unionMembers(type);
  const names = members.map((m) => (m.kind === 'name' ? m.name : m.kind));
  const all = (set: Set<string>) => names.every((n) => set.has(n));
  const unknownName = (n: string) => !KIND_SETS.rejectsTable.has(n) && !['array', 'map', 'record', 'literal', 'function', 'table', 'nil'].includes(n);
  f = {
    members, names, text: names.join('|'),
    literalValues: members.filter((m) => m.kind === 'literal').map((m) => (m as { value: string }).value),
    anyString: names.some((n) => n === 'string' || n === 'any' || n === 'unknown' || (unknownName(n) && !hasValueParser(n) && n !== 'enum')),
    noString: names.every((n) => NON_STRING.has(n) || n === 'array' || n === 'map' || n === 'record' || n === 'literal'),
    plainString: names.filter((n) => n !== 'nil').length === 1 && names.includes('string'),
    hasEnum: names.includes('enum'),
    parsers: names.filter((n) => hasValueParser(n)),
    rejectsNumber: all(KIND_SETS.rejectsNumber),
    rejectsBoolean: all(KIND_SETS.rejectsBoolean),
    rejectsTable: all(KIND_SETS.rejectsTable),
    rejectsFunction: all(KIND_SETS.rejectsFunction),
  };
  typeFactsCache.set(type, f);
  return f;
}

/** A resolved member (`kumo.make_queue_config`, `Message:sender`): hover, version data and type. */
interface MemberInfo {
  path: string;
  hover: HoverInfo;
  type: LType;
  fn?: FunctionData;
  field?: FieldData;
  method?: MethodData;
}

/** Per-catalog memos of what the walk derives from catalog entries again and again. */
interface CatalogCaches {
  modules: Map<string, Map<string, MemberInfo | null>>;
  objects: Map<ObjectData, Map<string, MemberInfo | null>>;
  types: Map<string, LType>;
  eventParams: Map<EventData, LType[]>;
  producers: Map<string, string[]>;
  callees: Map<FunctionData, CalleeFacts>;
}

const catalogCacheMap = new WeakMap<Catalog, CatalogCaches>();

function catalogCaches(catalog: Catalog): CatalogCaches {
  let c = catalogCacheMap.get(catalog);
  if (!c) catalogCacheMap.set(catalog, (c = { modules: new Map(), objects: new Map(), types: new Map(), eventParams: new Map(), producers: new Map(), callees: new Map() }));
  return c;
}

interface CalleeFacts {
  /** The config table of its table parameter, and that parameter's index. */
  table?: ConfigTableData;
  tableParam: number;
  /** Parameters documented as `function(record)`. */
  recordParams: boolean[];
  /** Arguments needed: up to the last parameter that is neither optional, variadic nor nil-able. */
  required: number;
}

function calleeFacts(fn: FunctionData, catalog: Catalog): CalleeFacts {
  const cache = catalogCaches(catalog).callees;
  let f = cache.get(fn);
  if (!f) {
    let required = 0;
    fn.params.forEach((p, i) => {
      if (!p.optional && !p.variadic && !/(^|\|)(nil|any)(\||$)/.test(p.type)) required = i + 1;
    });
    f = {
      table: catalog.tableParamOf(fn),
      tableParam: fn.params.findIndex((p) => /^table(\|nil)?$/.test(p.type)),
      recordParams: fn.params.map((p) => takesRecord(p.description)),
      required,
    };
    cache.set(fn, f);
  }
  return f;
}

const keyHovers = new WeakMap<KeyInfo, HoverInfo>();

function keyHover(key: KeyInfo): HoverInfo {
  let h = keyHovers.get(key);
  if (!h) keyHovers.set(key, (h = { kind: 'key', key }));
  return h;
}

function typeText(t: TypeExpr): string {
  switch (t.kind) {
    case 'name': return t.name;
    case 'union': return t.types.map(typeText).join('|');
    case 'literal': return JSON.stringify(t.value);
    case 'array': return `array<${typeText(t.item)}>`;
    case 'map': return `map<${typeText(t.key)},${typeText(t.value)}>`;
    case 'unknown': return t.text;
    default: return 'table';
  }
}

const spaceCache = new WeakMap<ConfigTableData, KeySpace[]>();
const variantCache = new Map<string, ConfigTableData[]>();

/** Config tables that are the variants of a key (`make_queue_config.protocol` -> protocol.smtp, protocol.custom_lua). */
function variantTables(catalog: Catalog, qualified: string, key: string): ConfigTableData[] {
  let v = variantCache.get(qualified);
  if (!v) {
    v = [...catalog.configTables.values()].filter((t) => t.used_by.includes(qualified) && t.name.startsWith(key + '.'));
    variantCache.set(qualified, v);
  }
  return v;
}

export function spaceOfTable(table: ConfigTableData, catalog: Catalog, checkRequired = true): KeySpace {
  let cached = spaceCache.get(table);
  if (!cached) spaceCache.set(table, (cached = []));
  const idx = checkRequired ? 0 : 1;
  return (cached[idx] ??= buildSpace(table, catalog, checkRequired));
}

function buildSpace(table: ConfigTableData, catalog: Catalog, checkRequired: boolean): KeySpace {
  const keys = new Map<string, KeyInfo>();
  for (const [name, k] of Object.entries(table.keys)) keys.set(name, keyInfoOf(table, name, k));
  void catalog;
  return { label: table.name, keys, table, strict: table.deny_unknown_fields, checkRequired };
}

function keyInfoOf(table: ConfigTableData, name: string, k: ConfigKeyData): KeyInfo {
  const info: KeyInfo = { name, type: k.type, required: k.required, qualified: `${table.name}.${name}`, data: k };
  if (k.default !== undefined) info.default = k.default;
  if (k.enum) info.enum = k.enum;
  return info;
}

export function methodAsFunction(objName: string, m: MethodData): FunctionData {
  let fn = methodFunctions.get(m);
  if (!fn) methodFunctions.set(m, (fn = methodAsFunctionUncached(objName, m)));
  return fn;
}

const methodFunctions = new WeakMap<MethodData, FunctionData>();

function methodAsFunctionUncached(objName: string, m: MethodData): FunctionData {
  return {
    name: `${objName}:${m.name}`, kind: 'function', params: m.params, returns: m.returns, async: m.async, source: null, binaries: [],
    description: m.description ?? '', ...(m.since ? { since: m.since } : {}), ...(m.deprecated ? { deprecated: m.deprecated } : {}),
  };
}

export function shortName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('.'), path.lastIndexOf(':')) + 1);
}

function didYouMean(s: string[]): string {
  return s.length ? ` Did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : '';
}

/** Unknown to the walk: nothing, or a value of a required module (typed by the service only). */
function opaque(t: LType): boolean {
  return t.k === 'unknown' || t.k === 'modmember' || t.k === 'modresult';
}

function sameType(a: LType, b: LType): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'module': return a.path === (b as typeof a).path;
    case 'object': return a.name === (b as typeof a).name;
    case 'array': return sameType(a.of, (b as typeof a).of);
    case 'fn': return a.fn === (b as typeof a).fn;
    case 'extras': case 'localmod': case 'shape': return a.name === (b as typeof a).name;
    case 'modmember': case 'modresult': return a.module === (b as typeof a).module && a.name === (b as typeof a).name && a.via === (b as typeof a).via;
    default: return false;
  }
}

const requiredCache = new WeakMap<KeySpace, string[]>();

/** The required (and not removed) keys of a key space, computed once per space. */
function requiredKeys(space: KeySpace): string[] {
  let r = requiredCache.get(space);
  if (!r) {
    r = [...space.keys.values()].filter((k) => k.required && !k.data?.removed).map((k) => k.name);
    requiredCache.set(space, r);
  }
  return r;
}

let linkIndex: Map<string, EntityLink[]> | undefined;

function linksByTable(): Map<string, EntityLink[]> {
  if (!linkIndex) {
    linkIndex = new Map();
    for (const l of ENTITY_LINKS) linkIndex.set(l.table, [...(linkIndex.get(l.table) ?? []), l]);
  }
  return linkIndex;
}

/** The string literals of a `..` concatenation. */
function stringPieces(e: lp.Expression): string[] {
  if (e.type === 'StringLiteral') return [stringValue(e.raw)];
  if (e.type === 'BinaryExpression' && e.operator === '..') return [...stringPieces(e.left), ...stringPieces(e.right)];
  return [];
}

/** Callback parameters documented as `function(record) -> boolean` receive a log record. */
function takesRecord(description: string | undefined): boolean {
  return !!description && /function\s*\(\s*record\s*\)/i.test(description);
}

/** The operand whose type iteratorTypes reads: the argument of `ipairs(x)`/`pairs(x)`, the object of `obj:m()`. */
function iteratorOperand(first: lp.Expression | undefined): lp.Expression | undefined {
  if (!first || first.type !== 'CallExpression') return undefined;
  if (first.base.type === 'Identifier') return first.arguments[0];
  if (first.base.type === 'MemberExpression' && first.base.indexer === ':') return first.base.base;
  return undefined;
}

export { compareVersions };
