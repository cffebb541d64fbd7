import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowsNil, formatTypeExpr, parseTypeExpr } from './type-expr';
import { getCatalog } from './catalog';

test('parses the shapes the catalog uses', () => {
  assert.deepEqual(parseTypeExpr('duration|nil'), { kind: 'union', types: [{ kind: 'name', name: 'duration' }, { kind: 'name', name: 'nil' }] });
  assert.deepEqual(parseTypeExpr('map<string,throttle>'), { kind: 'map', key: { kind: 'name', name: 'string' }, value: { kind: 'name', name: 'throttle' } });
  const rec = parseTypeExpr('array<{name:string, weight:integer=1}>');
  assert.equal(formatTypeExpr(rec), 'array<{name: string, weight: integer = 1}>');
  const trig = parseTypeExpr('{trigger: "Immediate" | {Threshold=throttle}, duration: duration}|nil');
  assert.ok(allowsNil(trig));
  assert.equal(formatTypeExpr(trig), '{trigger: "Immediate"|{Threshold: throttle}, duration: duration}|nil');
  assert.deepEqual(parseTypeExpr('{username?:keysource}'), { kind: 'record', fields: [{ name: 'username', optional: true, type: { kind: 'name', name: 'keysource' } }] });
  assert.equal(parseTypeExpr('unit variant: pass the string "X"').kind, 'unknown');
});

test('nearly every catalog type string parses', () => {
  const unknown = new Set<string>();
  for (const t of getCatalog().configTables.values()) {
    for (const k of Object.values(t.keys)) if (parseTypeExpr(k.type).kind === 'unknown') unknown.add(k.type);
  }
  assert.ok(unknown.size <= 1, [...unknown].join('\n'));
});
