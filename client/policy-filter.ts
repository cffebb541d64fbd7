/**
 * Which Lua files are KumoMTA policy: paths matching `kumomta.policyGlobs`, or files that `require 'kumo'`.
 * Pure (no vscode) so it is unit-tested; the extension uses it to start the server lazily and to keep
 * other Lua files away from it (the sumneko extension handles those, nothing is reported twice).
 */

export const DEFAULT_POLICY_GLOBS = ['**/init.lua', '**/policy/**/*.lua'];

/** Converts a VS Code style glob (`**`, `*`, `?`, `{a,b}`, `[...]`) to an anchored RegExp over `/` paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inGroup = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches anything.
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') { re += '(?:'; inGroup++; }
    else if (c === '}' && inGroup) { re += ')'; inGroup--; }
    else if (c === ',' && inGroup) re += '|';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** `require 'kumo'`, `require("kumo")`, `require [[kumo]]` outside comments (a cheap scan, not a parse). */
export function requiresKumo(text: string): boolean {
  const withoutComments = text.replace(/--\[(=*)\[[\s\S]*?\]\1\]/g, '').replace(/--[^\n]*/g, '');
  return /\brequire\s*\(?\s*(?:'kumo'|"kumo"|\[\[kumo\]\])/.test(withoutComments);
}

export interface PolicyFilterOptions {
  globs: string[];
  detectRequireKumo: boolean;
}

export class PolicyFilter {
  private readonly patterns: RegExp[];

  constructor(readonly options: PolicyFilterOptions) {
    this.patterns = options.globs.map(globToRegExp);
  }

  /** Whether a file is policy by its path alone; `relativePath` is relative to its workspace folder. */
  matchesPath(relativePath: string): boolean {
    const p = relativePath.replace(/\\/g, '/').replace(/^\.\//, '');
    return this.patterns.some((re) => re.test(p));
  }

  /** Whether a Lua file is policy: by path, or (when enabled) because it requires the kumo module. */
  isPolicy(relativePath: string, text: string | undefined): boolean {
    if (!relativePath.endsWith('.lua')) return false;
    if (this.matchesPath(relativePath)) return true;
    return this.options.detectRequireKumo && text !== undefined && requiresKumo(text);
  }

  /** A tailer script: a Lua file with a `main` event that opens a tailer. */
  static isTailerScript(text: string): boolean {
    return /kumo\s*\.\s*on\s*\(\s*['"]main['"]/.test(text) && /new_(?:multi_)?tailer/.test(text);
  }
}
