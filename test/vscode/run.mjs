#!/usr/bin/env node
// Runs the extension's integration tests in a real VS Code: code-server's extension host driven by headless
// Chromium, launched through @vscode/test-electron's runTests with code-driver.mjs as the "VS Code
// executable". Installs nothing (run ./setup.sh first); builds the extension if dist/ is missing.
// Two runs: a trusted workspace (everything) and an untrusted one (Workspace Trust behaviour).
//   KUMO_VSCODE_EXECUTABLE=/path/to/code  runs the same suites against a desktop VS Code instead
//   (its runTests always disables workspace trust, so only the trusted run is done there).
//   KUMO_VSCODE_VSIX=x.vsix  with mode `vsix`: runs the trusted suite against the unpacked .vsix instead of
//   the repository, proving the package is complete.
// Ends with one `N passed, N failed` line; exit status 1 if anything failed.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);

if (!existsSync(join(here, 'node_modules', 'code-server'))) {
  console.error('test/vscode/run.mjs: harness not installed; run test/vscode/setup.sh');
  process.exit(2);
}
const { runTests } = require('@vscode/test-electron');
if (!existsSync(join(root, 'dist', 'extension.js')) || !existsSync(join(root, 'dist', 'webview', 'main.js'))) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}

const desktop = process.env.KUMO_VSCODE_EXECUTABLE;
const modes = (process.env.KUMO_VSCODE_MODES ?? (desktop ? 'trusted' : 'trusted,untrusted,sumneko')).split(',');
const totals = { passed: 0, failed: 0, pending: 0 };
const started = Date.now();
for (const mode of modes) {
  const ws = mkdtempSync(join(tmpdir(), `kumo-ws-${mode}-`));
  cpSync(join(here, 'fixtures', 'workspace'), ws, { recursive: true });
  const resultsFile = join(ws, '..', `${ws.split('/').pop()}-results.json`);
  const t0 = Date.now();
  let code = 0;
  let install = '';
  if (mode === 'sumneko') {
    // A stand-in with sumneko.lua's id, packed and installed into the fresh extensions dir (coexistence checks).
    install = join(ws, '..', `${ws.split('/').pop()}-fake-sumneko.vsix`);
    execFileSync(process.execPath, [join(here, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--allow-missing-repository', '--skip-license', '-o', install], { cwd: join(here, 'fixtures', 'fake-sumneko'), stdio: 'ignore' });
  }
  let extensionPath = root;
  if (mode === 'vsix') {
    if (!process.env.KUMO_VSCODE_VSIX) throw new Error('mode vsix needs KUMO_VSCODE_VSIX');
    const unpacked = mkdtempSync(join(tmpdir(), 'kumo-vsix-'));
    execFileSync('unzip', ['-q', process.env.KUMO_VSCODE_VSIX, '-d', unpacked]);
    extensionPath = join(unpacked, 'extension');
  }
  try {
    await runTests({
      vscodeExecutablePath: desktop ?? join(here, 'code-driver.mjs'),
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: join(here, 'suite', 'index.js'),
      launchArgs: [ws],
      extensionTestsEnv: { KUMO_VSCODE_INSTALL: install, KUMO_VSCODE_MODE: mode === 'vsix' ? 'trusted' : mode, KUMO_VSCODE_RESULTS: resultsFile, KUMO_VSCODE_UNTRUSTED: mode === 'untrusted' ? '1' : '0' },
    });
  } catch (e) {
    code = 1;
    console.error(`[run] ${mode}: ${e.message ?? e}`);
  }
  let r = { passed: 0, failed: code ? 1 : 0, pending: 0, failures: [] };
  if (existsSync(resultsFile)) r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  else if (!code) r.failed = 1; // no results: the runner never ran
  for (const f of r.failures ?? []) console.error(`[run] FAILED ${mode}: ${f.title}\n${f.error}`);
  console.log(`[run] ${mode}: ${r.passed} passed, ${r.failed} failed, ${r.pending} skipped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  totals.passed += r.passed;
  totals.failed += r.failed || (code && !r.failed ? 1 : 0);
  totals.pending += r.pending;
  rmSync(ws, { recursive: true, force: true });
  rmSync(resultsFile, { force: true });
  if (install) rmSync(install, { force: true });
}
console.log(`real VS Code: ${totals.passed} passed, ${totals.failed} failed (${totals.pending} skipped) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(totals.failed ? 1 : 0);
