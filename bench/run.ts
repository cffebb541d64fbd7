/**
 * `npm run bench`: runs every bench/<name>.js module beside this one (each exports `run()` returning its
 * figures) and prints the figures. Pass names to run a subset: `npm run bench -- vm routing`.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

type BenchModule = { run(): Promise<Record<string, string | number>> };

async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run.js')
    .filter((f) => only.size === 0 || only.has(basename(f, '.js')))
    .sort();
  let failed = 0;
  for (const file of files) {
    const name = basename(file, '.js');
    const started = Date.now();
    process.stdout.write(`\n== ${name}\n`);
    try {
      const mod = require(join(__dirname, file)) as BenchModule;
      const figures = await mod.run();
      for (const [k, v] of Object.entries(figures)) process.stdout.write(`  ${k.padEnd(56)} ${v}\n`);
    } catch (e) {
      failed++;
      process.stdout.write(`  FAILED: ${e instanceof Error ? e.stack : String(e)}\n`);
    }
    process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
