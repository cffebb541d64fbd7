// Runs the extension's integration tests in a real VS Code (code-server's extension host driven by headless
// Chromium; see test/vscode/run.mjs). Skips cleanly when the harness (test/vscode/setup.sh) or Chromium is
// not installed, so `npm test` stays usable on a bare machine; .ci/run installs both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
