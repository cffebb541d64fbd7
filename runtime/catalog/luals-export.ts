/**
 * Generates LuaLS (sumneko lua-language-server) `---@meta` definition files from the catalog, so users of other
 * Lua tools get KumoMTA completion and type checks. Pure: takes the catalog, returns file names and contents.
 */
import type { Catalog } from './catalog';
import type { ConfigTableData, EventData, FunctionData, MethodData, ObjectData, ParamData, Versioned } from './schema';
import { parseTypeExpr, TypeExpr } from './type-expr';

/** One generated file: a name relative to the output directory, and its text. */
export interface LuaLsFile {
  name: string;
  text: string;
}

/** Names of value kinds that are strings in Lua (`'5 minutes'`, `'100/s'`, `'10.0.0.0/8'`). */
const STRING_KINDS = new Set(['duration', 'throttle', 'cidr', 'keysource', 'limit', 'listen_address', 'regex_string']);
const LUA_BUILTINS = new Set(['string', 'number', 'integer', 'boolean', 'nil', 'any', 'table', 'function', 'userdata', 'thread']);

/** The LuaLS spelling of a catalog type string; object names become class names prefixed `kumo.`. */
export function luaLsType(text: string, objectNames: ReadonlySet<string>, tableClasses: ReadonlyMap<string, string> = new Map()): string {
  return fromExpr(parseTypeExpr(text), objectNames, tableClasses);
}

