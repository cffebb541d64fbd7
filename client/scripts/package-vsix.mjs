#!/usr/bin/env node
// `npm run package`: builds, then assembles the extension in a staging folder and packs it with @vscode/vsce
// (installed by the test harness: test/vscode/setup.sh) into kumo-policy-studio-<version>.vsix.
// The .vsix carries everything it needs and installs offline with no native build:
//   dist/extension.js, dist/server.js  bundled (catalog data inside);
//   dist/cli.js                         re-bundled self-contained (luaparse, fengari, fzstd inside);
//   dist/node_modules/@mongodb-js/zstd  the prebuilt zstd binding (only native piece, used to write segments),
// so the package is platform-specific: --target defaults to this machine's (e.g. linux-x64).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const vsce = join(root, 'test/vscode/node_modules/@vscode/vsce/vsce');
if (!existsSync(vsce)) {
  console.error('package: @vscode/vsce is installed by the test harness; run test/vscode/setup.sh first.');
  process.exit(2);
}
const target = process.env.VSCE_TARGET ?? `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
// KUMO_PACKAGE_SKIP_BUILD=1 packs the current dist/ (the tests do, to avoid rebuilding under running tests).
if (!process.env.KUMO_PACKAGE_SKIP_BUILD) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });

const stage = process.env.KUMO_PACKAGE_STAGE ?? join(root, 'out', 'vsix');
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'dist'), { recursive: true });
for (const f of ['extension.js', 'server.js']) {
  if (!existsSync(join(root, 'dist', f))) throw new Error(`dist/${f} missing after the build`);
  cpSync(join(root, 'dist', f), join(stage, 'dist', f));
}
cpSync(join(root, 'dist', 'webview'), join(stage, 'dist', 'webview'), { recursive: true, filter: (p) => !p.endsWith('.map') });
await esbuild.build({
  entryPoints: [join(root, 'runtime/cli/main.ts')], outfile: join(stage, 'dist', 'cli.js'),
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
  external: ['@mongodb-js/zstd', 'vscode'],
});
for (const pkg of ['@mongodb-js/zstd', `@mongodb-js/zstd-${target}-gnu`, `@mongodb-js/zstd-${target}`]) {
  const from = join(root, 'node_modules', pkg);
  if (existsSync(from)) cpSync(from, join(stage, 'dist', 'node_modules', pkg), { recursive: true });
}
for (const d of ['bin', 'syntaxes', 'snippets']) cpSync(join(root, d), join(stage, d), { recursive: true });
for (const f of ['README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
delete manifest.scripts;
delete manifest.devDependencies;
delete manifest.dependencies; // everything is bundled in dist/
delete manifest.private;
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
writeFileSync(join(stage, '.vscodeignore'), '**/*.map\n**/*.ts\n');

const out = process.env.KUMO_PACKAGE_OUT ?? join(root, `${manifest.name}-${manifest.version}.vsix`);
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--target', target, '-o', out], { cwd: stage, stdio: 'inherit' });
console.log(`package: ${out} (${target})`);
