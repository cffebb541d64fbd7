/** For the simulator's tests and bench: the repository root and its fixture policies. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function repoRoot(): string {
  let d = __dirname;
  while (!existsSync(join(d, 'package.json')) || !existsSync(join(d, 'test', 'fixtures'))) {
    const up = dirname(d);
    if (up === d) throw new Error('repository root not found');
    d = up;
  }
  return d;
}

export function fixturePolicy(name: string): string {
  return join(repoRoot(), 'test', 'fixtures', 'policies', name);
}
