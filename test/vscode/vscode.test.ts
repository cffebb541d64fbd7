// Runs the extension's integration tests in a real VS Code (code-server's extension host driven by headless
// Chromium; see test/vscode/run.mjs). Skips cleanly when the harness (test/vscode/setup.sh) or Chromium is
// not installed, so `npm test` stays usable on a bare machine; .ci/run installs both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';

const root = repoRoot();
const harness = join(root, 'test', 'vscode');
const chromium = process.env.KUMO_CHROMIUM ?? '/usr/bin/chromium';
const missing = !existsSync(join(harness, 'node_modules', 'code-server'))
  ? 'test/vscode/node_modules absent (run test/vscode/setup.sh)'
  : !existsSync(chromium) ? `${chromium} absent (apt-get install chromium)` : undefined;

test('extension integration tests in a real VS Code (code-server + headless Chromium)', { skip: missing, timeout: 15 * 60 * 1000 }, () => {
  const r = spawnSync(process.execPath, [join(harness, 'run.mjs')], { cwd: root, encoding: 'utf8', timeout: 14 * 60 * 1000, maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const summary = /real VS Code: .*/.exec(out)?.[0] ?? '(no summary)';
  // The mocha lines and failures, without the workbench's own console noise.
  const lines = out.split('\n').filter((l) => /✔|^\s+\d+\) |^\s+- |\[run\]|\[driver\]|FAILED|AssertionError/.test(l));
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  assert.equal(r.status, 0, `${summary}\n${lines.join('\n')}`);
});

test('npm run package gives a .vsix that installs into a clean code-server and passes the suite unpacked', { skip: missing, timeout: 10 * 60 * 1000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-package-'));
  const vsix = join(dir, 'kumo-policy-studio.vsix');
  const pack = spawnSync(process.execPath, [join(root, 'client', 'scripts', 'package-vsix.mjs')], {
    cwd: root, encoding: 'utf8', env: { ...process.env, KUMO_PACKAGE_SKIP_BUILD: existsSync(join(root, 'dist', 'webview', 'main.js')) ? '1' : '', KUMO_PACKAGE_OUT: vsix, KUMO_PACKAGE_STAGE: join(dir, 'stage') },
  });
  assert.equal(pack.status, 0, `${pack.stdout}${pack.stderr}`);
  // Install into a fresh extensions dir, offline, with HOME/XDG redirected (code-server writes config there).
  const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'cfg'), XDG_DATA_HOME: join(dir, 'data') };
  const cs = join(harness, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const base = ['--extensions-dir', join(dir, 'ext'), '--user-data-dir', join(dir, 'ud')];
  const install = spawnSync(process.execPath, [cs, ...base, '--install-extension', vsix], { encoding: 'utf8', env });
  assert.equal(install.status, 0, `${install.stdout}${install.stderr}`);
  const list = spawnSync(process.execPath, [cs, ...base, '--list-extensions'], { encoding: 'utf8', env });
  assert.match(list.stdout, /kumo-policy-studio\.kumo-policy-studio/);
  // The installed copy's CLI works on its own (no node_modules of the repository around it).
  const installed = join(dir, 'ext', readdirSync(join(dir, 'ext')).find((d) => d.startsWith('kumo-policy-studio.'))!);
  const cli = spawnSync(process.execPath, [join(installed, 'bin', 'kumo-policy.js'), 'export-luals', join(dir, 'luals'), '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const seg = spawnSync(process.execPath, [join(installed, 'bin', 'kumo-policy.js'), 'segments', 'generate', join(dir, 'segs'), '--records', '20'], { cwd: dir, encoding: 'utf8' });
  assert.equal(seg.status, 0, seg.stderr);
  const r = spawnSync(process.execPath, [join(harness, 'run.mjs')], { cwd: root, encoding: 'utf8', timeout: 9 * 60 * 1000, env: { ...process.env, KUMO_VSCODE_MODES: 'vsix', KUMO_VSCODE_VSIX: vsix } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const lines = out.split('\n').filter((l) => /✔|^\s+\d+\) |^\s+- |\[run\]|FAILED|AssertionError/.test(l));
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  assert.equal(r.status, 0, lines.join('\n'));
  rmSync(dir, { recursive: true, force: true });
});
