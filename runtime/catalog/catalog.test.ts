import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCatalog } from './catalog';
import { sharedDir } from '../../test/support/paths';

const catalog = getCatalog();

test('catalog counts meet the reference catalog', (t) => {
  const counts = catalog.counts();
  const shared = sharedDir();
  // The reference JSON lives beside the checkout; without it, compare with the figures it was built from.
  const ref = shared
    ? JSON.parse(readFileSync(join(shared, 'reference', 'kumo-api.json'), 'utf8')).counts
    : { functions_total: 251, events_named: 36, objects: 49, config_table_keys: 430, config_tables: 46 };
  if (!shared) t.diagnostic('shared/reference not found; using the recorded reference counts');
  assert.ok(counts.functions >= ref.functions_total, `functions ${counts.functions} < ${ref.functions_total}`);
  assert.ok(counts.events >= ref.events_named);
  assert.ok(counts.objects >= ref.objects);
  assert.ok(counts.config_keys >= ref.config_table_keys);
  assert.ok(counts.config_tables >= ref.config_tables);
  assert.equal(counts.removed_functions, 2);
});

test('every reference function, event, object and config key is in the catalog', (t) => {
  const shared = sharedDir();
  if (!shared) return t.skip('shared/reference not available');
  const ref = JSON.parse(readFileSync(join(shared, 'reference', 'kumo-api.json'), 'utf8'));
  for (const f of ref.functions) assert.ok(catalog.getFunction(f.name), f.name);
  for (const e of ref.events) assert.ok(catalog.getEvent(e.name), e.name);
  for (const o of Object.keys(ref.objects)) assert.ok(catalog.getObject(o), o);
  for (const [tname, table] of Object.entries<any>(ref.config_tables)) {
    for (const key of Object.keys(table.keys)) assert.ok(catalog.getConfigTable(tname)?.keys[key], `${tname}.${key}`);
  }
});

test('resolve understands every name form the CLI documents', () => {
  assert.equal(catalog.resolve('kumo.make_egress_path')?.kind, 'function');
  assert.equal(catalog.resolve('get_queue_config')?.kind, 'event');
  assert.equal(catalog.resolve('Message:set_meta')?.kind, 'method');
  const key = catalog.resolve('make_queue_config.retry_interval');
  assert.equal(key?.kind, 'config_key');
  assert.equal(key?.kind === 'config_key' && key.data.default, '20m');
  assert.equal(catalog.resolve('kumo.dns')?.kind, 'module');
  assert.equal(catalog.resolve('protocol.smtp.mx_list')?.kind, 'config_key');
  assert.equal(catalog.resolve('no_such_thing'), undefined);
});

test('legacy define_egress_* are kept, marked removed with their replacement', () => {
  for (const [legacy, replacement] of [['kumo.define_egress_source', 'kumo.make_egress_source'], ['kumo.define_egress_pool', 'kumo.make_egress_pool']]) {
    const fn = catalog.getFunction(legacy);
    assert.ok(fn);
    assert.equal(fn.removed, '2023.06.22-51b72a83');
    assert.equal(fn.replacement, replacement);
    assert.ok(catalog.tableParamOf(fn));
  }
});

test('every function, event, object, method and config key has a one-line description', () => {
  const missing: string[] = [];
  const check = (name: string, d: string | undefined) => { if (!d || d.includes('\n')) missing.push(name); };
  for (const f of catalog.functions.values()) check(f.name, f.description);
  for (const e of catalog.events.values()) check(e.name, e.description);
  for (const o of catalog.objects.values()) {
    check(o.name, o.description);
    for (const m of o.methods) check(`${o.name}:${m.name}`, m.description);
  }
  for (const t of catalog.configTables.values()) for (const [k, v] of Object.entries(t.keys)) check(`${t.name}.${k}`, v.description);
  assert.deepEqual(missing, []);
});

test('modules are linked to their parents', () => {
  assert.ok(catalog.getModule('kumo')?.submodules.includes('kumo.dns'));
  assert.ok(catalog.getModule('kumo.api')?.submodules.includes('kumo.api.admin'));
  assert.ok(catalog.getModule('redis')?.functions.length);
});