function fromExpr(t: TypeExpr, objects: ReadonlySet<string>, tables: ReadonlyMap<string, string>): string {
  switch (t.kind) {
    case 'name':
      if (t.name === 'never') return 'nil';
      if (LUA_BUILTINS.has(t.name)) return t.name;
      if (STRING_KINDS.has(t.name)) return 'string';
      if (objects.has(t.name)) return `kumo.${t.name}`;
      if (tables.has(t.name)) return tables.get(t.name)!;
      return 'any';
    case 'literal':
      return JSON.stringify(t.value);
    case 'union': {
      const parts = [...new Set(t.types.map((m) => fromExpr(m, objects, tables)))];
      return parts.includes('any') ? 'any' : parts.join('|');
    }
    case 'array': {
      const item = fromExpr(t.item, objects, tables);
      return /[|(]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'map':
      return `table<${fromExpr(t.key, objects, tables)}, ${fromExpr(t.value, objects, tables)}>`;
    case 'record':
      return `{ ${t.fields.map((f) => `${f.name}${f.optional || f.default !== undefined ? '?' : ''}: ${fromExpr(f.type, objects, tables)}`).join(', ')} }`;
    case 'tuple':
      return t.items.map((i) => fromExpr(i, objects, tables)).join(', ');
    case 'unknown':
      return 'any';
  }
}

/** `make_queue_config` -> `kumo.config.make_queue_config`: a class per config table. */
function tableClassName(name: string): string {
  return `kumo.config.${name.replace(/[^A-Za-z0-9_.]/g, '_')}`;
}

function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

function versionNotes(v: Versioned): string[] {
  const lines: string[] = [];
  if (v.since) lines.push(`---Since KumoMTA ${v.since}.`);
  if (v.removed) lines.push(`---Removed in ${v.removed}${v.replacement ? `; use ${v.replacement}` : ''}.`);
  if (v.deprecated) lines.push(`---@deprecated${typeof v.deprecated === 'string' ? ` ${oneLine(v.deprecated)}` : ''}`);
  return lines;
}

/** A valid Lua identifier for a parameter name (`...` for variadics). */
function paramName(p: ParamData): string {
  if (p.variadic) return '...';
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name) ? p.name : `_${p.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

interface Ctx {
  objects: ReadonlySet<string>;
  tables: ReadonlyMap<string, string>;
  catalog: Catalog;
}

function paramLines(params: ParamData[], ctx: Ctx, tableParam?: string): string[] {
  return params.map((p) => {
    const type = p.type === 'table' && tableParam && ctx.tables.has(tableParam) ? ctx.tables.get(tableParam)! : luaLsType(p.type, ctx.objects, ctx.tables);
    const desc = oneLine(p.description);
    return p.variadic ? `---@param ... ${type}${desc ? ` ${desc}` : ''}` : `---@param ${paramName(p)}${p.optional ? '?' : ''} ${type}${desc ? ` ${desc}` : ''}`;
  });
}

function returnLines(returns: string, ctx: Ctx): string[] {
  if (!returns || returns === 'nil' || returns === 'never') return [];
  return [`---@return ${luaLsType(returns, ctx.objects, ctx.tables)}`];
}

function functionText(fn: FunctionData, ctx: Ctx): string[] {
  const lines = [`---${oneLine(fn.description)}`, ...versionNotes(fn)];
  if (fn.async) lines.push('---(async: yields while waiting)');
  if (fn.kind === 'field') {
    lines.push(`---@type ${luaLsType(fn.returns, ctx.objects, ctx.tables)}`, `${fn.name} = nil`, '');
    return lines;
  }
  lines.push(...paramLines(fn.params, ctx, fn.table_param), ...returnLines(fn.returns, ctx));
  lines.push(`function ${fn.name}(${fn.params.map(paramName).join(', ')}) end`, '');
  return lines;
}

function methodText(obj: ObjectData, m: MethodData, ctx: Ctx): string[] {
  return [
    `---${oneLine(m.description ?? '')}`,
    ...versionNotes(m),
    ...paramLines(m.params, ctx),
    ...returnLines(m.returns, ctx),
    `function ${localName(obj)}:${m.name}(${m.params.map(paramName).join(', ')}) end`,
    '',
  ];
}

function objectText(obj: ObjectData, ctx: Ctx): string[] {
  const lines = [`---${oneLine(obj.description)}`, `---@class kumo.${obj.name}`];
  for (const f of obj.fields) {
    lines.push(`---@field ${f.name} ${luaLsType(f.type, ctx.objects, ctx.tables)}${f.description ? ` ${oneLine(f.description)}` : ''}${f.writable ? '' : ' (read-only)'}`);
  }
  lines.push(`local ${localName(obj)} = {}`, '');
  for (const m of obj.methods) lines.push(...methodText(obj, m, ctx));
  return lines;
}

function tableText(table: ConfigTableData, ctx: Ctx): string[] {
  const lines = [`---Keys accepted by ${table.used_by.join(', ')}.`, `---@class ${ctx.tables.get(table.name)}`];
  for (const [key, k] of Object.entries(table.keys)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    const extras = [
      k.default !== undefined ? `default ${JSON.stringify(k.default)}` : '',
      k.enum ? `one of ${k.enum.join(', ')}` : '',
      k.since ? `since ${k.since}` : '',
      k.deprecated ? 'deprecated' : '',
    ].filter(Boolean);
    const type = k.enum ? k.enum.map((e) => JSON.stringify(e)).join('|') : luaLsType(k.type, ctx.objects, ctx.tables);
    const desc = [oneLine(k.description), extras.length ? `(${extras.join('; ')})` : ''].filter(Boolean).join(' ');
    lines.push(`---@field ${key}${k.required ? '' : '?'} ${type}${desc ? ` ${desc}` : ''}`);
  }
  lines.push('');
  return lines;
}

function eventOverload(ev: EventData, ctx: Ctx): string {
  const params = ev.params.map((p) => `${paramName(p)}: ${luaLsType(p.type, ctx.objects, ctx.tables)}`).join(', ');
  const ret = ev.returns && ev.returns !== 'nil' ? `: ${luaLsType(ev.returns, ctx.objects, ctx.tables)}` : '';
  return `---@overload fun(name: "${ev.name}", handler: fun(${params})${ret})`;
}

const HEADER = (what: string) => [`---@meta`, `-- KumoMTA ${what}: generated by kumo-policy export-luals from the Kumo Policy Studio catalog. Do not edit.`, ''];

/** Every `---@meta` file for the catalog: kumo.lua (module functions, kumo.on overloads), objects, config tables. */
export function exportLuaLsDefinitions(catalog: Catalog): LuaLsFile[] {
  const objects = new Set(catalog.objects.keys());
  const tables = new Map<string, string>();
  for (const t of catalog.configTables.values()) if (!t.removed) tables.set(t.name, tableClassName(t.name));
  const ctx: Ctx = { objects, tables, catalog };

  const live = catalog.data.functions.filter((f) => !f.removed);
  const kumoFns = live.filter((f) => f.name.startsWith('kumo.') && f.name !== 'kumo.on');
  const otherFns = live.filter((f) => !f.name.startsWith('kumo.'));

  const kumo: string[] = [...HEADER('API'), '---The KumoMTA module: `local kumo = require \'kumo\'`.', '---@class kumo', 'kumo = {}', ''];
  const modules = [...catalog.modules.keys()].filter((m) => m.startsWith('kumo.')).sort();
  for (const m of modules) kumo.push(`---@class ${m}`, `${m} = {}`, '');
  const on = catalog.getFunction('kumo.on');
  kumo.push(`---${oneLine(on?.description ?? 'Registers an event handler.')}`);
  for (const ev of [...catalog.events.values()].sort((a, b) => a.name.localeCompare(b.name))) kumo.push(eventOverload(ev, ctx));
  kumo.push('---@param name string', '---@param handler function', 'function kumo.on(name, handler) end', '');
  for (const fn of kumoFns.sort((a, b) => a.name.localeCompare(b.name))) kumo.push(...functionText(fn, ctx));
  kumo.push('return kumo', '');

  const files: LuaLsFile[] = [{ name: 'kumo.lua', text: kumo.join('\n') }];

  if (otherFns.length) {
    const roots = [...new Set(otherFns.map((f) => f.name.split('.')[0]).filter((r) => f_isModule(r, otherFns)))].sort();
    const other: string[] = [...HEADER('extra modules')];
    for (const r of roots) other.push(`---@class ${r}`, `${r} = {}`, '');
    for (const fn of otherFns.sort((a, b) => a.name.localeCompare(b.name))) other.push(...functionText(fn, ctx));
    files.push({ name: 'kumo-modules.lua', text: other.join('\n') });
  }

  const objs: string[] = [...HEADER('objects')];
  for (const obj of [...catalog.objects.values()].sort((a, b) => a.name.localeCompare(b.name))) objs.push(...objectText(obj, ctx));
  files.push({ name: 'kumo-objects.lua', text: objs.join('\n') });

  const cfg: string[] = [...HEADER('config tables')];
  for (const t of [...catalog.configTables.values()].filter((t) => !t.removed).sort((a, b) => a.name.localeCompare(b.name))) cfg.push(...tableText(t, ctx));
  files.push({ name: 'kumo-config.lua', text: cfg.join('\n') });

  return files;
}

/** The local variable holding an object's methods (objects are classes, not members of `kumo`). */
function localName(obj: ObjectData): string {
  return obj.name.replace(/[^A-Za-z0-9_]/g, '_');
}

function f_isModule(root: string, fns: FunctionData[]): boolean {
  return fns.some((f) => f.name.startsWith(root + '.'));
}
