/** Completion: module members, methods, config keys, enum values, event names with handler snippets. */
import { getCatalog } from '../../runtime/catalog/catalog';
import { formatParams } from '../../runtime/catalog/describe';
import type { FunctionData, ParamData } from '../../runtime/catalog/schema';
import { parseTypeExpr, unionMembers } from '../../runtime/catalog/type-expr';
import { availableIn, isVersion } from '../../runtime/catalog/versions';
import type { FileModel, KeyInfo, LType, SymbolInfo, TableContext } from './model';
import { shortName } from './model';
import type { AnalysisSettings, CompletionItem } from './types';
import { valueKindSummary } from './values';
import { memberSignature, renderDoc, type ModuleExports } from './exports';

/** The exports of a module required by the file (`helpers`, `policy-extras.queue`), when its file was found. */
export type ModuleLookup = (module: string) => ModuleExports | undefined;
/**
 * What a module value holds (`m.sub`, the result of `m.new()`): a table with known members, or a catalog type;
 * undefined when unsure.
 */
export type ModuleTypeLookup = (t: LType) => { label: string; exports: ModuleExports } | LType | undefined;

const IDENT = /[A-Za-z_][A-Za-z0-9_]*$/;

export function complete(model: FileModel, offset: number, settings: AnalysisSettings = {}, modules?: ModuleLookup, types?: ModuleTypeLookup): CompletionItem[] {
  const text = model.text;
  const before = text.slice(Math.max(0, offset - 2000), offset);
  const lineBefore = before.slice(before.lastIndexOf('\n') + 1);

  // kumo.on('|'
  const ev = /\bon\s*\(\s*(['"])([\w.-]*)$/.exec(lineBefore);
  if (ev) return eventItems(text, offset, ev[1], ev[2].length);

  // record.type == '|' inside tailer filters and batches
  const rt = /\.\s*type\s*[~=]=\s*(['"])(\w*)$/.exec(lineBefore);
  if (rt) return recordTypeItems(offset - rt[2].length, offset);

  // key = '|' : enum values of the key
  const val = /([A-Za-z_]\w*)\s*=\s*(['"])([^'"]*)$/.exec(lineBefore);
  if (val) {
    const ctx = innermostTable(model, offset);
    const key = ctx?.space.keys.get(val[1]);
    if (key) return enumItems(key, offset - val[3].length, offset);
    return [];
  }
  if (inStringOrComment(lineBefore)) return [];

  // a.b.c. or obj:
  const member = /([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*([.:])\s*([A-Za-z_]\w*)?$/.exec(lineBefore);
  if (member && !/\.\.\s*[A-Za-z_]*$/.test(lineBefore.slice(0, lineBefore.length - (member[3]?.length ?? 0)))) {
    const chain = member[1].split(/\s*\.\s*/);
    const prefixLen = member[3]?.length ?? 0;
    const base = resolveChain(model, chain, offset);
    return memberItems(base, member[2] as '.' | ':', offset - prefixLen, offset, settings, modules, types);
  }

  // Inside a config table at a key position
  const ctx = innermostTable(model, offset);
  if (ctx && atKeyPosition(text, ctx, offset)) {
    const prefix = IDENT.exec(lineBefore)?.[0] ?? '';
    return keyItems(ctx, offset - prefix.length, offset);
  }

  // Plain identifiers: locals in scope, then `kumo`.
  const prefix = IDENT.exec(lineBefore)?.[0] ?? '';
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const s of visibleSymbols(model, offset)) {
    if (seen.has(s.name)) continue;
    seen.add(s.name);
    items.push({ label: s.name, kind: 'field', detail: describeType(s.type), replaceStart: offset - prefix.length, replaceEnd: offset });
  }
  if (!seen.has('kumo')) items.push({ label: 'kumo', kind: 'module', detail: 'KumoMTA module (require "kumo")', replaceStart: offset - prefix.length, replaceEnd: offset });
  return items;
}

function inStringOrComment(line: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '-' && line[i + 1] === '-') return true;
  }
  return quote !== undefined;
}

export function innermostTable(model: FileModel, offset: number): TableContext | undefined {
  let best: TableContext | undefined;
  for (const t of model.tables) {
    if (t.start < offset && offset <= t.end && (!best || t.start >= best.start)) best = t;
  }
  // A table recovered from an unfinished edit ends where the repair closed it; accept the cursor right after.
  return best;
}

/** True when the text between the table's last separator and the cursor is only a (partial) name. */
function atKeyPosition(text: string, ctx: TableContext, offset: number): boolean {
  let depth = 0;
  for (let i = offset - 1; i >= ctx.start; i--) {
    const c = text[i];
    if (c === '}' || c === ')' || c === ']') depth++;
    else if (c === '{' || c === '(' || c === '[') {
      if (depth === 0) return i === ctx.start && /^\s*[A-Za-z_]*\s*$/.test(text.slice(i + 1, offset));
      depth--;
    } else if ((c === ',' || c === ';') && depth === 0) return /^\s*[A-Za-z_]*\s*$/.test(text.slice(i + 1, offset));
    else if (c === '=' && depth === 0) return false;
  }
  return false;
}

export function visibleSymbols(model: FileModel, offset: number): SymbolInfo[] {
  return model.symbols.filter((s) => s.end <= offset && offset <= s.scopeEnd).reverse();
}

function resolveChain(model: FileModel, chain: string[], offset: number): LType {
  const catalog = getCatalog();
  const first = chain[0];
  const sym = visibleSymbols(model, offset).find((s) => s.name === first);
  let t: LType = sym ? sym.type : first === 'kumo' ? { k: 'module', path: 'kumo' } : { k: 'unknown' };
  for (const part of chain.slice(1)) {
    if (t.k === 'module') {
      const path = `${t.path}.${part}`;
      if (catalog.getModule(path)) t = { k: 'module', path };
      else {
        const fn = catalog.getFunction(path);
        t = fn && fn.kind === 'field' && catalog.getObject(fn.returns) ? { k: 'object', name: fn.returns } : { k: 'unknown' };
      }
    } else if (t.k === 'object') {
      const field = catalog.getObject(t.name)?.fields.find((f) => f.name === part);
      t = field && catalog.getObject(field.type) ? { k: 'object', name: field.type } : { k: 'unknown' };
    } else if (t.k === 'localmod' || t.k === 'extras') {
      t = { k: 'modmember', module: t.k === 'extras' ? `policy-extras.${t.name}` : t.name, name: part };
    } else if (t.k === 'modmember' && t.via === undefined) {
      t = { k: 'modmember', module: t.module, name: part, via: t.name };
    } else t = { k: 'unknown' };
  }
  return t;
}

function snippetArgs(params: ParamData[]): string {
  const required = params.filter((p) => !p.optional && !p.variadic);
  return required.map((p, i) => `\${${i + 1}:${p.name}}`).join(', ');
}

function functionItem(fn: FunctionData, label: string, kind: 'function' | 'method', start: number, end: number, settings: AnalysisSettings): CompletionItem {
  const sig = fn.kind === 'field' ? `${fn.name}: ${fn.returns}` : `${fn.name}(${formatParams(fn.params)}) -> ${fn.returns}`;
  const item: CompletionItem = { label, kind: fn.kind === 'field' ? 'field' : kind, detail: sig, documentation: fn.description, replaceStart: start, replaceEnd: end };
  if (fn.kind !== 'field') {
    const table = fn.table_param && fn.params.length === 1;
    item.insertText = table ? `${label} {\n\t$0\n}` : `${label}(${snippetArgs(fn.params)})$0`;
    item.snippet = true;
  }
  if (fn.deprecated || fn.removed) item.deprecated = true;
  const target = settings.targetVersion && isVersion(settings.targetVersion) ? settings.targetVersion : undefined;
  if (fn.removed) item.sortText = `z${label}`;
  else if (target && fn.since && isVersion(fn.since) && !availableIn(fn.since, target)) item.sortText = `y${label}`;
  return item;
}

function memberItems(base: LType, sep: '.' | ':', start: number, end: number, settings: AnalysisSettings, modules?: ModuleLookup, types?: ModuleTypeLookup): CompletionItem[] {
  const catalog = getCatalog();
  if (base.k === 'modmember' || base.k === 'modresult') {
    const held = types?.(base);
    if (!held) return [];
    if ('exports' in held) return moduleMemberItems(held.label, held.exports, sep, start, end);
    return held.k === 'modmember' || held.k === 'modresult' ? [] : memberItems(held, sep, start, end, settings, modules);
  }
  if (base.k === 'localmod' || base.k === 'extras') {
    const name = base.k === 'extras' ? `policy-extras.${base.name}` : base.name;
    const exports = modules?.(name);
    if (exports) return moduleMemberItems(name, exports, sep, start, end);
  }
  if (base.k === 'module') {
    const mod = catalog.getModule(base.path);
    if (!mod) return [];
    const items: CompletionItem[] = [];
    for (const sub of mod.submodules) items.push({ label: shortName(sub), kind: 'module', detail: `module ${sub}`, replaceStart: start, replaceEnd: end });
    if (sep === '.') for (const fn of mod.functions) items.push(functionItem(fn, shortName(fn.name), 'function', start, end, settings));
    return items;
  }
  if (base.k === 'object') {
    const obj = catalog.getObject(base.name);
    if (!obj) return [];
    if (sep === ':') {
      return obj.methods.map((m) => functionItem({ name: `${obj.name}:${m.name}`, kind: 'function', params: m.params, returns: m.returns, async: m.async, source: null, binaries: [], description: m.description ?? '', ...(m.deprecated ? { deprecated: m.deprecated } : {}) }, m.name, 'method', start, end, settings));
    }
    return obj.fields.map((f) => ({ label: f.name, kind: 'field' as const, detail: `${obj.name}.${f.name}: ${f.type}`, documentation: f.description ?? '', replaceStart: start, replaceEnd: end }));
  }
  if (base.k === 'shape' && sep === '.') {
    const fields = catalog.data.table_shapes[base.name]?.fields ?? {};
    return Object.entries(fields).map(([name, f]) => ({ label: name, kind: 'field' as const, detail: `${base.name}.${name}: ${f.type}`, documentation: f.description ?? '', replaceStart: start, replaceEnd: end }));
  }
  if (base.k === 'extras') {
    const list = catalog.data.policy_extras.modules[base.name] ?? [];
    return list.filter((sig) => (sep === ':' ? sig.startsWith('mod:') : true)).map((sig) => {
      const name = /^mod[:.](\w+)/.exec(sig)?.[1] ?? sig;
      return { label: name, kind: 'method' as const, detail: `policy-extras.${base.name} ${sig}`, replaceStart: start, replaceEnd: end };
    });
  }
  return [];
}

/**
 * Members of a required module's table: functions with parameter snippets. After `:` only functions that take
 * the table as their first argument (defined with `:`, or whose first parameter is `self`).
 */
function moduleMemberItems(module: string, exports: ModuleExports, sep: '.' | ':', start: number, end: number): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const m of exports.members.values()) {
    if (m.name.startsWith('__')) continue; // metamethods (`M.__index = M`)
    const item: CompletionItem = { label: m.name, kind: m.kind === 'function' ? (m.method ? 'method' : 'function') : 'field', detail: memberSignature(module, m), replaceStart: start, replaceEnd: end };
    if (m.doc) item.documentation = renderDoc(m.doc);
    if (m.kind === 'function') {
      let params = m.params;
      if (sep === ':') {
        if (!m.method && params[0] !== 'self') continue;
        if (!m.method) params = params.slice(1);
      } else if (m.method) params = ['self', ...params];
      const snippetParams = params.filter((p) => p !== '...').map((p, i) => `\${${i + 1}:${p}}`);
      item.insertText = `${m.name}(${snippetParams.join(', ')})$0`;
      item.snippet = true;
    } else if (sep === ':') continue;
    items.push(item);
  }
  return items;
}

/** An example value for a key: its default, else a value that the key's kind accepts. */
function exampleValue(key: KeyInfo): string {
  const members = unionMembers(parseTypeExpr(key.type)).filter((m) => !(m.kind === 'name' && m.name === 'nil'));
  const first = members[0];
  if (key.enum?.length) return `'\${1|${key.enum.join(',')}|}'`;
  if (key.default !== undefined && (typeof key.default === 'string' || typeof key.default === 'number' || typeof key.default === 'boolean')) {
    return typeof key.default === 'string' ? `'\${1:${key.default}}'` : `\${1:${String(key.default)}}`;
  }
  if (!first) return '$1';
  if (first.kind === 'name') {
    switch (first.name) {
      case 'boolean': return '${1|true,false|}';
      case 'integer': case 'number': return '${1:0}';
      case 'string': return "'$1'";
      case 'duration': return "'${1:1 minute}'";
      case 'throttle': return "'${1:100/h}'";
      case 'limit': return '${1:10}';
      default: return '$1';
    }
  }
  if (first.kind === 'array' || first.kind === 'map' || first.kind === 'record') return '{ $1 }';
  return '$1';
}

function keyItems(ctx: TableContext, start: number, end: number): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const key of ctx.space.keys.values()) {
    if (ctx.present.has(key.name) || key.data?.removed) continue;
    const kindDoc = valueKindSummary(key.type.replace(/\|nil$/, ''));
    const docs = [key.data?.description, kindDoc ? `Value: ${kindDoc}.` : undefined, key.default !== undefined ? `Default: ${JSON.stringify(key.default)}` : undefined].filter(Boolean).join('\n\n');
    const item: CompletionItem = {
      label: key.name, kind: 'property', detail: `${key.type}${key.required ? ' (required)' : ''}`, documentation: docs,
      insertText: key.variantTable ? `${key.name} = {\n\t$0\n}` : `${key.name} = ${exampleValue(key)},`, snippet: true,
      replaceStart: start, replaceEnd: end, sortText: `${key.required ? '0' : '1'}${key.name}`,
    };
    if (key.data?.deprecated) item.deprecated = true;
    items.push(item);
  }
  return items;
}

function enumItems(key: KeyInfo, start: number, end: number): CompletionItem[] {
  const values = key.enum ?? unionMembers(parseTypeExpr(key.type)).flatMap((m) => (m.kind === 'literal' ? [m.value] : []));
  return values.map((v) => ({ label: v, kind: 'value' as const, detail: key.qualified, replaceStart: start, replaceEnd: end }));
}

function recordTypeItems(start: number, end: number): CompletionItem[] {
  const values = getCatalog().data.value_formats.record_type as unknown;
  if (!Array.isArray(values)) return [];
  return (values as string[]).map((v) => ({ label: v, kind: 'value' as const, detail: 'log record type', replaceStart: start, replaceEnd: end }));
}

function eventItems(text: string, offset: number, quote: string, typed: number): CompletionItem[] {
  const catalog = getCatalog();
  const start = offset - typed;
  const rest = text.slice(offset, offset + 200);
  const nameTail = /^[\w.-]*/.exec(rest)![0].length;
  // Only offer the handler snippet when nothing but the closing quote (and maybe `)`) follows.
  const closer = new RegExp(`^[\\w.-]*${quote === '"' ? '"' : "'"}?\\)?[ \\t]*(\\r?\\n|$)`).exec(rest);
  const items: CompletionItem[] = [];
  for (const ev of catalog.events.values()) {
    const item: CompletionItem = {
      label: ev.name, kind: 'event', detail: `${ev.multiple_handlers ? 'multiple handlers' : 'single handler'} -> ${ev.returns}`, documentation: ev.description,
      replaceStart: start, replaceEnd: offset + nameTail,
    };
    if (ev.deprecated) item.deprecated = true;
    if (closer) {
      const params = ev.params.map((p, i) => `\${${i + 1}:${p.name}}`).join(', ');
      item.insertText = `${ev.name}${quote}, function(${params})\n\t$0\nend)`;
      item.snippet = true;
      item.replaceEnd = offset + closer[0].replace(/(\r?\n)$/, '').length;
    }
    items.push(item);
  }
  return items;
}

export function describeType(t: LType): string {
  switch (t.k) {
    case 'module': return `module ${t.path}`;
    case 'object': return t.name;
    case 'array': return `array<${describeType(t.of)}>`;
    case 'fn': return `function ${t.fn.name}`;
    case 'localfn': return t.returns.k === 'unknown' ? 'function' : `function -> ${describeType(t.returns)}`;
    case 'extras': return `policy-extras.${t.name}`;
    case 'localmod': return `module ${t.name}`;
    case 'shape': return t.name;
    case 'modmember': return `${t.module}${t.via !== undefined ? `.${t.via}` : ''}.${t.name}`;
    case 'modresult': return `result of ${t.module}${t.via !== undefined ? `.${t.via}` : ''}.${t.name}()`;
    default: return 'unknown';
  }
}
