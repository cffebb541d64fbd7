/**
 * Inline markers for fixtures.
 * Diagnostics: a comment line `--   ^^^^ code` marks, on the nearest line above that is not a marker, the
 * columns under the carets; `--@ code START END` gives the columns explicitly (for tokens in columns 0-1).
 * `-- target-version: V` on any line sets kumomta.targetVersion.
 * Completion: `$0` is the cursor (removed from the text); `-- expect: a, b` and `-- exclude: c` list labels.
 * Several files: a line `-- file: NAME` starts another file, NAME relative to the main file's folder (the main
 * file is everything before the first such line; markers and `$0` belong to it). Files under `policy-extras/`
 * are found through kumomta.policyExtrasPath set to that folder.
 */
export interface ExpectedDiagnostic {
  code: string;
  line: number;
  start: number;
  end: number;
}

export interface FixtureFile {
  name: string;
  text: string;
}

/** Splits a fixture at its `-- file: NAME` lines. */
export function splitFixture(text: string): { main: string; files: FixtureFile[] } {
  const parts = text.split(/^-- file: (\S+)[ \t]*\r?\n/m);
  const files: FixtureFile[] = [];
  for (let i = 1; i + 1 < parts.length; i += 2) files.push({ name: parts[i], text: parts[i + 1] });
  return { main: parts[0], files };
}

/** The fixture's other files as a FileSystem under `dir` (the main file's folder). */
export function fixtureFileSystem(dir: string, files: FixtureFile[]): { readFile(path: string): string | undefined } {
  const byPath = new Map(files.map((f) => [`${dir}/${f.name}`, f.text]));
  return { readFile: (p) => byPath.get(p) };
}

export function parseDiagnosticMarkers(fixture: string): { expected: ExpectedDiagnostic[]; targetVersion?: string; main: string; files: FixtureFile[] } {
  const { main: text, files } = splitFixture(fixture);
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
  return target ? { expected, targetVersion: target, main: text, files } : { expected, main: text, files };
}

export function parseCompletionMarkers(fixture: string): { text: string; line: number; character: number; expect: string[]; exclude: string[]; files: FixtureFile[] } {
  const { main: text, files } = splitFixture(fixture);
  const idx = text.indexOf('$0');
  if (idx < 0) throw new Error('fixture has no $0 cursor');
  const clean = text.slice(0, idx) + text.slice(idx + 2);
  const before = clean.slice(0, idx);
  const line = before.split('\n').length - 1;
  const character = idx - (before.lastIndexOf('\n') + 1);
  const list = (name: string) => (new RegExp(`^--\\s*${name}:\\s*(.*)$`, 'm').exec(text)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { text: clean, line, character, expect: list('expect'), exclude: list('exclude'), files };
}
