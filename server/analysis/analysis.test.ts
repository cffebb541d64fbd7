import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getCatalog } from '../../runtime/catalog/catalog';
import { ENTITY_LINKS, RECORD_SHAPE } from './entities';
import { parseLua, stringValue } from './parse';
import { AnalysisService } from './service';

function svcWith(files: Record<string, string>, disk: Record<string, string> = {}): AnalysisService {
  const svc = new AnalysisService({ readFile: (p) => disk[p] });
  for (const [p, t] of Object.entries(files)) svc.setDocument(p, t);
  return svc;
}

test('Lua 5.4 syntax parses: attributes, integer division, bitwise, goto', () => {
  const r = parseLua('local a <const>, b <close> = 7 // 2, nil\nlocal c = a & 3 | 1 ~ 2 << 1\ngoto done\n::done::\n');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.attributes.map((x) => x.kind), ['const', 'close']);
});

test('syntax errors carry the offending token range, and a repaired AST is still produced', () => {
  const r = parseLua('local x = = 1\nlocal y = 2\n');
  assert.equal(r.errors.length, 1);
  assert.deepEqual([r.errors[0].start, r.errors[0].end], [10, 11]);
  assert.ok(r.ast);
  assert.ok(r.recovered);
});

test('string literal values decode escapes and long brackets', () => {
  assert.equal(stringValue(`'a\\tb\\65'`), 'a\tbA');
  assert.equal(stringValue('[==[\nx]]y]==]'), 'x]]y');
});

test('every entity link names a catalog table and key', () => {
  const catalog = getCatalog();
  assert.ok(catalog.data.table_shapes[RECORD_SHAPE], RECORD_SHAPE);
  for (const l of ENTITY_LINKS) {
    const t = catalog.getConfigTable(l.table);
    assert.ok(t, l.table);
    for (const k of [l.key, l.itemsKey].filter((x): x is string => !!x)) assert.ok(t.keys[k], `${l.table}.${k}`);
  }
});

test('cross-file: a pool defined in a required local module is known', () => {
  const init = "local kumo = require 'kumo'\nrequire 'pools'\nkumo.on('get_queue_config', function(d)\n  return kumo.make_queue_config { egress_pool = 'shared' }\nend)\n";
  const pools = "local kumo = require 'kumo'\nkumo.on('get_egress_pool', function(n)\n  return kumo.make_egress_pool { name = 'shared' }\nend)\n";
  const svc = svcWith({ '/p/init.lua': init }, { '/p/pools.lua': pools });
  assert.deepEqual(svc.diagnostics('/p/init.lua'), []);
  const svc2 = svcWith({ '/p/init.lua': init.replace("'shared'", "'other'") }, { '/p/pools.lua': pools });
  assert.deepEqual(svc2.diagnostics('/p/init.lua').map((d) => d.code), ['undefined-pool']);
  // Definition jumps into the other file.
  const line = 3;
  const col = init.split('\n')[3].indexOf('shared') + 1;
  assert.equal(svc.definition('/p/init.lua', { line, character: col })[0].uri, '/p/pools.lua');
});

test('pools named by non-literal expressions make undefined-pool stay quiet', () => {
  const src = "local kumo = require 'kumo'\nkumo.on('get_egress_pool', function(n)\n  return kumo.make_egress_pool { name = n }\nend)\nkumo.on('get_queue_config', function(d)\n  return kumo.make_queue_config { egress_pool = 'anything' }\nend)\n";
  assert.deepEqual(svcWith({ '/q/init.lua': src }).diagnostics('/q/init.lua'), []);
});

test('hover shows signature, default, since and the normalized literal', () => {
  const src = "local kumo = require 'kumo'\nlocal c = kumo.make_queue_config { retry_interval = '20 minutes', max_message_rate = '1,000/h', reap_interval = '5m' }\n";
  const svc = svcWith({ '/h.lua': src });
  const line = src.split('\n')[1];
  const at = (s: string, d = 1) => svc.hover('/h.lua', { line: 1, character: line.indexOf(s) + d })?.contents ?? '';
  assert.match(at('make_queue_config'), /kumo\.make_queue_config\(params: table\) -> QueueConfig/);
  assert.match(at("'20 minutes'"), /1200 s/);
  assert.match(at("'1,000/h'"), /3\.6/);
  assert.match(at('reap_interval'), /Since 2024\.09\.02/);
  assert.match(at('retry_interval'), /Default: `"20m"`/);
});

