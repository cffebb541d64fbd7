import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/paths';
import { LspClient } from './lsp-client';
import { parseCompletionMarkers, parseDiagnosticMarkers } from './markers';

const server = join(repoRoot(), 'dist/server.js');
const fixtures = join(repoRoot(), 'test/fixtures');

test('language server over stdio: diagnostics, completion, hover, navigation', { skip: !existsSync(server) && 'dist/server.js not built' }, async (t) => {
  const client = new LspClient(server, ['--stdio']);
  t.after(() => client.stop());
  const init = await client.initialize(pathToFileURL(fixtures).toString(), {});
  assert.ok(init.capabilities.completionProvider);
  assert.ok(init.capabilities.hoverProvider);
  assert.equal(init.capabilities.renameProvider.prepareProvider, true);

  await t.test('diagnostics for every fixture match its markers', async () => {
    for (const file of readdirSync(join(fixtures, 'diagnostics')).filter((f) => f.endsWith('.lua'))) {
      const text = readFileSync(join(fixtures, 'diagnostics', file), 'utf8');
      const { expected, targetVersion, main, files } = parseDiagnosticMarkers(text);
      if (targetVersion) continue; // needs a setting; covered below
      if (files.some((f) => f.name.startsWith('policy-extras/'))) continue; // needs policyExtrasPath; covered below
      const dir = join(fixtures, 'diagnostics', file.replace('.lua', ''));
      const uri = pathToFileURL(join(dir, 'init.lua')).toString();
      // The fixture's other files (local modules) are open documents of the same folder.
      const others = files.map((f) => ({ uri: pathToFileURL(join(dir, f.name)).toString(), text: f.text }));
      for (const o of others) client.notify('textDocument/didOpen', { textDocument: { uri: o.uri, languageId: 'lua', version: 1, text: o.text } });
      const got = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text: main } });
      const diags = (await got).diagnostics as Array<{ code: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }>;
      const key = (d: { code: string; line: number; start: number; end: number }) => `${d.line}:${d.start}-${d.end} ${d.code}`;
      assert.deepEqual(
        diags.map((d) => key({ code: d.code, line: d.range.start.line, start: d.range.start.character, end: d.range.end.character })).sort(),
        expected.map(key).sort(), file,
      );
      for (const u of [uri, ...others.map((o) => o.uri)]) client.notify('textDocument/didClose', { textDocument: { uri: u } });
    }
  });

  await t.test('completion fixtures', async () => {
    for (const file of readdirSync(join(fixtures, 'completion')).filter((f) => f.endsWith('.lua'))) {
      const m = parseCompletionMarkers(readFileSync(join(fixtures, 'completion', file), 'utf8'));
      if (m.files.some((f) => f.name.startsWith('policy-extras/'))) continue; // needs policyExtrasPath; covered below
      const uri = pathToFileURL(join(fixtures, 'completion', `lsp-${file}`)).toString();
      const others = m.files.map((f) => ({ uri: pathToFileURL(join(fixtures, 'completion', f.name)).toString(), text: f.text }));
      for (const o of others) client.notify('textDocument/didOpen', { textDocument: { uri: o.uri, languageId: 'lua', version: 1, text: o.text } });
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text: m.text } });
      const items = (await client.request('textDocument/completion', { textDocument: { uri }, position: { line: m.line, character: m.character } })) as Array<{ label: string }>;
      const labels = items.map((i) => i.label);
      for (const e of m.expect) assert.ok(labels.includes(e), `${file}: ${e}`);
      for (const e of m.exclude) assert.ok(!labels.includes(e), `${file}: not ${e}`);
      for (const u of [uri, ...others.map((o) => o.uri)]) client.notify('textDocument/didClose', { textDocument: { uri: u } });
    }
  });

  await t.test('hover, inlay hints, signature help, quick fix, rename, symbols, edits', async () => {
    const uri = pathToFileURL(join(fixtures, 'lsp-policy', 'init.lua')).toString();
    const text = [
      "local kumo = require 'kumo'",
      "kumo.on('get_queue_config', function(domain)",
      "  return kumo.make_queue_config { retry_interval = '20 minutes', egress_pool = 'pool-a', strategy = 'TimerWheell' }",
      'end)',
      "kumo.on('get_egress_pool', function(name)",
      "  return kumo.make_egress_pool { name = 'pool-a' }",
      'end)',
      "kumo.dns.lookup_mx('example.com', 'x')",
    ].join('\n');
    const first = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text } });
    const diags = (await first).diagnostics;
    assert.deepEqual(diags.map((d: any) => d.code), ['invalid-enum']);

    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 55 } });
    assert.match(hover.contents.value, /1200 s/);
    const keyHover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 38 } });
    assert.match(keyHover.contents.value, /retry_interval: duration/);
    assert.match(keyHover.contents.value, /Default/);

    const hints = await client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
    assert.ok(hints.some((h: any) => /1200 s/.test(h.label)), JSON.stringify(hints));

    const sig = await client.request('textDocument/signatureHelp', { textDocument: { uri }, position: { line: 7, character: 36 } });
    assert.match(sig.signatures[0].label, /kumo\.dns\.lookup_mx/);
    assert.equal(sig.activeParameter, 1);

    const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: diags[0].range, context: { diagnostics: diags } });
    assert.equal(actions[0].edit.changes[uri][0].newText, 'TimerWheel');

    const poolCol = text.split('\n')[2].indexOf('pool-a') + 2;
    const refs = await client.request('textDocument/references', { textDocument: { uri }, position: { line: 2, character: poolCol }, context: { includeDeclaration: true } });
    assert.equal(refs.length, 2);
    const def = await client.request('textDocument/definition', { textDocument: { uri }, position: { line: 2, character: poolCol } });
    assert.equal(def[0].range.start.line, 5);
    const rename = await client.request('textDocument/rename', { textDocument: { uri }, position: { line: 5, character: 42 }, newName: 'pool-b' });
    assert.equal(rename.changes[uri].length, 2);

    const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.some((s: any) => s.name === 'on get_queue_config'));
    assert.ok(symbols.some((s: any) => s.name === 'pool-a'));

    // Incremental edit: fix the enum, diagnostics clear.
    const cleared = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 2);
    const col = text.split('\n')[2].indexOf('TimerWheell');
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 2, character: col + 10 }, end: { line: 2, character: col + 11 } }, text: '' }] });
    assert.deepEqual((await cleared).diagnostics, []);

    const codes = await client.request('kumomta/diagnosticCodes', null);
    assert.ok(codes.some((c: any) => c.code === 'unknown-config-key'));
  });

  await t.test('kumomta.targetVersion from the client settings', async () => {
    client.configuration = { targetVersion: '2024.01.01' };
    client.notify('workspace/didChangeConfiguration', { settings: { kumomta: client.configuration } });
    const text = readFileSync(join(fixtures, 'diagnostics', 'newer-than-target.lua'), 'utf8');
    const uri = pathToFileURL(join(fixtures, 'diagnostics', 'newer', 'init.lua')).toString();
    await new Promise((r) => setTimeout(r, 200));
    const got = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text } });
    assert.deepEqual((await got).diagnostics.map((d: any) => d.code), ['newer-than-target']);
  });
});

