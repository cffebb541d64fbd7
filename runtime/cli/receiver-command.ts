import type { CliIo } from './io';

/** `kumo-policy receiver`: placeholder until the implementation lands. */
export async function runReceiverCommand(_argv: string[], io: CliIo): Promise<number> {
  io.err('kumo-policy receiver: not implemented yet\n');
  return 2;
}
