// Runs in a workspace that is NOT trusted: completion and diagnostics keep working, nothing runs user code,
// and the commands say why they are disabled.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');
const { EXTENSION_ID, activate, open, waitFor, workspaceFile, browserCheck } = require('./helpers');

describe('Workspace Trust: untrusted workspace', function () {
  let api;
  before(async function () {
    api = await activate();
  });

  it('the workspace is untrusted and the extension is active (limited support)', function () {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID).isActive);
  });

  for (const [id, args] of [
    ['kumomta.simulateQueue', () => [workspaceFile('init.lua'), { sender: 'a@example.com', recipient: 'b@example.com' }]],
    ['kumomta.runTailer', () => [workspaceFile('tail.lua'), workspaceFile('logs').fsPath]],
    ['kumomta.previewPool', () => [workspaceFile('init.lua'), 'pool-a']],
    ['kumomta.simulateTraffic', () => [workspaceFile('init.lua'), workspaceFile('scenario.json').fsPath]],
    ['kumomta.replayDeadLetters', () => [workspaceFile('logs').fsPath, false]],
  ]) {
    it(`${id} refuses to run and says why`, async function () {
      const result = await vscode.commands.executeCommand(id, ...args());
      assert.equal(result, undefined);
      assert.match(api.lastTrustRefusal() ?? '', /not trusted/);
      if (id === 'kumomta.simulateQueue') {
        // The user sees why: a notification in the workbench (screenshot kept).
        const seen = await browserCheck('toast-untrusted-simulate', 'is disabled because this workspace is not trusted');
        if (seen) assert.ok(seen.toasts.some((t) => /not trusted/.test(t)), JSON.stringify(seen.toasts));
      }
    });
  }

  it('Export LuaLS Definitions (runs no user code) still works', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-luals-'));
    const result = await vscode.commands.executeCommand('kumomta.exportLuaLS', dir, false);
    assert.equal(result.kind, 'export-luals');
  });

  it('policy detection and the explorer view still work', async function () {
    assert.equal(api.isPolicyDocument(await open('init.lua')), true);
    const roots = await api.ctx.view.getChildren();
    assert.ok(roots.find((r) => r.label === 'Listeners').children.length >= 1);
  });

  it('completion still works (when the server is built)', async function () {
    if (!fs.existsSync(path.join(vscode.extensions.getExtension(EXTENSION_ID).extensionPath, 'dist', 'server.js'))) this.skip();
    const doc = await open('policy/complete.lua');
    await waitFor('kumo completions', async () => {
      const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(3, 7), '.');
      return list.items.some((i) => /start_esmtp_listener/.test(typeof i.label === 'string' ? i.label : i.label.label));
    }, 30000, 500);
  });

  it('diagnostics still work (when the server is built)', async function () {
    if (!fs.existsSync(path.join(vscode.extensions.getExtension(EXTENSION_ID).extensionPath, 'dist', 'server.js'))) this.skip();
    const doc = await open('policy/bad.lua');
    await waitFor('diagnostics', () => vscode.languages.getDiagnostics(doc.uri).length > 0, 30000, 300);
  });
});