test('language server: policyExtrasPath from initializationOptions, module members, rename of a local', { skip: !existsSync(server) && 'dist/server.js not built' }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kumo-lsp-modules-'));
  const extras = join(root, 'extras');
  const policy = join(root, 'policy');
  mkdirSync(extras);
  mkdirSync(policy);
  writeFileSync(join(extras, 'queue.lua'), 'local mod = {}\n-- Sets up queues from files.\nfunction mod:setup(file_names) end\nfunction mod:resolve_provider(domain, routing_domain) end\nreturn mod\n');
  // On disk and never opened: the server reads it.
  writeFileSync(join(policy, 'helpers.lua'), 'local mod = {}\n---@param n integer how many\nfunction mod.count(n, scale)\n  return n\nend\nreturn mod\n');
  const client = new LspClient(server, ['--stdio']);
  t.after(() => client.stop());
  await client.initialize(pathToFileURL(root).toString(), { policyExtrasPath: extras });
  await new Promise((r) => setTimeout(r, 100)); // the configuration pull answers {}: the init option stays

  const uri = pathToFileURL(join(policy, 'init.lua')).toString();
  const text = [
    "local helpers = require 'helpers'",
    "local queue = require 'policy-extras.queue'",
    'local total = 0',
    'total = total + helpers.count(1, 2)',
    "queue:setpu { 'queues.toml' }",
    'print(total)',
  ].join('\n');
  const diags = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text } });
  assert.deepEqual((await diags).diagnostics.map((d: any) => `${d.range.start.line}:${d.range.start.character} ${d.code}`), ['4:6 unknown-member']);

  const labels = async (line: number, character: number) => ((await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character } })) as Array<{ label: string }>).map((i) => i.label);
  assert.deepEqual(await labels(3, 26), ['count']);
  assert.deepEqual(await labels(4, 6), ['setup', 'resolve_provider']);
  const items = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 26 } });
  assert.equal(items[0].textEdit.newText, 'count(${1:n}, ${2:scale})$0');
  assert.equal(items[0].insertTextFormat, 2);

  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 26 } });
  assert.match(hover.contents.value, /helpers\.count\(n: integer, scale\)/);
  const sig = await client.request('textDocument/signatureHelp', { textDocument: { uri }, position: { line: 3, character: 33 } });
  assert.equal(sig.signatures[0].label, 'helpers.count(n: integer, scale)');
  assert.equal(sig.activeParameter, 1);
  const def = await client.request('textDocument/definition', { textDocument: { uri }, position: { line: 4, character: 1 } });
  assert.deepEqual(def, [{ uri: pathToFileURL(join(policy, 'init.lua')).toString(), range: { start: { line: 1, character: 6 }, end: { line: 1, character: 11 } } }]);
  const memberDef = await client.request('textDocument/definition', { textDocument: { uri }, position: { line: 3, character: 26 } });
  assert.equal(memberDef[0].uri, pathToFileURL(join(policy, 'helpers.lua')).toString());
  assert.equal(memberDef[0].range.start.line, 2);

  const prepare = await client.request('textDocument/prepareRename', { textDocument: { uri }, position: { line: 2, character: 8 } });
  assert.equal(prepare.placeholder, 'total');
  const rename = await client.request('textDocument/rename', { textDocument: { uri }, position: { line: 5, character: 8 }, newName: 'sum' });
  assert.deepEqual(Object.keys(rename.changes), [uri]);
  assert.deepEqual(rename.changes[uri].map((e: any) => `${e.range.start.line}:${e.range.start.character}`).sort(), ['2:6', '3:0', '3:8', '5:6']);
  await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position: { line: 5, character: 8 }, newName: 'not valid' }), /not a valid Lua name/);
  const refs = await client.request('textDocument/references', { textDocument: { uri }, position: { line: 3, character: 1 }, context: { includeDeclaration: false } });
  assert.equal(refs.length, 3);

  // Editing the module in the editor re-checks the file that requires it.
  const helpersUri = pathToFileURL(join(policy, 'helpers.lua')).toString();
  const helpersText = readFileSync(join(policy, 'helpers.lua'), 'utf8');
  client.notify('textDocument/didOpen', { textDocument: { uri: helpersUri, languageId: 'lua', version: 1, text: helpersText } });
  const rechecked = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.diagnostics.length === 2);
  client.notify('textDocument/didChange', { textDocument: { uri: helpersUri, version: 2 }, contentChanges: [{ text: helpersText.replace('mod.count', 'mod.total') }] });
  assert.deepEqual((await rechecked).diagnostics.map((d: any) => `${d.range.start.line}:${d.range.start.character} ${d.code}`), ['3:24 unknown-member', '4:6 unknown-member']);
});

