/** For the simulator's tests and bench: the repository root and its fixture policies. */
import { join } from 'node:path';
import { repoRoot } from '../../test/support/paths';

export { repoRoot };

export function fixturePolicy(name: string): string {
  return join(repoRoot(), 'test', 'fixtures', 'policies', name);
}
