/** Hover texts (markdown) built from what the analysis walk recorded for each range. */
import { getCatalog } from '../../runtime/catalog/catalog';
import { summarizeEntry } from '../../runtime/catalog/describe';
import { describeType, visibleSymbols } from './completion';
import type { FileModel, HoverInfo, HoverTarget, LType } from './model';
import type { HoverResult } from './types';
import { memberSignature, renderDoc, type ModuleExports, type ModuleMember } from './exports';

/** Names what a module value holds (`m.new()` -> QueueConfig), when the service can tell. */
export type TypeDescriber = (t: LType) => string | undefined;

export function hoverAt(model: FileModel, offset: number, describe?: TypeDescriber): HoverResult | undefined {
  let best: HoverTarget | undefined;
  for (const h of model.hovers) {
    if (h.start <= offset && offset <= h.end && (!best || h.end - h.start < best.end - best.start || (h.end - h.start === best.end - best.start && h.info.kind === 'value'))) best = h;
  }
  if (!best) return symbolHover(model, offset, describe);
  const contents = render(best.info, model, best);
  return contents ? { range: model.lines.range(best.start, best.end), contents } : undefined;
}

function code(s: string): string {
  return '```lua\n' + s + '\n```';
}

function versionLines(v: { since?: string | null; deprecated?: boolean | string; removed?: string; replacement?: string }): string[] {
  const out: string[] = [];
  if (v.since) out.push(`Since ${v.since}.`);
  if (v.removed) out.push(`**Removed** in ${v.removed}${v.replacement ? `; use \`${v.replacement}\`` : ''}.`);
  if (v.deprecated) out.push(`**Deprecated**${typeof v.deprecated === 'string' ? `: ${v.deprecated}` : '.'}`);
  return out;
}

function render(info: HoverInfo, model: FileModel, target: HoverTarget): string | undefined {
  const catalog = getCatalog();
  switch (info.kind) {
    case 'entry': {
      const s = summarizeEntry(catalog, info.entry);
      const parts = [code(s.signature)];
      if (s.description) parts.push(s.description);
      parts.push(...versionLines(s));
      if (s.doc_note) parts.push(`Note: ${s.doc_note}`);
      if (s.notes?.length) parts.push(s.notes.map((n) => `- ${n}`).join('\n'));
      if (info.entry.kind === 'event') parts.push(info.entry.event.multiple_handlers ? 'Several handlers may be registered; they run in order.' : 'Only one handler may be registered.');
      return parts.join('\n\n');
    }
    case 'key': {
      const k = info.key;
      const parts = [code(`${k.qualified}: ${k.type}${k.required ? ' (required)' : ''}`)];
      if (k.data?.description) parts.push(k.data.description);
      if (k.default !== undefined) parts.push(`Default: \`${JSON.stringify(k.default)}\``);
      if (k.enum) parts.push(`One of: ${k.enum.map((e) => `\`${e}\``).join(', ')}`);
      if (k.data) parts.push(...versionLines(k.data as Parameters<typeof versionLines>[0]));
      const note = (k.data as { doc_note?: string } | undefined)?.doc_note;
      if (note) parts.push(`Note: ${note}`);
      // The literal value of this key, when the walk normalized it.
      const value = model.hovers.find((h) => h.info.kind === 'value' && h.start > target.end && h.start - target.end < 8);
      if (value && value.info.kind === 'value') parts.push(`Value: ${value.info.display}`);
      return parts.join('\n\n');
    }
    case 'value':
      return `${code(`'${info.text}'`)}\n\n${info.typeName}: **${info.display}**`;
    case 'symbol':
      return code(`local ${info.symbol.name}: ${describeType(info.symbol.type)}${info.symbol.attr ? ` <${info.symbol.attr}>` : ''}`);
    case 'entity': {
      const defs = model.entities.filter((e) => e.kind === info.entity && e.name === info.name && e.definition).length;
      return `${info.entity} \`${info.name}\`${defs ? '' : ' (defined elsewhere or at run time)'}`;
    }
  }
}

/** Hover on a local's name: the innermost visible declaration of the identifier under the cursor. */
function symbolHover(model: FileModel, offset: number, describe?: TypeDescriber): HoverResult | undefined {
  const text = model.text;
  let a = offset;
  let b = offset;
  while (a > 0 && /[A-Za-z0-9_]/.test(text[a - 1])) a--;
  while (b < text.length && /[A-Za-z0-9_]/.test(text[b])) b++;
  if (a === b || /[0-9]/.test(text[a])) return undefined;
  const name = text.slice(a, b);
  const sym = model.symbols.find((s) => s.name === name && s.start === a) ?? visibleSymbols(model, a).find((s) => s.name === name);
  if (!sym || sym.type.k === 'unknown') return undefined;
  const held = describe?.(sym.type);
  if (held) return { range: model.lines.range(a, b), contents: code(`local ${sym.name}: ${held}${sym.attr ? ` <${sym.attr}>` : ''}`) };
  return { range: model.lines.range(a, b), contents: render({ kind: 'symbol', symbol: sym }, model, { start: a, end: b, info: { kind: 'symbol', symbol: sym } })! };
}

/** A required module's member: its signature, the doc comment above its definition, and where it is. */
export function moduleMemberHover(module: string, m: ModuleMember, file: string, line: number | undefined): string {
  const parts = [code(m.kind === 'function' ? `function ${memberSignature(module, m)}` : `${module}.${m.name}`)];
  if (m.doc) parts.push(renderDoc(m.doc));
  parts.push(`Defined in ${file}${line !== undefined ? `:${line + 1}` : ''}.`);
  return parts.join('\n\n');
}

/** `require 'x'`: the file it loads and what that file's table holds. */
export function requireHover(module: string, file: string, exports: ModuleExports | undefined): string {
  const parts = [code(`module '${module}'`), `Loads \`${file}\`.`];
  if (exports && exports.members.size) {
    const names = [...exports.members.values()].map((m) => (m.kind === 'function' ? `${m.name}()` : m.name));
    parts.push(`Members: ${names.slice(0, 30).map((n) => `\`${n}\``).join(', ')}${names.length > 30 ? ', ...' : ''}${exports.complete ? '' : ' (and any added at run time)'}`);
  }
  return parts.join('\n\n');
}
