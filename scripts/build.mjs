// Builds the bundles (extension, server, CLI) and, on request, the test and bench files.
// esbuild only transpiles; `npm run typecheck` (tsc) is what enforces strict types.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, existsSync, rmSync, copyFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));

/** Every file under `dir` whose name ends with `suffix`, skipping build output and dependencies. */
function findFiles(dir, suffix, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'out' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findFiles(full, suffix, out);
    else if (name.endsWith(suffix)) out.push(full);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
};

const bundles = [
  { entryPoints: [join(root, 'runtime/cli/main.ts')], outfile: join(root, 'dist/cli.js'), packages: 'external' },
];
if (existsSync(join(root, 'server/host/main.ts'))) {
  bundles.push({ entryPoints: [join(root, 'server/host/main.ts')], outfile: join(root, 'dist/server.js') });
}
if (existsSync(join(root, 'client/extension.ts'))) {
  bundles.push({ entryPoints: [join(root, 'client/extension.ts')], outfile: join(root, 'dist/extension.js'), external: ['vscode'] });
}
await Promise.all(bundles.map((b) => esbuild.build({ ...common, ...b })));

// The result webview's script runs in the browser: chart.js and the view model bundled into one IIFE.
if (existsSync(join(root, 'client/webview/main.ts'))) {
  await esbuild.build({
    entryPoints: [join(root, 'client/webview/main.ts')], outfile: join(root, 'dist/webview/main.js'),
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, sourcemap: 'linked', logLevel: 'warning',
  });
  copyFileSync(join(root, 'client/webview/main.css'), join(root, 'dist/webview/main.css'));
}

/** Bundles each entry to out/<its path relative to the root>.js, dependencies left external. */
async function buildEach(entries) {
  await esbuild.build({
    ...common,
    entryPoints: Object.fromEntries(entries.map((f) => [relative(root, f).replace(/\.ts$/, ''), f])),
    outdir: join(root, 'out'),
    packages: 'external',
    external: ['vscode'],
  });
}

if (args.has('--tests')) {
  rmSync(join(root, 'out/test'), { recursive: true, force: true });
  const tests = ['runtime', 'server', 'client', 'test'].flatMap((d) => findFiles(join(root, d), '.test.ts'));
  // Tests are emitted under out/test/ so that `node --test out/test` finds them all.
  await esbuild.build({
    ...common,
    entryPoints: Object.fromEntries(tests.map((f) => [join('test', relative(root, f).replace(/\.ts$/, '')), f])),
    outdir: join(root, 'out'),
    packages: 'external',
    external: ['vscode'],
  });
}
if (args.has('--bench')) {
  await buildEach(findFiles(join(root, 'bench'), '.ts'));
}
