import { runCatalogCommand } from './catalog-command';
import { runCheckCommand } from '../../server/cli/check-command';
import { CliIo, processIo } from './io';

type Command = (args: string[], io: CliIo) => Promise<number>;

/** Subcommands; each returns the process exit status (0 ok, 1 findings or failure, 2 usage or I/O error). */
const commands: Record<string, { summary: string; run: Command }> = {
  catalog: { summary: 'show the KumoMTA API catalog, or one entry of it', run: runCatalogCommand },
  check: { summary: 'report policy problems, as the language server does', run: runCheckCommand },
  run: { summary: 'run a script\'s main event (like kumod --script)', run: (args, io) => import('./run-command').then((m) => m.runRunCommand(args, io)) },
  'export-luals': { summary: 'write LuaLS ---@meta definitions of the catalog to DIR', run: (a, io) => import('./export-luals-command').then((m) => m.runExportLuaLsCommand(a, io)) },
  segments: { summary: 'generate realistic kumod log segments (or keep writing one), list a segment directory', run: (a, io) => import('./segments-command').then((m) => m.runSegmentsCommand(a, io)) },
  dlq: { summary: 'list, replay or purge a dead-letter queue directory', run: (a, io) => import('./dlq-command').then((m) => m.runDlqCommand(a, io)) },
  tail: { summary: 'run a tailer script (kumo.jsonl tailers) over a segment directory, with progress', run: (a, io) => import('./tail-command').then((m) => m.runTailCommand(a, io, { syncStdio: io === processIo })) },
  receiver: { summary: 'local HTTP receiver for trying webhook scripts (injectable 429/5xx/slow)', run: (a, io) => import('./receiver-command').then((m) => m.runReceiverCommand(a, io)) },
  simulate: { summary: 'route one message through a policy: queue, config, pool, source, site, path, throttles, trace', run: (a, io) => import('./simulate-command').then((m) => m.runSimulateCommand(a, io)) },
  pool: { summary: "preview an egress pool's weighted round robin: pick sequence, shares, effective rates", run: (a, io) => import('./pool-command').then((m) => m.runPoolCommand(a, io)) },
  traffic: { summary: 'simulate a traffic scenario through a policy in virtual time', run: (a, io) => import('./traffic-command').then((m) => m.runTrafficCommand(a, io)) },
};

function usage(): string {
  const lines = ['usage: kumo-policy <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  return lines.join('\n') + '\n';
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`kumo-policy: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  return command.run(rest, io);
}
