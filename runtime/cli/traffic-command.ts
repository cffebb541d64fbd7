import type { CliIo } from './io';

/** Placeholder while the traffic command is being written (issue 5). */
export async function runTrafficCommand(_argv: string[], io: CliIo): Promise<number> {
  io.err('kumo-policy traffic: not implemented yet\n');
  return 2;
}