test('language server: references and rename of a module member across files', { skip: !existsSync(server) && 'dist/server.js not built' }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kumo-lsp-member-rename-'));
  const extras = join(root, 'extras');
  const policy = join(root, 'policy');
  mkdirSync(extras);
  mkdirSync(policy);
  writeFileSync(join(extras, 'queue.lua'), 'local mod = {}\nfunction mod:setup(file_names) end\nreturn mod\n');
  // On disk and never opened: found through the require and edited too.
  const helpersText = 'local M = {}\nfunction M.pool_for(domain)\n  return M.prefix .. domain\nend\nM.prefix = "pool-"\nreturn M\n';
  writeFileSync(join(policy, 'helpers.lua'), helpersText);
  const client = new LspClient(server, ['--stdio']);
  t.after(() => client.stop());
  await client.initialize(pathToFileURL(root).toString(), { policyExtrasPath: extras });
  await new Promise((r) => setTimeout(r, 100));

  const uri = pathToFileURL(join(policy, 'init.lua')).toString();
  const helpersUri = pathToFileURL(join(policy, 'helpers.lua')).toString();
  const text = [
    "local helpers = require 'helpers'",
    "local queue = require 'policy-extras.queue'",
    "local pool = helpers.pool_for('example.com')",
    'print(helpers.prefix, pool)',
    "queue:setup { 'queues.toml' }",
  ].join('\n');
  const diags = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text } });
  assert.deepEqual((await diags).diagnostics, []);
  const at = (l: any) => `${l.uri === uri ? 'init' : l.uri === helpersUri ? 'helpers' : l.uri}:${l.range.start.line}:${l.range.start.character}`;

  const refs = await client.request('textDocument/references', { textDocument: { uri }, position: { line: 3, character: 16 }, context: { includeDeclaration: true } });
  assert.deepEqual(refs.map(at), ['helpers:2:11', 'helpers:4:2', 'init:3:14']);
  const prepare = await client.request('textDocument/prepareRename', { textDocument: { uri }, position: { line: 2, character: 22 } });
  assert.equal(prepare.placeholder, 'pool_for');
  const rename = await client.request('textDocument/rename', { textDocument: { uri }, position: { line: 2, character: 22 }, newName: 'egress_pool_for' });
  assert.deepEqual(Object.keys(rename.changes).sort(), [helpersUri, uri].sort());
  assert.deepEqual(rename.changes[helpersUri].map((e: any) => `${e.range.start.line}:${e.range.start.character}=${e.newText}`), ['1:11=egress_pool_for']);
  assert.deepEqual(rename.changes[uri].map((e: any) => `${e.range.start.line}:${e.range.start.character}=${e.newText}`), ['2:21=egress_pool_for']);
  // From the definition in the module file, once it is open.
  client.notify('textDocument/didOpen', { textDocument: { uri: helpersUri, languageId: 'lua', version: 1, text: helpersText } });
  const fromDef = await client.request('textDocument/rename', { textDocument: { uri: helpersUri }, position: { line: 4, character: 4 }, newName: 'pool_prefix' });
  assert.deepEqual(Object.entries(fromDef.changes).map(([u, es]: [string, any]) => `${u === uri ? 'init' : 'helpers'} ${es.length}`).sort(), ['helpers 2', 'init 1']);
  // KumoMTA's helpers are never edited: the rename is refused with the reason.
  await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position: { line: 4, character: 8 }, newName: 'init' }), /policyExtrasPath \(KumoMTA's own helpers are never edited\)/);
});

test('language server over node-ipc starts and answers', { skip: !existsSync(server) && 'dist/server.js not built' }, async () => {
  const { fork } = await import('node:child_process');
  const child = fork(server, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  try {
    const reply = new Promise<any>((resolve, reject) => {
      child.on('message', (m: any) => { if (m.id === 1) resolve(m); });
      child.on('exit', () => reject(new Error('server exited')));
    });
    child.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
    const m = await reply;
    assert.ok(m.result.capabilities.hoverProvider);
  } finally {
    child.kill();
  }
});
