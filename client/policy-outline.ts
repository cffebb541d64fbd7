/**
 * What the KumoMTA explorer view lists for a policy file: listeners, queue configs, pools, sources and event
 * handlers, each with its line. A syntactic walk over luaparse's tree (no user code runs), pure and tested.
 */
import * as luaparse from 'luaparse';
import { stripAttributes } from '../runtime/lua/attributes';

export type OutlineKind = 'listener' | 'queue' | 'pool' | 'source' | 'event' | 'path';

export interface OutlineItem {
  kind: OutlineKind;
  /** What to show: the listen address, the pool or source name, the event name. */
  label: string;
  /** The kumo function that declared it (`kumo.start_esmtp_listener`). */
  via: string;
  /** 1-based line. */
  line: number;
  /** Pool members, for pools. */
  children?: string[];
}

export interface PolicyOutline {
  items: OutlineItem[];
  /** A syntax error that stopped the walk, if any (the language server reports it properly). */
  error?: string;
}

type Node = { type: string; loc?: { start: { line: number } }; [k: string]: unknown };

function dotted(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'Identifier') return n.name as string;
  if (n.type === 'MemberExpression') {
    const base = dotted(n.base as Node);
    return base ? `${base}.${(n.identifier as Node).name as string}` : undefined;
  }
  return undefined;
}

function stringValue(n: Node | undefined): string | undefined {
  if (!n || n.type !== 'StringLiteral') return undefined;
  if (typeof n.value === 'string') return n.value;
  const raw = n.raw as string;
  const long = /^\[(=*)\[([\s\S]*)\]\1\]$/.exec(raw);
  return long ? long[2] : raw.slice(1, -1);
}

function tableField(t: Node | undefined, key: string): Node | undefined {
  if (!t || t.type !== 'TableConstructorExpression') return undefined;
  for (const f of t.fields as Node[]) {
    if (f.type === 'TableKeyString' && (f.key as Node).name === key) return f.value as Node;
    if (f.type === 'TableKey' && stringValue(f.key as Node) === key) return f.value as Node;
  }
  return undefined;
}

function callArgs(n: Node): Node[] {
  if (n.type === 'CallExpression') return n.arguments as Node[];
  // luaparse: TableCallExpression has a single `arguments` node, StringCallExpression an `argument`.
  const single = (n.arguments ?? n.argument) as Node | undefined;
  if (n.type === 'TableCallExpression' || n.type === 'StringCallExpression') return single ? [single] : [];
  return [];
}

function walk(n: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(n)) { for (const c of n) walk(c, visit); return; }
  if (!n || typeof n !== 'object' || typeof (n as Node).type !== 'string') return;
  visit(n as Node);
  for (const [k, v] of Object.entries(n as Node)) if (k !== 'loc' && k !== 'range' && v && typeof v === 'object') walk(v, visit);
}

export function outlinePolicy(source: string): PolicyOutline {
  let ast: unknown;
  try {
    ast = luaparse.parse(stripAttributes(source).code, { locations: true, luaVersion: '5.3', comments: false });
  } catch (e) {
    return { items: [], error: (e as Error).message };
  }
  const items: OutlineItem[] = [];
  walk(ast, (n) => {
    if (!['CallExpression', 'TableCallExpression', 'StringCallExpression'].includes(n.type)) return;
    const fn = dotted(n.base as Node);
    if (!fn || !fn.startsWith('kumo.')) return;
    const args = callArgs(n);
    const line = n.loc?.start.line ?? 0;
    const nameOf = (key: string) => stringValue(tableField(args[0], key));
    if (fn === 'kumo.on') {
      const ev = stringValue(args[0]);
      if (ev) items.push({ kind: 'event', label: ev, via: fn, line });
    } else if (/^kumo\.start_\w*listener$/.test(fn)) {
      items.push({ kind: 'listener', label: nameOf('listen') ?? fn.slice(11), via: fn, line });
    } else if (fn === 'kumo.make_egress_pool') {
      const entries = tableField(args[0], 'entries');
      const children = entries?.type === 'TableConstructorExpression'
        ? (entries.fields as Node[]).map((f) => stringValue(tableField(f.value as Node, 'name'))).filter((s): s is string => !!s)
        : undefined;
      items.push({ kind: 'pool', label: nameOf('name') ?? '(unnamed pool)', via: fn, line, ...(children ? { children } : {}) });
    } else if (fn === 'kumo.make_egress_source') {
      items.push({ kind: 'source', label: nameOf('name') ?? '(unnamed source)', via: fn, line });
    } else if (fn === 'kumo.make_queue_config') {
      const pool = nameOf('egress_pool');
      items.push({ kind: 'queue', label: pool ? `queue config → ${pool}` : 'queue config', via: fn, line });
    } else if (fn === 'kumo.make_egress_path') {
      items.push({ kind: 'path', label: 'egress path config', via: fn, line });
    }
  });
  items.sort((a, b) => a.line - b.line);
  return { items };
}
