import rawData from './data/kumo-api.json';
import type {
  CatalogData, ConfigKeyData, ConfigTableData, DynamicEventData, EventData, FieldData, FunctionData, MethodData, ObjectData,
} from './schema';

/** A module path such as `kumo`, `kumo.dns` or `redis`, with what can be reached from it. */
export interface ModuleInfo {
  path: string;
  functions: FunctionData[];
  submodules: string[];
}

/** What a name given to `catalog.resolve` turned out to be. */
export type CatalogEntry =
  | { kind: 'function'; name: string; fn: FunctionData }
  | { kind: 'module'; name: string; module: ModuleInfo }
  | { kind: 'event'; name: string; event: EventData }
  | { kind: 'dynamic_event'; name: string; event: DynamicEventData }
  | { kind: 'object'; name: string; object: ObjectData }
  | { kind: 'method'; name: string; object: ObjectData; method: MethodData }
  | { kind: 'field'; name: string; object: ObjectData; field: FieldData }
  | { kind: 'config_table'; name: string; table: ConfigTableData }
  | { kind: 'config_key'; name: string; table: ConfigTableData; key: string; data: ConfigKeyData };

export interface CatalogCounts {
  functions: number;
  removed_functions: number;
  events: number;
  dynamic_events: number;
  objects: number;
  methods: number;
  config_tables: number;
  config_keys: number;
}

/** Read-only view over the catalog data with the lookups every tool needs. */
export class Catalog {
  readonly functions = new Map<string, FunctionData>();
  readonly events = new Map<string, EventData>();
  readonly objects = new Map<string, ObjectData>();
  readonly configTables = new Map<string, ConfigTableData>();
  readonly modules = new Map<string, ModuleInfo>();

  constructor(readonly data: CatalogData) {
    for (const fn of data.functions) {
      this.functions.set(fn.name, fn);
      this.moduleFor(modulePathOf(fn.name)).functions.push(fn);
    }
    for (const ev of data.events) this.events.set(ev.name, ev);
    for (const [name, obj] of Object.entries(data.objects)) this.objects.set(name, obj);
    for (const [name, table] of Object.entries(data.config_tables)) this.configTables.set(name, table);
  }

  /** The module at `path`, creating it (and linking it into its parent) on first use. */
  private moduleFor(path: string): ModuleInfo {
    let mod = this.modules.get(path);
    if (!mod) {
      mod = { path, functions: [], submodules: [] };
      this.modules.set(path, mod);
      const dot = path.lastIndexOf('.');
      if (dot > 0) this.moduleFor(path.slice(0, dot)).submodules.push(path);
    }
    return mod;
  }

  getFunction(name: string): FunctionData | undefined {
    return this.functions.get(name);
  }

  getModule(path: string): ModuleInfo | undefined {
    return this.modules.get(path);
  }

  getEvent(name: string): EventData | undefined {
    return this.events.get(name);
  }

  getObject(name: string): ObjectData | undefined {
    return this.objects.get(name);
  }

  getMethod(objectName: string, method: string): MethodData | undefined {
    return this.objects.get(objectName)?.methods.find((m) => m.name === method);
  }

  getConfigTable(name: string): ConfigTableData | undefined {
    return this.configTables.get(name);
  }

  /** The config table a function's table argument is checked against, if it takes one. */
  tableParamOf(fn: FunctionData): ConfigTableData | undefined {
    return fn.table_param ? this.configTables.get(fn.table_param) : undefined;
  }

  get dynamicEvents(): DynamicEventData[] {
    return this.data.dynamic_events;
  }

  counts(): CatalogCounts {
    const live = this.data.functions.filter((f) => !f.removed);
    return {
      functions: live.length,
      removed_functions: this.data.functions.length - live.length,
      events: this.events.size,
      dynamic_events: this.data.dynamic_events.length,
      objects: this.objects.size,
      methods: [...this.objects.values()].reduce((n, o) => n + o.methods.length, 0),
      config_tables: [...this.configTables.values()].filter((t) => !t.removed).length,
      config_keys: [...this.configTables.values()].filter((t) => !t.removed).reduce((n, t) => n + Object.keys(t.keys).length, 0),
    };
  }

  /**
   * Finds what a name denotes: `kumo.make_egress_path`, `make_egress_path`, `kumo.dns`, `get_queue_config`,
   * `Message`, `Message:set_meta`, `Message.id`, `make_queue_config.retry_interval`.
   */
  resolve(name: string): CatalogEntry | undefined {
    const fn = this.functions.get(name);
    if (fn) return { kind: 'function', name, fn };
    const event = this.events.get(name);
    if (event) return { kind: 'event', name, event };
    const object = this.objects.get(name);
    if (object) return { kind: 'object', name, object };
    const colon = name.indexOf(':');
    if (colon > 0) {
      const obj = this.objects.get(name.slice(0, colon));
      const method = obj?.methods.find((m) => m.name === name.slice(colon + 1));
      if (obj && method) return { kind: 'method', name, object: obj, method };
    }
    const table = this.configTables.get(name);
    if (table) return { kind: 'config_table', name, table };
    // Longest table name first, since table names may themselves contain dots (`protocol.smtp.mx_list`).
    for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
      const head = name.slice(0, dot);
      const tail = name.slice(dot + 1);
      const t = this.configTables.get(head);
      if (t && t.keys[tail]) return { kind: 'config_key', name, table: t, key: tail, data: t.keys[tail] };
      const obj = this.objects.get(head);
      const field = obj?.fields.find((f) => f.name === tail);
      if (obj && field) return { kind: 'field', name, object: obj, field };
      const method = obj?.methods.find((m) => m.name === tail);
      if (obj && method) return { kind: 'method', name: `${head}:${tail}`, object: obj, method };
    }
    const mod = this.modules.get(name);
    if (mod) return { kind: 'module', name, module: mod };
    const dynamic = this.data.dynamic_events.find((d) => d.pattern === name || d.pattern.startsWith(name + ' '));
    if (dynamic) return { kind: 'dynamic_event', name, event: dynamic };
    if (!name.startsWith('kumo.')) return this.resolve('kumo.' + name);
    return undefined;
  }

  /** Every name `resolve` understands, for "did you mean" suggestions. */
  allNames(): string[] {
    const names: string[] = [...this.functions.keys(), ...this.events.keys(), ...this.objects.keys(), ...this.modules.keys()];
    for (const obj of this.objects.values()) for (const m of obj.methods) names.push(`${obj.name}:${m.name}`);
    for (const t of this.configTables.values()) {
      names.push(t.name);
      for (const k of Object.keys(t.keys)) names.push(`${t.name}.${k}`);
    }
    return names;
  }
}

/** `kumo.dns.lookup_mx` -> `kumo.dns`; `redis.open` -> `redis`. */
export function modulePathOf(functionName: string): string {
  const dot = functionName.lastIndexOf('.');
  return dot < 0 ? '' : functionName.slice(0, dot);
}

let shared: Catalog | undefined;

/** The catalog built from the bundled data; built once and shared. */
export function getCatalog(): Catalog {
  shared ??= new Catalog(rawData as unknown as CatalogData);
  return shared;
}
