import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferExports } from './exports';
import { resolveText } from './locals';
import { AnalysisService } from './service';
import type { Position } from './types';

function svcWith(files: Record<string, string>, disk: Record<string, string> = {}, policyExtrasPath?: string): AnalysisService {
  const svc = new AnalysisService({ readFile: (p) => disk[p] });
  if (policyExtrasPath) svc.configure({ policyExtrasPath });
  for (const [p, t] of Object.entries(files)) svc.setDocument(p, t);
  return svc;
}

/** The position of the `n`th occurrence of `needle` in `text`, plus `delta` characters. */
function pos(text: string, needle: string, delta = 0, n = 1): Position {
  let at = -1;
  for (let i = 0; i < n; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} in text`);
  const before = text.slice(0, at + delta);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

function exportsOf(text: string) {
  return inferExports(text, resolveText(text));
}

const HELPERS = [
  'local mod = { VERSION = 2 }',
  '',
  '---@param domain string the recipient domain',
  '---@param opts table|nil',
  '-- Picks the pool for a domain.',
  'function mod.pool_for(domain, opts)',
  "  return 'pool-' .. domain",
  'end',
  '',
  'function mod:setup(files)',
  '  self.loaded = files',
  'end',
  '',
  'local function helper(a, b) return a end',
  'mod.helper = helper',
  "mod['quoted'] = true",
  'return mod',
  '',
].join('\n');

test('exports: `local mod = {}` ... `return mod`, with parameters, methods, doc comments and self-assigned fields', () => {
  const ex = exportsOf(HELPERS)!;
  assert.ok(ex.complete);
  assert.deepEqual([...ex.members.keys()].sort(), ['VERSION', 'helper', 'loaded', 'pool_for', 'quoted', 'setup']);
  const pool = ex.members.get('pool_for')!;
  assert.deepEqual([pool.kind, pool.params, pool.method], ['function', ['domain', 'opts'], false]);
  assert.match(pool.doc!, /Picks the pool for a domain/);
  assert.equal(pool.paramDocs!.get('domain')!.type, 'string');
  assert.deepEqual([ex.members.get('setup')!.method, ex.members.get('setup')!.params], [true, ['files']]);
  assert.deepEqual(ex.members.get('helper')!.params, ['a', 'b']);
  assert.equal(ex.members.get('VERSION')!.kind, 'value');
});

test('exports: `return { ... }` and what makes a member list incomplete', () => {
  const lit = exportsOf('return { a = 1, b = function(x, ...) end, ["c"] = 2 }\n')!;
  assert.ok(lit.complete);
  assert.deepEqual(lit.members.get('b')!.params, ['x', '...']);
  assert.deepEqual([...lit.members.keys()], ['a', 'b', 'c']);
  const incomplete = [
    'local mod = {}\nsetmetatable(mod, { __index = other })\nreturn mod\n',
    'local mod = {}\nfor k, v in pairs(src) do mod[k] = v end\nreturn mod\n',
    'local mod = {}\nregister(mod)\nreturn mod\n',
    'local mod = {}\nlocal alias = mod\nreturn mod\n',
    'local mod = make()\nfunction mod.f() end\nreturn mod\n',
    'local mod = {}\nmod = {}\nreturn mod\n',
    'local mod = {}\nfunction mod:f() helper(self) end\nreturn mod\n',
    "local mod = {}\npackage.loaded['x'] = mod\nreturn mod\n",
    'return { [key] = 1 }\n',
  ];
  for (const src of incomplete) assert.equal(exportsOf(src)?.complete, false, src);
  // The class shape: M is the metatable of its instances and its own __index.
  const cls = exportsOf('local M = {}\nM.__index = M\nfunction M.new(n)\n  return setmetatable({ n = n }, M)\nend\nfunction M:size()\n  return self.n\nend\nreturn M\n')!;
  assert.ok(cls.complete);
  assert.deepEqual([...cls.members.keys()], ['__index', 'new', 'size']);
  // Reading it (pairs, comparisons, member calls) keeps it complete.
  assert.ok(exportsOf('local mod = {}\nfunction mod.f() for k in pairs(mod) do end if mod == nil then end mod.g() end\nfunction mod.g() end\nreturn mod\n')!.complete);
  // No readable table: no exports at all.
  for (const src of ['return setmetatable({}, mt)\n', 'local x = 1\n', 'return a, b\n', 'return M\n']) assert.equal(exportsOf(src), undefined, src);
});

test('module members: completion, hover, signature help and definition into the module file', () => {
  const init = "local helpers = require 'helpers'\nhelpers.\nlocal p = helpers.pool_for('example.com', nil)\nhelpers:setup { 'a.toml' }\n";
  const svc = svcWith({ '/p/init.lua': init }, { '/p/helpers.lua': HELPERS });

  const items = svc.completion('/p/init.lua', { line: 1, character: 8 });
  const byLabel = new Map(items.map((i) => [i.label, i]));
  assert.deepEqual([...byLabel.keys()].sort(), ['VERSION', 'helper', 'loaded', 'pool_for', 'quoted', 'setup']);
  assert.equal(byLabel.get('pool_for')!.insertText, 'pool_for(${1:domain}, ${2:opts})$0');
  assert.equal(byLabel.get('pool_for')!.detail, 'helpers.pool_for(domain: string, opts: table|nil)');
  assert.match(byLabel.get('pool_for')!.documentation!, /Picks the pool/);
  assert.equal(byLabel.get('setup')!.kind, 'method');
  // After `:` only what takes the table first.
  const colon = svcWith({ '/p/init.lua': "local helpers = require 'helpers'\nhelpers:\n" }, { '/p/helpers.lua': HELPERS })
    .completion('/p/init.lua', { line: 1, character: 8 });
  assert.deepEqual(colon.map((i) => [i.label, i.insertText]), [['setup', 'setup(${1:files})$0']]);

  const hover = svc.hover('/p/init.lua', pos(init, 'pool_for', 3))!;
  assert.match(hover.contents, /function helpers\.pool_for\(domain: string, opts: table\|nil\)/);
  assert.match(hover.contents, /Picks the pool for a domain/);
  assert.match(hover.contents, /`domain` \(string\): the recipient domain/);
  assert.match(hover.contents, /Defined in helpers\.lua:6/);
  assert.match(svc.hover('/p/init.lua', pos(init, "'helpers'", 2))!.contents, /Loads `\/p\/helpers\.lua`[\s\S]*pool_for\(\)/);

  const sig = svc.signatureHelp('/p/init.lua', pos(init, 'nil)'))!;
  assert.equal(sig.label, 'helpers.pool_for(domain: string, opts: table|nil)');
  assert.equal(sig.activeParameter, 1);
  assert.equal(sig.parameters[0].documentation, 'the recipient domain');

  const def = svc.definition('/p/init.lua', pos(init, 'pool_for', 1));
  assert.deepEqual(def, [{ uri: '/p/helpers.lua', range: { start: { line: 5, character: 13 }, end: { line: 5, character: 21 } } }]);
  assert.equal(svc.definition('/p/init.lua', pos(init, 'setup', 1))[0].range.start.line, 9);
  // On the required name: the module's table.
  assert.deepEqual(svc.definition('/p/init.lua', pos(init, "'helpers'", 3))[0], { uri: '/p/helpers.lua', range: { start: { line: 0, character: 6 }, end: { line: 0, character: 9 } } });
});

test('module members: unknown-member only when every member is known', () => {
  const init = "local h = require 'helpers'\nh.pool_fro('x')\nh.loaded = nil\nprint(h.VERSION, h.quoted, h.helper)\n";
  const svc = svcWith({ '/p/init.lua': init }, { '/p/helpers.lua': HELPERS });
  const diags = svc.diagnostics('/p/init.lua');
  assert.deepEqual(diags.map((d) => [d.code, d.range.start.line, d.message]), [['unknown-member', 1, "Module 'helpers' (helpers.lua) has no member 'pool_fro'. Did you mean 'pool_for'?"]]);
  assert.deepEqual(diags[0].fix, { kind: 'replace', title: 'Did you mean', replacements: ['pool_for'] });
  // A member the policy adds itself is not unknown.
  assert.deepEqual(svcWith({ '/p/init.lua': init + "h.pool_fro = h.pool_for\n" }, { '/p/helpers.lua': HELPERS }).diagnostics('/p/init.lua'), []);
  // Testing whether a member exists, or a variable that may hold another module, is not a finding.
  const probes = "local h = require 'helpers'\nif h.later then h.later() end\nlocal f = h.maybe or h.pool_for\nif h.gone == nil or not h.absent then end\n";
  assert.deepEqual(svcWith({ '/p/init.lua': probes }, { '/p/helpers.lua': HELPERS }).diagnostics('/p/init.lua'), []);
  const rebound = "local h = require 'helpers'\nif os.getenv('X') then h = require 'other' end\nh.only_in_other()\n";
  assert.deepEqual(svcWith({ '/p/init.lua': rebound }, { '/p/helpers.lua': HELPERS }).diagnostics('/p/init.lua'), []);
  // Dynamic modules stay quiet.
  const dynamic = 'local mod = {}\nsetmetatable(mod, { __index = function(_, k) return k end })\nreturn mod\n';
  assert.deepEqual(svcWith({ '/p/init.lua': init }, { '/p/helpers.lua': dynamic }).diagnostics('/p/init.lua'), []);
  // While typing `h.` nothing is reported.
  assert.deepEqual(svcWith({ '/p/init.lua': "local h = require 'helpers'\nh.\n" }, { '/p/helpers.lua': HELPERS }).diagnostics('/p/init.lua').filter((d) => d.code === 'unknown-member'), []);
  // Editing the module (an open document) changes what is known.
  svc.setDocument('/p/helpers.lua', HELPERS.replace('function mod.pool_for', 'function mod.pool_fro'));
  assert.deepEqual(svc.diagnostics('/p/init.lua'), []);
  svc.setDocument('/p/helpers.lua', HELPERS.replace("mod['quoted'] = true", ''));
  assert.deepEqual(svc.diagnostics('/p/init.lua').map((d) => d.message), [
    "Module 'helpers' (helpers.lua) has no member 'pool_fro'. Did you mean 'pool_for'?",
    "Module 'helpers' (helpers.lua) has no member 'quoted'.",
  ]);
});

test('policy-extras: followed into policyExtrasPath, analysed without diagnostics of its own; catalog list without it', () => {
  const queue = 'local mod = {}\nlocal kumo = require "kumo"\nfunction mod:setup(file_names)\n  kumo.dns.lookup_mxx("x")\nend\nfunction mod:resolve_provider(domain, routing_domain) end\nreturn mod\n';
  const init = "local queue_module = require 'policy-extras.queue'\nqueue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }\nqueue_module:setpu {}\nqueue_module:\n";
  const svc = svcWith({ '/p/init.lua': init }, { '/extras/queue.lua': queue }, '/extras');
  assert.equal(svc.resolveRequire('/p/init.lua', 'policy-extras.queue'), '/extras/queue.lua');
  // (line 3 is still being typed: a syntax error, nothing else)
  assert.deepEqual(svc.diagnostics('/p/init.lua').map((d) => `${d.code} ${d.range.start.line}`), ['syntax-error 4', 'unknown-member 2']);
  assert.deepEqual(svc.completion('/p/init.lua', { line: 3, character: 13 }).map((i) => i.label), ['setup', 'resolve_provider']);
  assert.equal(svc.definition('/p/init.lua', pos(init, 'setup'))[0].uri, '/extras/queue.lua');
  // Without the folder: the catalog's list of the helper's functions, and no member check.
  const bare = svcWith({ '/p/init.lua': init }, { '/extras/queue.lua': queue });
  const notTyping = (svc: AnalysisService) => svc.diagnostics('/p/init.lua').filter((d) => d.code !== 'syntax-error');
  assert.deepEqual(notTyping(bare), []);
  assert.ok(bare.completion('/p/init.lua', { line: 3, character: 13 }).some((i) => i.label === 'setup_with_options'));
  // A folder without that helper: opaque as well.
  assert.deepEqual(notTyping(svcWith({ '/p/init.lua': init }, {}, '/elsewhere')), []);
});

const LOCALS = [
  'local count = 0', //                                           0
  'local function bump(n)', //                                    1
  '  count = count + n', //                                       2
  '  if n > 10 then return bump(n - 10) end', //                  3
  'end', //                                                       4
  'for i = 1, 3 do', //                                           5
  '  local count = i * 2', //                                     6
  '  bump(count)', //                                             7
  'end', //                                                       8
  'local x = 1', //                                               9
  'local x = x + 1', //                                          10
  'repeat local done = x > 3 until done', //                    11
  'print(count, x, undefined_global)', //                        12
  '',
].join('\n');

test('locals: references, definition and rename follow scoping and shadowing', () => {
  const svc = svcWith({ '/l/init.lua': LOCALS });
  const at = (line: number, character: number) => ({ line, character });
  const lines = (locs: Array<{ range: { start: Position } }>) => locs.map((l) => `${l.range.start.line}:${l.range.start.character}`);
  // The outer `count`: its declaration, the two in bump, and line 12; not the loop's own `count`.
  assert.deepEqual(lines(svc.references('/l/init.lua', at(0, 7))), ['0:6', '2:2', '2:10', '12:6']);
  assert.deepEqual(lines(svc.references('/l/init.lua', at(7, 8))), ['6:8', '7:7']);
  assert.deepEqual(lines(svc.references('/l/init.lua', at(12, 7), false)), ['2:2', '2:10', '12:6']);
  // Parameters, and a local function seen inside its own body.
  assert.deepEqual(lines(svc.references('/l/init.lua', at(1, 20))), ['1:20', '2:18', '3:5', '3:29']);
  assert.deepEqual(lines(svc.references('/l/init.lua', at(3, 25))), ['1:15', '3:24', '7:2']);
  // `local x = x + 1`: the right-hand x is the previous one.
  assert.deepEqual(lines(svc.references('/l/init.lua', at(10, 10))), ['9:6', '10:10']);
  assert.deepEqual(lines(svc.definition('/l/init.lua', at(12, 14))), ['10:6']);
  // `until` sees the repeat body's locals.
  assert.deepEqual(lines(svc.definition('/l/init.lua', at(11, 33))), ['11:13']);
  // Globals are not renamed.
  assert.equal(svc.prepareRename('/l/init.lua', at(12, 20)), undefined);

  assert.deepEqual(svc.prepareRename('/l/init.lua', at(2, 11)), { range: { start: { line: 2, character: 10 }, end: { line: 2, character: 15 } }, placeholder: 'count' });
  const edits = svc.rename('/l/init.lua', at(2, 11), 'total');
  assert.deepEqual(edits.map((e) => `${e.edit.range.start.line}:${e.edit.range.start.character}-${e.edit.range.end.character}=${e.edit.newText}`), ['0:6-11=total', '2:2-7=total', '2:10-15=total', '12:6-11=total']);
  for (const reserved of ['end', 'goto', 'nil', 'true']) assert.throws(() => svc.rename('/l/init.lua', at(2, 11), reserved), /not a valid Lua name/);
  assert.throws(() => svc.rename('/l/init.lua', at(2, 11), '2x'), /not a valid Lua name/);
  // Names that would change what something refers to are refused; the loop's `i` is out of reach, so fine.
  assert.throws(() => svc.rename('/l/init.lua', at(0, 7), 'bump'), /Cannot rename to 'bump': a local 'bump' declared on the way/);
  assert.throws(() => svc.rename('/l/init.lua', at(10, 7), 'print'), /would hide the global 'print'/);
  assert.equal(svc.rename('/l/init.lua', at(6, 9), 'n').length, 2);
  assert.equal(svc.rename('/l/init.lua', at(0, 7), 'i').length, 4);
  assert.equal(svc.rename('/l/init.lua', at(6, 9), 'i').length, 2);
  const outer = svcWith({ '/o/init.lua': 'local a = 1\nlocal function f()\n  local b = 2\n  return a + b\nend\n' });
  assert.throws(() => outer.rename('/o/init.lua', { line: 2, character: 8 }, 'a'), /'b' would hide the local 'a'/);
});

test('locals: method self, parameters of handlers and string entities keep their own navigation', () => {
  const text = "local kumo = require 'kumo'\nlocal t = {}\nfunction t:go(msg)\n  return self, msg\nend\nkumo.on('get_queue_config', function(domain, tenant)\n  return kumo.make_queue_config { egress_pool = domain }\nend)\n";
  const svc = svcWith({ '/s/init.lua': text });
  // `self` has no declaration to rename.
  assert.equal(svc.prepareRename('/s/init.lua', pos(text, 'self', 1)), undefined);
  assert.deepEqual(svc.references('/s/init.lua', pos(text, 'domain', 1)).map((l) => l.range.start.line), [5, 6]);
  assert.deepEqual(svc.rename('/s/init.lua', pos(text, 'msg', 1), 'message').map((e) => e.edit.range.start.line), [2, 3]);
  assert.deepEqual(svc.definition('/s/init.lua', pos(text, 't:go', 0))[0].range.start, { line: 1, character: 6 });
});

// ---- cross-file references and rename of module members, types of call results, member chains ----

const LIB = [
  'local M = {}', //                                     0
  '', //                                                 1
  '-- Sets things up.', //                               2
  'function M.setup(opts)', //                           3
  '  return M.check(opts)', //                           4
  'end', //                                              5
  '', //                                                 6
  'function M.check(opts) return opts end', //           7
  '', //                                                 8
  'return M', //                                         9
  '',
].join('\n');

const MAIN = [
  "local lib = require 'lib'", //                        0
  'lib.setup({})', //                                    1
  'local function f()', //                               2
  "  local again = require('lib')", //                   3
  '  again.setup(nil)', //                               4
  '  if lib.check then end', //                          5
  'end', //                                              6
  "require('lib').setup()", //                           7
  '',
].join('\n');

const spots = (locs: Array<{ uri: string; range: { start: Position; end: Position } }>) => locs.map((l) => `${l.uri}:${l.range.start.line}:${l.range.start.character}-${l.range.end.character}`);

test('module members across files: references and rename from a use and from the definition', () => {
  const svc = svcWith({ '/x/init.lua': MAIN, '/x/lib.lua': LIB });
  const expected = ['/x/lib.lua:3:11-16', '/x/init.lua:1:4-9', '/x/init.lua:4:8-13', '/x/init.lua:7:15-20'];
  assert.deepEqual(spots(svc.references('/x/init.lua', pos(MAIN, 'setup', 2))), expected);
  assert.deepEqual(spots(svc.references('/x/lib.lua', pos(LIB, 'setup', 1))), expected);
  assert.deepEqual(spots(svc.references('/x/init.lua', pos(MAIN, 'setup', 2), false)), expected.slice(1));
  // Uses inside the module file (M.check) and tests for the member (`if lib.check`) are uses too.
  assert.deepEqual(spots(svc.references('/x/lib.lua', pos(LIB, 'check', 1, 2))), ['/x/lib.lua:4:11-16', '/x/lib.lua:7:11-16', '/x/init.lua:5:9-14']);
  assert.deepEqual(svc.prepareRename('/x/init.lua', pos(MAIN, 'setup', 2)), { range: { start: { line: 1, character: 4 }, end: { line: 1, character: 9 } }, placeholder: 'setup' });
  const edits = svc.rename('/x/lib.lua', pos(LIB, 'setup', 1), 'init');
  assert.deepEqual(edits.map((e) => `${e.uri}:${e.edit.range.start.line}:${e.edit.range.start.character}=${e.edit.newText}`), ['/x/lib.lua:3:11=init', '/x/init.lua:1:4=init', '/x/init.lua:4:8=init', '/x/init.lua:7:15=init']);
  assert.throws(() => svc.rename('/x/init.lua', pos(MAIN, 'setup', 2), 'check'), /already has or uses a member 'check'/);
  assert.throws(() => svc.rename('/x/init.lua', pos(MAIN, 'setup', 2), 'end'), /not a valid Lua name/);
  // A module on disk, never opened, is found through the require and edited too.
  const disk = new AnalysisService({ readFile: (p) => (p === '/x/lib.lua' ? LIB : undefined) });
  disk.setDocument('/x/init.lua', MAIN);
  assert.equal(disk.rename('/x/init.lua', pos(MAIN, 'setup', 2), 'init').length, 4);
  // Locals of the files keep their own rename.
  assert.deepEqual(svc.rename('/x/init.lua', pos(MAIN, 'again', 1), 'other').map((e) => e.edit.range.start.line), [3, 4]);
});

test('module members across files: rename refused when a use may be missed, never in policy-extras', () => {
  const refused = (main: string, lib = LIB) => () => svcWith({ '/x/init.lua': main, '/x/lib.lua': lib }).rename('/x/init.lua', pos(main, 'setup', 1), 'init');
  assert.throws(refused("local lib = require 'lib'\nlib.setup()\nregister(lib)\n"), /Cannot rename 'setup' safely: the module held in 'lib' \(init\.lua:3\) is passed on/);
  assert.throws(refused("local lib = require 'lib'\nlib.setup()\nlocal alias = lib\n"), /passed on/);
  assert.throws(refused("local lib = require 'lib'\nlib.setup()\nlib = {}\n"), /assigned again/);
  assert.throws(refused("lib = require 'lib'\nlocal l = require 'lib'\nl.setup()\n"), /require 'lib' at init\.lua:1 is not held in a local/);
  assert.throws(refused("local lib = require 'lib'\nlib.setup()\nlib['setup']()\n"), /indexed with a key/);
  // The module's table escapes or is built dynamically; or is a class, whose instances reach the member.
  assert.throws(refused("local lib = require 'lib'\nlib.setup()\n", LIB.replace('return M', 'register(M)\nreturn M')), /built dynamically or escapes/);
  assert.throws(refused("local lib = require 'lib'\nlib.setup()\n", LIB.replace('return M', 'M.__index = M\nreturn M')), /metatable of other tables/);
  assert.throws(refused("local lib = require 'lib'\nlib.setup()\n", LIB.replace('return M', "M['setup'] = M.setup\nreturn M")), /written M\['setup'\]/);
  // References still list what was found.
  assert.equal(svcWith({ '/x/init.lua': "local lib = require 'lib'\nlib.setup()\nregister(lib)\n", '/x/lib.lua': LIB }).references('/x/init.lua', { line: 1, character: 5 }).length, 2);
  // KumoMTA's own helpers are never edited.
  const init = "local queue = require 'policy-extras.queue'\nqueue:setup {}\n";
  const svc = svcWith({ '/p/init.lua': init }, { '/extras/queue.lua': 'local mod = {}\nfunction mod:setup(files) end\nreturn mod\n' }, '/extras');
  assert.deepEqual(spots(svc.references('/p/init.lua', pos(init, 'setup', 1))), ['/extras/queue.lua:1:13-18', '/p/init.lua:1:6-11']);
  assert.throws(() => svc.rename('/p/init.lua', pos(init, 'setup', 1), 'init'), /under kumomta\.policyExtrasPath \(KumoMTA's own helpers are never edited\)/);
  // `return { ... }` modules: the constructor's key is the definition.
  const lit = "return { go = function() end, ['quoted'] = 1 }\n";
  const litMain = "local l = require 'lit'\nl.go()\nprint(l.quoted)\n";
  const ls = svcWith({ '/y/init.lua': litMain, '/y/lit.lua': lit });
  assert.deepEqual(spots(ls.rename('/y/init.lua', pos(litMain, 'go'), 'run').map((e) => ({ uri: e.uri, range: e.edit.range }))), ['/y/lit.lua:0:9-11', '/y/init.lua:1:2-4']);
  assert.deepEqual(spots(ls.rename('/y/init.lua', pos(litMain, 'quoted'), 'q').map((e) => ({ uri: e.uri, range: e.edit.range }))), ['/y/lit.lua:0:32-38', '/y/init.lua:2:8-14']);
});

const CLASS = [
  'local kumo = require "kumo"',
  'local Q = {}',
  'Q.__index = Q',
  'function Q.new(name)',
  '  return setmetatable({ name = name, count = 0 }, Q)',
  'end',
  'function Q:push(item) self.count = self.count + 1 end',
  'function Q.helper() end',
  'function Q.make_config(domain)',
  '  if domain then return kumo.make_queue_config { egress_pool = domain } end',
  '  return kumo.make_queue_config {}',
  'end',
  'function Q.shape() return { size = 1, grow = function(n) end } end',
  'function Q.mixed(x) if x then return {} end return kumo.make_queue_config {} end',
  'function Q.bare() if x then return end return {} end',
  'function Q.built()',
  '  local obj = setmetatable({ id = 1 }, Q)',
  '  return obj',
  'end',
  'function Q.regex(p) return kumo.regex.compile(p) end',
  'function Q.loose() return setmetatable({}, { other = 1 }) end',
  'Q.sub = { f = function(a, b) end, g = 1 }',
  "Q.other = require 'other'",
  'return Q',
  '',
].join('\n');

test('module members: types of call results and one level of member chains', () => {
  const at = (lines: string[]) => {
    const text = `local q = require 'queue'\n${lines.join('\n')}\n`;
    const svc = svcWith({ '/q/init.lua': text }, { '/q/queue.lua': CLASS, '/q/other.lua': 'local O = {}\nfunction O.run(x) end\nreturn O\n' });
    return { svc, items: svc.completion('/q/init.lua', { line: lines.length, character: lines[lines.length - 1].length }) };
  };
  // An instance of the module's class: its methods after `:`, fields and members after `.`.
  assert.deepEqual(at(['local o = q.new("a")', 'o:']).items.map((i) => i.label), ['push']);
  assert.deepEqual(at(['local o = q.new("a")', 'o.']).items.map((i) => i.label).sort(), ['built', 'count', 'helper', 'loose', 'make_config', 'mixed', 'name', 'new', 'other', 'push', 'regex', 'shape', 'bare', 'sub'].sort());
  assert.deepEqual(at(['local o = q.built()', 'o:']).items.map((i) => i.label), ['push']);
  assert.ok(at(['local o = q.built()', 'o.']).items.some((i) => i.label === 'id'));
  // A returned table; a catalog type.
  assert.deepEqual(at(['local s = q.shape()', 's.']).items.map((i) => i.label), ['size', 'grow']);
  const cfg = at(['local c = q.make_config("d")']);
  assert.match(cfg.svc.hover('/q/init.lua', { line: 1, character: 7 })!.contents, /local c: QueueConfig/);
  assert.ok(at(['local r = q.regex("x")', 'r:']).items.some((i) => i.label === 'is_match'));
  assert.match(at(['local o = q.new("a")']).svc.hover('/q/init.lua', { line: 1, character: 7 })!.contents, /local o: queue\.new\(\) \{ name, count, new, push/);
  // Unsure: mixed returns, a bare return, a metatable that is not the class, a reassigned result: nothing.
  for (const line of ['local c = q.mixed(1)', 'local c = q.bare()', 'local c = q.loose()', 'local c = q.helper()']) assert.deepEqual(at([line, 'c.']).items, [], line);
  assert.deepEqual(at(['local o = q.new("a")', 'o = q.shape()', 'o.']).items, []);
  // Chains: a table member and a required module, with hover, signature help and definition.
  assert.deepEqual(at(['q.sub.']).items.map((i) => i.label), ['f', 'g']);
  assert.deepEqual(at(['q.other.']).items.map((i) => i.label), ['run']);
  const { svc } = at(['q.sub.f(1, 2)', 'q.other.run(3)', 'q.sub.nope()']);
  const text = svc.getText('/q/init.lua')!;
  assert.match(svc.hover('/q/init.lua', pos(text, 'f(', 0))!.contents, /function queue\.sub\.f\(a, b\)[\s\S]*queue\.lua:22/);
  assert.equal(svc.signatureHelp('/q/init.lua', pos(text, '2)'))!.label, 'queue.sub.f(a, b)');
  assert.equal(svc.signatureHelp('/q/init.lua', pos(text, '2)'))!.activeParameter, 1);
  assert.deepEqual(svc.definition('/q/init.lua', pos(text, 'run')), [{ uri: '/q/other.lua', range: { start: { line: 1, character: 11 }, end: { line: 1, character: 14 } } }]);
  // No member check down a chain (a policy may add to `q.sub`), none on results.
  assert.deepEqual(svc.diagnostics('/q/init.lua'), []);
  // Unsure: the hover says no more than the walk knows.
  assert.match(at(['local o = q.helper()']).svc.hover('/q/init.lua', { line: 1, character: 7 })!.contents, /local o: result of queue\.helper\(\)/);
});
