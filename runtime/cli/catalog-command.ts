import { getCatalog } from '../catalog/catalog';
import { EntrySummary, summarizeEntry } from '../catalog/describe';
import { suggest } from '../catalog/suggest';
import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';

const USAGE = 'usage: kumo-policy catalog [NAME] [--format text|json]\n';

/** `kumo-policy catalog [NAME] [--format json]`: section counts, or one entry in full. */
export async function runCatalogCommand(argv: string[], io: CliIo): Promise<number> {
  let format: string;
  let name: string | undefined;
  try {
    const args = parseArgs(argv);
    rejectUnknownOptions(args, ['format']);
    format = option(args, 'format', ['text', 'json']) ?? 'text';
    if (args.positional.length > 1) throw new UsageError('at most one NAME');
    name = args.positional[0];
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kumo-policy catalog: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const catalog = getCatalog();
  if (name === undefined) {
    const counts = catalog.counts();
    if (format === 'json') io.out(JSON.stringify(counts, null, 2) + '\n');
    else {
      io.out('KumoMTA API catalog\n');
      for (const [k, v] of Object.entries(counts)) io.out(`  ${k.padEnd(18)} ${v}\n`);
    }
    return 0;
  }
  const entry = catalog.resolve(name);
  if (!entry) {
    const near = suggest(name, catalog.allNames());
    io.err(`kumo-policy catalog: no entry named '${name}'${near.length ? `; did you mean ${near.map((n) => `'${n}'`).join(', ')}?` : ''}\n`);
    return 1;
  }
  const summary = summarizeEntry(catalog, entry);
  io.out(format === 'json' ? JSON.stringify(summary, null, 2) + '\n' : renderText(summary));
  return 0;
}

function renderText(s: EntrySummary): string {
  const lines = [s.signature, ''];
  if (s.description) lines.push(s.description);
  if (s.since) lines.push(`since: ${s.since}`);
  if (s.deprecated) lines.push(`deprecated${typeof s.deprecated === 'string' ? `: ${s.deprecated}` : ''}`);
  if (s.removed) lines.push(`removed in ${s.removed}${s.replacement ? `; use ${s.replacement}` : ''}`);
  if (s.multiple_handlers !== undefined) lines.push(s.multiple_handlers ? 'several handlers may be registered' : 'a single handler only');
  if (s.doc_note) lines.push(`docs vs code: ${s.doc_note}`);
  for (const n of s.notes ?? []) lines.push(`note: ${n}`);
  if (s.keys?.length) {
    lines.push('', 'keys:');
    for (const k of s.keys) {
      const extras = [
        k.required ? 'required' : undefined,
        k.default !== undefined ? `default ${JSON.stringify(k.default)}` : undefined,
        k.enum ? `one of ${k.enum.join(', ')}` : undefined,
        k.since ? `since ${k.since}` : undefined,
        k.deprecated ? 'deprecated' : undefined,
      ].filter(Boolean);
      lines.push(`  ${k.name}: ${k.type}${extras.length ? `  (${extras.join('; ')})` : ''}`);
      if (k.description) lines.push(`      ${k.description}`);
      if (k.doc_note) lines.push(`      docs vs code: ${k.doc_note}`);
    }
  }
  if (s.members?.length) lines.push('', 'members:', ...s.members.map((m) => `  ${m}`));
  return lines.join('\n') + '\n';
}
