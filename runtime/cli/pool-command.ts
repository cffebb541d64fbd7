import type { CliIo } from './io';

/** Placeholder while the pool command is being written (issue 5). */
export async function runPoolCommand(_argv: string[], io: CliIo): Promise<number> {
  io.err('kumo-policy pool: not implemented yet\n');
  return 2;
}
