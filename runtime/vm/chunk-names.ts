/**
 * Chunk names for loaded files. fengari cuts `short_src` at 59 characters, which would mangle long paths in
 * error messages, so each file gets a short, unique display name (its path relative to a base directory
 * when that is short enough) and the full path is kept here to map messages back.
 */
import { basename, relative, isAbsolute } from 'node:path';

const LIMIT = 56;

export class ChunkNames {
  private readonly byName = new Map<string, string>();
  private readonly byPath = new Map<string, string>();

  constructor(private readonly baseDir: string) {}

  /** The display name (without the leading '@') for a file path. */
  nameFor(path: string): string {
    const known = this.byPath.get(path);
    if (known) return known;
    const rel = relative(this.baseDir, path);
    let name = !rel.startsWith('..') && !isAbsolute(rel) && rel.length <= LIMIT ? rel : path.length <= LIMIT ? path : '…/' + basename(path).slice(-LIMIT + 2);
    if (this.byName.has(name) && this.byName.get(name) !== path) {
      let i = 2;
      while (this.byName.has(`${name}#${i}`)) i++;
      name = `${name}#${i}`;
    }
    this.byName.set(name, path);
    this.byPath.set(path, name);
    return name;
  }

  /** The full path for a display name, or undefined if it names no file (e.g. `=[JS]`, strings). */
  pathFor(name: string): string | undefined {
    return this.byName.get(name);
  }
}
