import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCorpus } from '../../server/analysis/corpus';
import { analyzeText } from '../../server/analysis/model';
import { AnalysisService } from '../../server/analysis/service';
import { largePolicy } from './large-policy';

const TOKENS = ['local', 'function', 'end', '(', ')', '{', '}', '=', ',', '.', ':', "'", '"', 'kumo', 'kumo.on(', 'msg:', 'return', 'if', 'then', '--', '[[', ']]', '<const>', 'x', "'10m'", '\n', ' ', '..', 'nil', 'local y = 1\n', 'end)\n'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const key = (d: { code: string; start: number; end: number; message: string }) => `${d.start}-${d.end} ${d.code} ${d.message}`;

test('random token edits: no crash or hang, incremental analysis equals a fresh one', () => {
  const corpus = loadCorpus(undefined, { docs: false });
  const texts = [largePolicy(600), ...(corpus ? corpus.extras.map((f) => f.text).slice(0, 4) : [])];
  const rand = rng(7);
  const edits = Number(process.env.KUMO_FUZZ_EDITS ?? 1000);
  let worst = 0;
  for (let e = 0; e < edits; ) {
    const svc = new AnalysisService();
    let text = texts[e % texts.length];
    for (let i = 0; i < 150 && e < edits; i++, e++) {
      const at = Math.floor(rand() * text.length);
      text = rand() < 0.6
        ? text.slice(0, at) + TOKENS[Math.floor(rand() * TOKENS.length)] + text.slice(at)
        : text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rand() * 8)));
      const t0 = performance.now();
      svc.setDocument('/fuzz/init.lua', text);
      const incremental = svc.diagnostics('/fuzz/init.lua');
      const pos = svc.model('/fuzz/init.lua')!.lines.positionAt(at);
      svc.completion('/fuzz/init.lua', pos);
      svc.hover('/fuzz/init.lua', pos);
      svc.signatureHelp('/fuzz/init.lua', pos);
      worst = Math.max(worst, performance.now() - t0);
      if (i % 10 === 0) {
        const fresh = analyzeText(text).diagnostics;
        const own = incremental.filter((d) => !['undefined-pool', 'unknown-source', 'constructor-without-handler', 'unknown-event'].includes(d.code));
        assert.deepEqual(own.map(key).sort(), fresh.map(key).sort(), `edit ${e}`);
      }
    }
  }
  // No request over 1 s is a figure of `npm run bench -- server`; here a far bound only catches a hang.
  assert.ok(worst < 10_000, `slowest step ${worst.toFixed(0)} ms`);
});
