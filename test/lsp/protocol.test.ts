import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
      const { expected, targetVersion } = parseDiagnosticMarkers(text);
      if (targetVersion) continue; // needs a setting; covered below
      const uri = pathToFileURL(join(fixtures, 'diagnostics', file.replace('.lua', ''), 'init.lua')).toString();
      const got = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text } });
      const diags = (await got).diagnostics as Array<{ code: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }>;
      const key = (d: { code: string; line: number; start: number; end: number }) => `${d.line}:${d.start}-${d.end} ${d.code}`;
      assert.deepEqual(
        diags.map((d) => key({ code: d.code, line: d.range.start.line, start: d.range.start.character, end: d.range.end.character })).sort(),
        expected.map(key).sort(), file,
      );
      client.notify('textDocument/didClose', { textDocument: { uri } });
    }
  });

  await t.test('completion fixtures', async () => {
    for (const file of readdirSync(join(fixtures, 'completion')).filter((f) => f.endsWith('.lua'))) {
      const m = parseCompletionMarkers(readFileSync(join(fixtures, 'completion', file), 'utf8'));
      const uri = pathToFileURL(join(fixtures, 'completion', `lsp-${file}`)).toString();
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lua', version: 1, text: m.text } });
      const items = (await client.request('textDocument/completion', { textDocument: { uri }, position: { line: m.line, character: m.character } })) as Array<{ label: string }>;
      const labels = items.map((i) => i.label);
      for (const e of m.expect) assert.ok(labels.includes(e), `${file}: ${e}`);
      for (const e of m.exclude) assert.ok(!labels.includes(e), `${file}: not ${e}`);
      client.notify('textDocument/didClose', { textDocument: { uri } });
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
