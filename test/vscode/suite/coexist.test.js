// Runs with a stand-in extension that has the sumneko Lua extension's id (fixtures/fake-sumneko): Kumo Policy
// Studio must leave generic Lua diagnostics to it and keep reporting only KumoMTA problems of policy files.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { EXTENSION_ID, activate, open, waitFor, workspaceFile } = require('./helpers');

describe('Coexistence with the sumneko Lua extension', function () {
  let api;
  before(async function () {
    api = await activate();
  });

  it('sees sumneko.lua and tells the server not to report generic Lua problems', function () {
    assert.ok(vscode.extensions.getExtension('sumneko.lua'), 'stand-in present');
    assert.equal(api.ctx.client.genericLuaDiagnostics(), false);
    assert.equal(api.ctx.client.serverSettings().genericLuaDiagnostics, false);
  });

  it('kumomta.diagnostics.genericLua = on overrides the automatic choice', async function () {
    const config = vscode.workspace.getConfiguration('kumomta');
    try {
      await config.update('diagnostics.genericLua', 'on', vscode.ConfigurationTarget.Workspace);
      assert.equal(api.ctx.client.serverSettings().genericLuaDiagnostics, true);
    } finally {
      await config.update('diagnostics.genericLua', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(api.ctx.client.serverSettings().genericLuaDiagnostics, false);
  });

  it('still reports KumoMTA problems in policy files, and nothing in other Lua files', async function () {
    if (!fs.existsSync(path.join(vscode.extensions.getExtension(EXTENSION_ID).extensionPath, 'dist', 'server.js'))) this.skip();
    const bad = await open('policy/bad.lua');
    await waitFor('kumomta diagnostic', () => vscode.languages.getDiagnostics(bad.uri).some((d) => /retry_intervl/.test(d.message)), 30000, 300);
    await open('other/plain.lua');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(vscode.languages.getDiagnostics(workspaceFile('other/plain.lua')).filter((d) => /kumo/i.test(String(d.source))).length, 0);
  });
});
