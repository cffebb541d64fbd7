/** Helpers for the runtime's tests: temp policy files and an engine that captures output and logs. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PolicyEngine, EngineOptions } from './engine';

/** Writes `files` (relative path -> content) into a new temp dir; returns the dir. */
export function tempPolicy(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kumo-vm-'));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

export interface Captured {
  engine: PolicyEngine;
  out: string[];
  logs: string[];
}

export function capturingEngine(dir: string, opts: EngineOptions = {}): Captured {
  const out: string[] = [];
  const logs: string[] = [];
  const engine = new PolicyEngine({
    policyDir: dir,
    output: (t) => out.push(t),
    log: (level, m) => logs.push(`${level}: ${m}`),
    ...opts,
  });
  return { engine, out, logs };
}

/** Lines printed so far, joined. */
export function printed(c: Captured): string {
  return c.out.join('');
}
