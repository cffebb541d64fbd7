import type { CliIo } from './io';

/** `kumo-policy tail SCRIPT`: placeholder until the implementation lands. */
export async function runTailCommand(_argv: string[], io: CliIo): Promise<number> {
  io.err('kumo-policy tail: not implemented yet\n');
  return 2;
}
