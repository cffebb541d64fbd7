// Checks the declarative contributions against the catalog and against sample text: the grammar injection's
// patterns (JS RegExp and Oniguruma agree on these), the snippets' kumo calls, and package.json's manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCatalog } from '../runtime/catalog/catalog';
import { repoRoot } from '../test/support/paths';

const root = repoRoot();
const grammar = JSON.parse(readFileSync(join(root, 'syntaxes/kumomta.injection.tmLanguage.json'), 'utf8'));
const snippets: Record<string, { prefix: string[]; body: string[] }> = JSON.parse(readFileSync(join(root, 'snippets/kumomta.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const rule = (name: string) => new RegExp(grammar.repository[name].match);

test('grammar: kumo calls, event names, durations and rates', () => {
  assert.equal(rule('event-registration').exec("kumo.on('get_queue_config', function()")?.[6], 'get_queue_config');
  assert.equal(rule('kumo-call').exec('local p = kumo.make_egress_path {')?.[2], '.make_egress_path');
  assert.equal(rule('kumo-call').exec('kumo.dns.lookup_mx(d)')?.[2], '.dns.lookup_mx');
  for (const d of ["'5 minutes'", "'10s'", '"1h 30m"', "'250ms'", "'3 days'"]) assert.ok(rule('duration-string').test(d), d);
  for (const r of ["'100/s'", "'1000/hr'", "'local:50/minute'", "'10 MB/s'", "'5/5m'"]) assert.ok(rule('rate-string').test(r), r);
  assert.ok(!rule('duration-string').test("'hello'"));
  assert.ok(!rule('rate-string').test("'a/b'"));
  assert.deepEqual(manifest.contributes.grammars[0].injectTo, ['source.lua']);
});

test('snippets: every kumo function they call is in the catalog', () => {
  const catalog = getCatalog();
  for (const [name, s] of Object.entries(snippets)) {
    const body = s.body.join('\n');
    for (const m of body.matchAll(/\bkumo\.[a-z_]+(?:\.[a-z_]+)*/g)) {
      assert.ok(catalog.getFunction(m[0]) || catalog.getModule(m[0]), `${name}: ${m[0]} not in the catalog`);
    }
    for (const m of body.matchAll(/kumo\.on\('([a-z_]+)'/g)) {
      // Literal event names only (user-named events in snippets are placeholders like '${1:drain_queue}').
      assert.ok(catalog.getEvent(m[1]) || m[1] === 'main', `${name}: event ${m[1]} unknown`);
    }
  }
});

test('manifest: every command is in the KumoMTA category, and run-user-code commands are gated by trust', () => {
  const ids = manifest.contributes.commands.map((c: { command: string; category: string }) => {
    assert.equal(c.category, 'KumoMTA');
    return c.command;
  });
  for (const id of ['simulateQueue', 'runTailer', 'previewPool', 'simulateTraffic', 'replayDeadLetters', 'generateSegments', 'exportLuaLS', 'restartServer']) {
    assert.ok(ids.includes(`kumomta.${id}`), id);
  }
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  const props = manifest.contributes.configuration.properties;
  for (const key of ['kumomta.policyGlobs', 'kumomta.targetVersion', 'kumomta.logDirectory', 'kumomta.scriptTimeoutSeconds', 'kumomta.policyExtrasPath', 'kumomta.diagnostics.severity']) {
    assert.ok(props[key]?.type && 'default' in props[key] && (props[key].description || props[key].markdownDescription), key);
  }
  assert.equal(props['kumomta.scriptTimeoutSeconds'].default, 10);
  assert.deepEqual(props['kumomta.policyGlobs'].default, ['**/init.lua', '**/policy/**/*.lua']);
});
