/**
 * kumo.string.psl_domain / psl_suffix as kumod computes them: crates/psl-utils `normalize_domain` (strip one
 * trailing dot, lower-case ASCII), then the Rust `psl` crate (`domain_str` / `suffix_str`: psl-types' `suffix`
 * and `domain` over the code psl-codegen generates from the list, ICANN and private sections both, Unicode and
 * punycode labels both).
 *
 * The list itself comes from the `tldts` package's flat trie (its data module only); the lookup is ours and
 * follows the generated Rust code, quirks included: no validation of labels (`a..com` has the domain `.com`),
 * a `*` rule matches an empty label too, a name whose labels match no rule falls back to its last label
 * (the implicit `*` rule), and a label that only leads to longer rules does not count as a match (so the
 * suffix of `kobe.jp`, under `*.kobe.jp`, is `jp`).
 */

/** The layout of tldts' `dist/cjs/src/data/trie.js`. */
interface FlatTrie {
  nodeFlags: Uint8Array;
  edgeStart: Uint16Array | Uint32Array;
  edgeLength: Uint8Array;
  edgeChild: Uint16Array | Uint32Array;
  labelText: string;
  rulesRoot: number;
  exceptionsRoot: number;
}

interface Tree {
  trie: FlatTrie;
  /** Children of each node by label, built on first visit. */
  children: (Map<string, number> | undefined)[];
  /** Where each node's edges start in labelText. */
  offsets: Uint32Array;
}

let tree: Tree | undefined;

function load(): Tree {
  if (tree) return tree;
  // Loaded on first use: the data is ~140 kB of JS that most runs never need.
  const trie = require('tldts/dist/cjs/src/data/trie.js') as FlatTrie;
  const nodes = trie.nodeFlags.length;
  const offsets = new Uint32Array(nodes + 1);
  let offset = 0;
  for (let node = 0; node < nodes; node++) {
    offsets[node] = offset;
    for (let e = trie.edgeStart[node]; e < trie.edgeStart[node + 1]; e++) offset += trie.edgeLength[e];
  }
  offsets[nodes] = offset;
  tree = { trie, children: new Array(nodes), offsets };
  return tree;
}

function childrenOf(t: Tree, node: number): Map<string, number> {
  let map = t.children[node];
  if (map) return map;
  map = new Map();
  const { edgeStart, edgeLength, edgeChild, labelText } = t.trie;
  let at = t.offsets[node];
  for (let e = edgeStart[node]; e < edgeStart[node + 1]; e++) {
    map.set(labelText.slice(at, at + edgeLength[e]), edgeChild[e]);
    at += edgeLength[e];
  }
  t.children[node] = map;
  return map;
}

/**
 * Whether the path to `node` is a rule of the list. tldts also flags the parent of every `*.x` rule (`kobe.jp`
 * for `*.kobe.jp`), which the list does not contain (no wildcard rule of the list has its parent as a rule too),
 * so a flagged node with a `*` child is not a rule here: psl gives `jp` as the suffix of `kobe.jp`.
 */
const isRule = (t: Tree, node: number) => t.trie.nodeFlags[node] !== 0 && !childrenOf(t, node).has('*');

/**
 * psl's `find`: the length of the suffix of the labels (given right to left), in the units of the labels.
 * Rules and exceptions are walked together, as the generated code's single tree does.
 */
function find(labels: string[]): number {
  const t = load();
  let node = t.trie.rulesRoot;
  let exception: number | undefined = t.trie.exceptionsRoot;
  let len = 0;
  let acc = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    const next = i === 0 ? label.length : acc + 1 + label.length;
    if (exception !== undefined) {
      exception = childrenOf(t, exception).get(label);
      // `!www.ck`: the exception's own label is not part of the suffix.
      if (exception !== undefined && isRule(t, exception) && i > 0) return acc;
    }
    const kids = childrenOf(t, node);
    const child = kids.get(label) ?? kids.get('*');
    if (child === undefined) return i === 0 ? label.length : len;
    // A top-level label that is only a prefix of longer rules (`ck` with just `*.ck`) is the suffix on its own.
    if (i === 0 || isRule(t, child)) len = next;
    node = child;
    acc = next;
  }
  return len;
}

/** psl-types `List::suffix`: the public suffix of `name`, trailing dot kept (null when there is none). */
function suffixOf(name: string): string | null {
  const labels = name.split('.').reverse();
  const fqdn = name.endsWith('.');
  if (fqdn) labels.shift();
  let len = find(labels);
  if (fqdn) len += 1;
  if (len === 0) return null;
  return name.slice(name.length - len);
}

/** psl-types `List::domain`: the registrable domain, trailing dot kept. */
function domainOf(name: string): string | null {
  const suffix = suffixOf(name);
  if (suffix === null) return null;
  if (name.length < suffix.length + 2) return null;
  const sub = name.slice(0, name.length - 1 - suffix.length);
  const root = sub.slice(sub.lastIndexOf('.') + 1);
  return name.slice(name.length - (root.length + 1 + suffix.length));
}

/** `Suffix::trim` / `Domain::trim`: drop the trailing dot of a fully-qualified result. */
const trimDot = (s: string | null) => (s !== null && s.endsWith('.') ? s.slice(0, -1) : s);

/** psl-utils `normalize_domain`: one trailing dot removed, ASCII upper case lowered (other letters kept). */
export function normalizeDomain(s: string): string {
  const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
  return trimmed.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** kumo.string.psl_domain: the registrable domain, or null (nil) when there is none. */
export function pslDomain(s: string): string | null {
  return trimDot(domainOf(normalizeDomain(s)));
}

/** kumo.string.psl_suffix: the public suffix, or null (nil) when there is none. */
export function pslSuffix(s: string): string | null {
  return trimDot(suffixOf(normalizeDomain(s)));
}