test('code actions: did-you-mean, add missing keys, wrap a plain table return', () => {
  const src = "local kumo = require 'kumo'\nkumo.on('get_queue_config', function(d)\n  return { retry_interval = '1m' }\nend)\nlocal p = kumo.make_egress_pool {}\nlocal c = kumo.make_queue_config { retry_intervl = '1m' }\n";
  const svc = svcWith({ '/c.lua': src });
  const titles = (line: number) => svc.codeActions('/c.lua', 'file:///c.lua', { line, character: 0 }, { line, character: 200 }).map((a) => a.title);
  assert.deepEqual(titles(2), ['Wrap in kumo.make_queue_config']);
  assert.deepEqual(titles(4), ['Add missing key name']);
  assert.equal(titles(5)[0], "Change to 'retry_interval'");
});

test('removed API offers the replacement', () => {
  const src = "local kumo = require 'kumo'\nkumo.define_egress_source { name = 'a' }\n";
  const svc = svcWith({ '/r.lua': src });
  const d = svc.diagnostics('/r.lua');
  assert.equal(d[0].code, 'removed-api');
  assert.match(d[0].message, /make_egress_source/);
  const actions = svc.codeActions('/r.lua', 'u', d[0].range.start, d[0].range.end);
  assert.equal(actions[0].edits[0].edit.newText, "kumo.on('get_egress_source', function(source_name)\n  if source_name == 'a' then\n    return kumo.make_egress_source { name = 'a' }\n  end\nend)");
  assert.equal(actions[1].edits[0].edit.newText, 'make_egress_source');
});

test('deprecated API offers the named replacement', () => {
  const svc = svcWith({ '/dep.lua': "local kumo = require 'kumo'\nlocal s = kumo.json_encode({})\n" });
  const d = svc.diagnostics('/dep.lua');
  assert.deepEqual(d.map((x) => [x.code, x.severity]), [['deprecated-api', 'hint']]);
  assert.equal(svc.codeActions('/dep.lua', 'u', d[0].range.start, d[0].range.end)[0].edits[0].edit.newText, 'serde.json_encode');
});

test('severity overrides and off come from settings', () => {
  const svc = svcWith({ '/s.lua': "local kumo = require 'kumo'\nkumo.dns.nope()\n" });
  svc.configure({ severities: { 'unknown-member': 'off' } });
  assert.deepEqual(svc.diagnostics('/s.lua'), []);
  svc.configure({ severities: { 'unknown-member': 'hint' } });
  assert.equal(svc.diagnostics('/s.lua')[0].severity, 'hint');
});

test('signature help tracks the active parameter', () => {
  const src = "local kumo = require 'kumo'\nkumo.dns.lookup_mx('a', \n";
  const svc = svcWith({ '/g.lua': src.replace('\n\n', ')\n') });
  const s = svc.signatureHelp('/g.lua', { line: 1, character: 24 });
  assert.ok(s);
  assert.equal(s.activeParameter, 1);
});

test('cross-file: require follows package.path templates the policy sets', () => {
  const init = "local kumo = require 'kumo'\npackage.path = '/etc/kumo/lib/?.lua;' .. package.path\nrequire 'helpers.pools'\nkumo.on('get_queue_config', function(d)\n  return kumo.make_queue_config { egress_pool = 'x' }\nend)\n";
  const pools = "local kumo = require 'kumo'\nkumo.on('get_egress_pool', function(n)\n  return kumo.make_egress_pool { name = 'y' }\nend)\n";
  const svc = svcWith({ '/p/init.lua': init }, { '/etc/kumo/lib/helpers/pools.lua': pools });
  assert.deepEqual(svc.diagnostics('/p/init.lua').map((d) => d.code), ['undefined-pool']);
  assert.deepEqual(svc.unit('/p/init.lua').map((u) => u.path), ['/p/init.lua', '/etc/kumo/lib/helpers/pools.lua']);
});
