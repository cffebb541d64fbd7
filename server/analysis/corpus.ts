/** KumoMTA's own Lua (policy-extras and the docs' lua blocks), read from a git mirror: the zero-false-positive corpus. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEFAULT_MIRROR = '/work/.mirror/KumoCorp+kumomta/repo';

export interface CorpusFile {
  name: string;
  text: string;
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** undefined when the mirror is absent. */
export function loadCorpus(repo = DEFAULT_MIRROR, opts: { docs?: boolean } = {}): { extras: CorpusFile[]; docBlocks: CorpusFile[] } | undefined {
  if (!existsSync(repo)) return undefined;
  const files = git(repo, ['ls-tree', '-r', '--name-only', 'HEAD', 'assets/policy-extras', 'docs']).split('\n').filter(Boolean);
  const extras = files.filter((f) => f.endsWith('.lua')).map((f) => ({ name: f, text: git(repo, ['show', `HEAD:${f}`]) }));
  const docBlocks: CorpusFile[] = [];
  const mds = opts.docs === false ? [] : files.filter((f) => f.endsWith('.md'));
  // One `git cat-file --batch` would be faster; `show` of many paths at once keeps it simple.
  for (let i = 0; i < mds.length; i += 200) {
    const chunk = mds.slice(i, i + 200);
    for (const f of chunk) {
      const text = git(repo, ['show', `HEAD:${f}`]);
      let n = 0;
      for (const m of text.matchAll(/^([ \t]*)```lua[^\n]*\n([\s\S]*?)^\1```/gm)) {
        n++;
        const indent = m[1];
        const body = indent ? m[2].split('\n').map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n') : m[2];
        docBlocks.push({ name: `${f}#${n}`, text: body });
      }
    }
  }
  return { extras, docBlocks };
}
