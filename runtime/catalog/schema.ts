/**
 * The shape of runtime/catalog/data/kumo-api.json, the one place where facts about KumoMTA's Lua API live.
 * Type strings (`duration|nil`, `array<{name:string, weight:integer=1}>`) are parsed by type-expr.ts.
 */

/** A KumoMTA release tag such as `2024.09.02-c5476b89`, or `dev` for unreleased API. */
export type Version = string;

export interface ParamData {
  name: string;
  type: string;
  optional?: boolean;
  default?: unknown;
  enum?: string[];
  variadic?: boolean;
  description?: string;
}

/** Facts shared by every versioned entry. */
export interface Versioned {
  since?: Version | null;
  since_mentions?: Version[];
  /** true, or a text naming what to use instead. */
  deprecated?: boolean | string;
  /** The release that removed the entry (legacy API kept so tools can explain and migrate it). */
  removed?: Version;
  replacement?: string;
  notes?: string[];
  doc?: string;
  documented?: boolean;
}

export interface FunctionData extends Versioned {
  name: string;
  kind: 'function' | 'field';
  params: ParamData[];
  returns: string;
  async: boolean;
  /** Key into config_tables when the function takes a table of options. */
  table_param?: string;
  /** The event whose handler should return the replacement's value (legacy API). */
  replacement_event?: string;
  source: string | null;
  binaries: string[];
  aliases?: string[];
  description: string;
}

export interface EventData extends Versioned {
  name: string;
  params: ParamData[];
  returns: string;
  multiple_handlers: boolean;
  handler_required: boolean;
  declared_via_declare_event: boolean;
  binaries: string[];
  source: string;
  description: string;
}

export interface DynamicEventData {
  pattern: string;
  params: ParamData[];
  returns: string;
  multiple_handlers?: boolean;
  source: string;
  notes?: string[];
}

export interface MethodData extends Versioned {
  name: string;
  params: ParamData[];
  returns: string;
  async: boolean;
  description?: string;
}

export interface FieldData extends Versioned {
  name: string;
  type: string;
  writable?: boolean;
  description?: string;
}

export interface ObjectData {
  name: string;
  kind: 'userdata';
  source: string;
  methods: MethodData[];
  fields: FieldData[];
  metamethods: string[];
  memoizable: boolean;
  doc?: string;
  description: string;
  produced_by?: string[] | string;
  notes?: string[];
}

export interface ConfigKeyData extends Versioned {
  type: string;
  required: boolean;
  default?: unknown;
  enum?: string[];
  description?: string;
}

export interface ConfigTableData {
  name: string;
  used_by: string[];
  source: string;
  deny_unknown_fields: boolean;
  keys: Record<string, ConfigKeyData>;
  doc?: string;
  notes?: string[];
  removed?: Version;
}

export interface TableShapeData {
  doc?: string;
  fields?: Record<string, ConfigKeyData>;
  enums?: Record<string, string[]>;
  variants?: unknown;
  deny_unknown_fields?: boolean;
}

export interface CatalogData {
  meta: Record<string, unknown>;
  lua_version: Record<string, unknown>;
  releases: Version[];
  functions: FunctionData[];
  events: EventData[];
  dynamic_events: DynamicEventData[];
  objects: Record<string, ObjectData>;
  table_shapes: Record<string, TableShapeData>;
  config_tables: Record<string, ConfigTableData>;
  value_formats: Record<string, any>;
  policy_extras: { install_path: string; require: string; source_dir: string; modules: Record<string, string[]>; documented: string };
  doc_source_disagreements: string[];
  counts: Record<string, unknown>;
}
