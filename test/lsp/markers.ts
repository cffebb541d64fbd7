/**
 * Inline markers for fixtures.
 * Diagnostics: a comment line `--   ^^^^ code` marks, on the nearest line above that is not a marker, the
 * columns under the carets; `--@ code START END` gives the columns explicitly (for tokens in columns 0-1).
 * `-- target-version: V` on any line sets kumomta.targetVersion.
 * Completion: `$0` is the cursor (removed from the text); `-- expect: a, b` and `-- exclude: c` list labels.
 */
export interface ExpectedDiagnostic {
  code: string;
  line: number;
  start: number;
  end: number;
}

export function parseDiagnosticMarkers(text: string): { expected: ExpectedDiagnostic[]; targetVersion?: string } {
  const lines = text.split('\n');
  const expected: ExpectedDiagnostic[] = [];
  let target: string | undefined;
  let lastCode = -1;
  lines.forEach((line, i) => {
    const caret = /^(\s*--\s*)(\^+)\s+([a-z-]+)\s*$/.exec(line);
    const explicit = /^\s*--@\s+([a-z-]+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    const tv = /^--\s*target-version:\s*(\S+)/.exec(line);
    if (tv) target = tv[1];
    if (caret) expected.push({ code: caret[3], line: lastCode, start: caret[1].length, end: caret[1].length + caret[2].length });
    else if (explicit) expected.push({ code: explicit[1], line: lastCode, start: Number(explicit[2]), end: Number(explicit[3]) });
    else lastCode = i;
  });
  return target ? { expected, targetVersion: target } : { expected };
}

export function parseCompletionMarkers(text: string): { text: string; line: number; character: number; expect: string[]; exclude: string[] } {
  const idx = text.indexOf('$0');
  if (idx < 0) throw new Error('fixture has no $0 cursor');
  const clean = text.slice(0, idx) + text.slice(idx + 2);
  const before = clean.slice(0, idx);
  const line = before.split('\n').length - 1;
  const character = idx - (before.lastIndexOf('\n') + 1);
  const list = (name: string) => (new RegExp(`^--\\s*${name}:\\s*(.*)$`, 'm').exec(text)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { text: clean, line, character, expect: list('expect'), exclude: list('exclude') };
}
