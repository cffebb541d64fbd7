import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root, found by walking up from the (bundled) test or bench file to the package.json that
 * sits beside bin/kumo-policy.js (test/vscode has a package.json of its own).
 */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin', 'kumo-policy.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** The shared/ folder that sits beside the checkout (reference material), or undefined when absent. */
export function sharedDir(): string | undefined {
  const dir = join(repoRoot(), '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}
