import type { Catalog, CatalogEntry } from './catalog';
import type { ConfigKeyData, ConfigTableData, ParamData, Versioned } from './schema';

/** One config key as tools show it (CLI, hover, docs). */
export interface KeySummary {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  enum?: string[];
  since?: string;
  deprecated?: boolean | string;
  description?: string;
  doc_note?: string;
}

/** A catalog entry flattened for display; the CLI's `--format json` prints exactly this. */
export interface EntrySummary {
  kind: CatalogEntry['kind'];
  name: string;
  signature: string;
  description: string;
  since?: string;
  deprecated?: boolean | string;
  removed?: string;
  replacement?: string;
  returns?: string;
  params?: ParamData[];
  keys?: KeySummary[];
  members?: string[];
  multiple_handlers?: boolean;
  notes?: string[];
  doc_note?: string;
  doc?: string;
}

export function formatParams(params: ParamData[]): string {
  return params
    .map((p) => `${p.variadic ? '...' : ''}${p.name}${p.optional ? '?' : ''}: ${p.type}${p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : ''}`)
    .join(', ');
}

function versioned(v: Versioned): Pick<EntrySummary, 'since' | 'deprecated' | 'removed' | 'replacement' | 'notes' | 'doc'> & { doc_note?: string } {
  const out: Pick<EntrySummary, 'since' | 'deprecated' | 'removed' | 'replacement' | 'notes' | 'doc'> & { doc_note?: string } = {};
  if (v.since) out.since = v.since;
  if (v.deprecated) out.deprecated = v.deprecated;
  if (v.removed) out.removed = v.removed;
  if (v.replacement) out.replacement = v.replacement;
  if (v.notes?.length) out.notes = v.notes;
  if (v.doc) out.doc = v.doc;
  const docNote = (v as { doc_note?: string }).doc_note;
  if (docNote) out.doc_note = docNote;
  return out;
}

export function summarizeKey(name: string, k: ConfigKeyData): KeySummary {
  const s: KeySummary = { name, type: k.type, required: k.required };
  if (k.default !== undefined) s.default = k.default;
  if (k.enum) s.enum = k.enum;
  if (k.since) s.since = k.since;
  if (k.deprecated) s.deprecated = k.deprecated;
  if (k.description) s.description = k.description;
  const docNote = (k as { doc_note?: string }).doc_note;
  if (docNote) s.doc_note = docNote;
  return s;
}

function tableKeys(table: ConfigTableData): KeySummary[] {
  return Object.entries(table.keys).map(([name, k]) => summarizeKey(name, k));
}

export function summarizeEntry(catalog: Catalog, entry: CatalogEntry): EntrySummary {
  switch (entry.kind) {
    case 'function': {
      const fn = entry.fn;
      const table = catalog.tableParamOf(fn);
      const signature = fn.kind === 'field' ? `${fn.name}: ${fn.returns}` : `${fn.name}(${formatParams(fn.params)}) -> ${fn.returns}`;
      return {
        kind: entry.kind, name: fn.name, signature, description: fn.description, returns: fn.returns, params: fn.params,
        ...versioned(fn), ...(table ? { keys: tableKeys(table) } : {}),
      };
    }
    case 'module': {
      const members = [...entry.module.submodules, ...entry.module.functions.map((f) => f.name)].sort();
      return { kind: entry.kind, name: entry.name, signature: `module ${entry.name}`, description: `Module with ${members.length} members.`, members };
    }
    case 'event': {
      const ev = entry.event;
      return {
        kind: entry.kind, name: ev.name,
        signature: `kumo.on('${ev.name}', function(${ev.params.map((p) => p.name).join(', ')}) -> ${ev.returns})`,
        description: ev.description, params: ev.params, returns: ev.returns, multiple_handlers: ev.multiple_handlers, ...versioned(ev),
      };
    }
    case 'dynamic_event': {
      const ev = entry.event;
      return {
        kind: entry.kind, name: ev.pattern, signature: `kumo.on(${ev.pattern}, function(${ev.params.map((p) => p.name).join(', ')}))`,
        description: `Event named at run time: ${ev.pattern}.`, params: ev.params, returns: ev.returns, ...(ev.notes ? { notes: ev.notes } : {}),
      };
    }
    case 'object': {
      const o = entry.object;
      const members = [...o.methods.map((m) => `${o.name}:${m.name}`), ...o.fields.map((f) => `${o.name}.${f.name}`)];
      return { kind: entry.kind, name: o.name, signature: `object ${o.name}`, description: o.description, members, ...(o.notes ? { notes: o.notes } : {}) };
    }
    case 'method': {
      const m = entry.method;
      return {
        kind: entry.kind, name: `${entry.object.name}:${m.name}`,
        signature: `${entry.object.name}:${m.name}(${formatParams(m.params)}) -> ${m.returns}`,
        description: m.description ?? '', params: m.params, returns: m.returns, ...versioned(m),
      };
    }
    case 'field': {
      const f = entry.field;
      return {
        kind: entry.kind, name: `${entry.object.name}.${f.name}`, signature: `${entry.object.name}.${f.name}: ${f.type}${f.writable ? '' : ' (read-only)'}`,
        description: f.description ?? '', ...versioned(f),
      };
    }
    case 'config_table': {
      const t = entry.table;
      return {
        kind: entry.kind, name: t.name, signature: `table ${t.name} { ${Object.keys(t.keys).join(', ')} }`,
        description: `Keys accepted by ${t.used_by.join(', ')}${t.deny_unknown_fields ? '; unknown keys are rejected' : ''}.`,
        keys: tableKeys(t), ...(t.notes ? { notes: t.notes } : {}), ...(t.removed ? { removed: t.removed } : {}), ...(t.doc ? { doc: t.doc } : {}),
      };
    }
    case 'config_key': {
      const k = summarizeKey(entry.key, entry.data);
      return {
        kind: entry.kind, name: entry.name, signature: `${entry.name}: ${k.type}${k.required ? ' (required)' : ''}`,
        description: k.description ?? '', keys: [k], ...versioned(entry.data),
      };
    }
  }
}
