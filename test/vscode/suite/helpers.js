const vscode = require('vscode');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const EXTENSION_ID = 'kumo-policy-studio.kumo-policy-studio';

async function activate() {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} not found`);
  return ext.activate();
}

function workspaceFile(rel) {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, rel);
}

async function open(rel) {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(rel));
  await vscode.window.showTextDocument(doc);
  return doc;
}

async function waitFor(what, fn, timeoutMs = 30000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Asks the driver (outside, in the browser) to inspect the page and screenshot it; returns what it saw. */
async function browserCheck(name, title = '') {
  if (!process.env.KUMO_VSCODE_DRIVER) return undefined; // desktop VS Code: no browser-side driver
  const file = path.join(os.tmpdir(), `kumo-browser-check-${process.pid}-${name}.json`);
  try { fs.unlinkSync(file); } catch { /* none */ }
  console.log(`KUMO_BROWSER_CHECK ${name} ${file} ${encodeURIComponent(title)}`);
  const text = await waitFor(`browser check ${name}`, () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined), 40000);
  return JSON.parse(text);
}

module.exports = { EXTENSION_ID, activate, workspaceFile, open, waitFor, browserCheck };
