import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';

const root = repoRoot();
const hasNvim = spawnSync('nvim', ['--version'], { stdio: 'ignore' }).status === 0;

test('Neovim (headless) as a real LSP client: diagnostics, completion, hover', { skip: (!hasNvim && 'nvim not installed (apt-get install neovim)') || (!existsSync(join(root, 'dist/server.js')) && 'dist/server.js not built') }, () => {
  const cache = mkdtempSync(join(tmpdir(), 'kumo-nvim-'));
  const r = spawnSync('nvim', ['--headless', '-i', 'NONE', '-n', '-u', 'NONE', '-c', 'luafile test/nvim/lsp-test.lua'], {
    cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: cache, XDG_STATE_HOME: cache },
  });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, /6 passed, 0 failed/);
});
