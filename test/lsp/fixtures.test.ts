import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosticCodes } from '../../server/analysis/codes';
import { AnalysisService } from '../../server/analysis/service';
import { repoRoot } from '../support/paths';
import { fixtureFileSystem, parseCompletionMarkers, parseDiagnosticMarkers } from './markers';

const dir = join(repoRoot(), 'test/fixtures/diagnostics');
const compDir = join(repoRoot(), 'test/fixtures/completion');

test('every registered diagnostic code has a fixture', () => {
  const files = new Set(readdirSync(dir).filter((f) => f.endsWith('.lua')).map((f) => f.slice(0, -4)));
  assert.deepEqual([...diagnosticCodes.keys()].filter((c) => !files.has(c)), []);
});

for (const file of readdirSync(dir).filter((f) => f.endsWith('.lua'))) {
  test(`diagnostics fixture ${file}`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const { expected, targetVersion, main, files } = parseDiagnosticMarkers(text);
    const code = file.slice(0, -4);
    assert.ok(expected.some((e) => e.code === code), `${file} marks at least one ${code}`);
    const svc = new AnalysisService(fixtureFileSystem(`/fixtures/${code}`, files));
    svc.configure({ policyExtrasPath: `/fixtures/${code}/policy-extras`, ...(targetVersion ? { targetVersion } : {}) });
    svc.setDocument(`/fixtures/${code}/init.lua`, main);
    const actual = svc.diagnostics(`/fixtures/${code}/init.lua`)
      .filter((d) => d.range.start.line === d.range.end.line)
      .map((d) => ({ code: d.code, line: d.range.start.line, start: d.range.start.character, end: d.range.end.character }));
    const key = (d: { code: string; line: number; start: number; end: number }) => `${d.line + 1}:${d.start}-${d.end} ${d.code}`;
    assert.deepEqual(actual.map(key).sort(), expected.map(key).sort());
  });
}

for (const file of readdirSync(compDir).filter((f) => f.endsWith('.lua'))) {
  test(`completion fixture ${file}`, () => {
    const m = parseCompletionMarkers(readFileSync(join(compDir, file), 'utf8'));
    const svc = new AnalysisService(fixtureFileSystem('/fixtures', m.files));
    svc.configure({ policyExtrasPath: '/fixtures/policy-extras' });
    svc.setDocument('/fixtures/completion.lua', m.text);
    const labels = svc.completion('/fixtures/completion.lua', { line: m.line, character: m.character }).map((i) => i.label);
    for (const e of m.expect) assert.ok(labels.includes(e), `${e} offered (got ${labels.slice(0, 15).join(', ')})`);
    for (const e of m.exclude) assert.ok(!labels.includes(e), `${e} not offered`);
  });
}
