import { readdirSync, statSync } from 'node:fs';

/**
 * Segment discovery glob, in the spirit of the `filenamegen` crate kumod uses: `*` and `?` stay within
 * one path component, `[...]`/`[!...]` classes, `{a,b}` alternatives and `**` for any depth. A wildcard
 * never matches a leading dot (so `.checkpoint` files and their temp files are not segments) unless the
 * pattern component itself starts with a dot.
 */
export function compileComponent(component: string): RegExp {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < component.length) {
    const c = component[i++];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = component.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let body = component.slice(i, end);
        if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = end + 1;
      }
    } else if (c === '{') { re += '(?:'; braces++; }
    else if (c === '}' && braces > 0) { re += ')'; braces--; }
    else if (c === ',' && braces > 0) re += '|';
    else if (c === '\\' && i < component.length) re += component[i++].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  while (braces-- > 0) re += ')';
  return new RegExp('^' + re + '$', 's');
}

interface Part { literal?: string; re?: RegExp; dotOk: boolean; globstar: boolean }

export class Glob {
  private readonly parts: Part[];
  constructor(readonly pattern: string) {
    const comps = pattern.split('/').filter((c) => c !== '' && c !== '.');
    if (comps.length === 0) throw new Error(`glob pattern '${pattern}' is empty`);
    this.parts = comps.map((c) => {
      if (c === '**') return { globstar: true, dotOk: false };
      if (!/[*?[{\\]/.test(c)) return { literal: c, dotOk: true, globstar: false };
      return { re: compileComponent(c), dotOk: c.startsWith('.'), globstar: false };
    });
  }

  /** Relative paths (with '/') of every entry under `dir` that matches; missing directories give []. */
  walk(dir: string): string[] {
    const out: string[] = [];
    this.walkFrom(dir, '', 0, out);
    return out;
  }

  private walkFrom(dir: string, rel: string, index: number, out: string[]): void {
    const part = this.parts[index];
    const last = index === this.parts.length - 1;
    if (part.globstar) {
      if (last) { this.listAll(dir, rel, out); return; }
      this.walkFrom(dir, rel, index + 1, out);
      for (const name of safeReaddir(dir + (rel ? '/' + rel : ''))) {
        if (name.startsWith('.')) continue;
        const child = rel ? rel + '/' + name : name;
        if (isDir(dir + '/' + child)) this.walkFrom(dir, child, index, out);
      }
      return;
    }
    const base = rel ? dir + '/' + rel : dir;
    const names = part.literal !== undefined ? [part.literal] : safeReaddir(base).filter((n) => (part.dotOk || !n.startsWith('.')) && part.re!.test(n));
    for (const name of names) {
      const child = rel ? rel + '/' + name : name;
      if (last) {
        if (part.literal === undefined || exists(dir + '/' + child)) out.push(child);
      } else if (isDir(dir + '/' + child)) this.walkFrom(dir, child, index + 1, out);
    }
  }

  private listAll(dir: string, rel: string, out: string[]): void {
    for (const name of safeReaddir(rel ? dir + '/' + rel : dir)) {
      if (name.startsWith('.')) continue;
      const child = rel ? rel + '/' + name : name;
      out.push(child);
      if (isDir(dir + '/' + child)) this.listAll(dir, child, out);
    }
  }
}

function safeReaddir(path: string): string[] {
  try { return readdirSync(path); } catch { return []; }
}
function isDir(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}
function exists(path: string): boolean {
  try { statSync(path); return true; } catch { return false; }
}
