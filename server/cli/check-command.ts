/** `kumo-policy check`: the language server's diagnostics for files and folders, as text, JSON or SARIF. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isVersion } from '../../runtime/catalog/versions';
import { option, parseArgs, rejectUnknownOptions, UsageError } from '../../runtime/cli/args';
import type { CliIo } from '../../runtime/cli/io';
import { diagnosticCodes } from '../analysis/codes';
import { AnalysisService, DEFAULT_POLICY_EXTRAS_DIR } from '../analysis/service';
import type { AnalysisSettings, Diagnostic } from '../analysis/types';

export interface CheckFinding {
  file: string;
  range: Diagnostic['range'];
  severity: Diagnostic['severity'];
  code: string;
  message: string;
}

const USAGE = `usage: kumo-policy check [--format text|json|sarif] [--target-version V] [--policy-extras DIR] PATH...
       kumo-policy check --list-codes [--format text|json|markdown]
  --policy-extras DIR  where require 'policy-extras.NAME' finds NAME.lua, KumoMTA's shipped helpers (default:
                       ${DEFAULT_POLICY_EXTRAS_DIR} when it exists); their members are checked
`;

/** The diagnostic code table as markdown: the same text as server/DIAGNOSTICS.md (a test keeps them equal). */
export function diagnosticCodesMarkdown(): string {
  const rows = [...diagnosticCodes.values()].map((c) => `| \`${c.code}\` | ${c.group} | ${c.severity} | ${c.summary} |`);
  return [
    '# Diagnostic codes', '',
    'Generated from server/analysis/codes.ts (`kumo-policy check --list-codes --format markdown`). Each code has a',
    'fixture in test/fixtures/diagnostics/<code>.lua. Severities can be changed or turned off per code with the',
    '`kumomta.diagnostics.severity` setting.', '',
    '| code | group | default severity | meaning |', '| --- | --- | --- | --- |', ...rows, '',
  ].join('\n');
}

function collect(path: string, out: string[]): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const full = join(path, name);
      if (statSync(full).isDirectory() || name.endsWith('.lua')) collect(full, out);
    }
  } else out.push(path);
}

/**
 * Checks the given files (folders are searched for *.lua); every file of a folder is one policy.
 * `policyExtrasDir` is where `require 'policy-extras.NAME'` is followed (default: KumoMTA's install folder, when it exists).
 */
export function checkPaths(paths: string[], targetVersion?: string, policyExtrasDir?: string): CheckFinding[] {
  const files: string[] = [];
  for (const p of paths) collect(resolve(p), files);
  const svc = new AnalysisService({ readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } });
  const settings: AnalysisSettings = targetVersion ? { targetVersion } : {};
  const extras = policyExtrasDir !== undefined ? resolve(policyExtrasDir) : existsSync(DEFAULT_POLICY_EXTRAS_DIR) ? DEFAULT_POLICY_EXTRAS_DIR : undefined;
  if (extras) settings.policyExtrasPath = extras;
  svc.configure(settings);
  for (const f of files) svc.setDocument(f, readFileSync(f, 'utf8'));
  const findings: CheckFinding[] = [];
  for (const f of files) {
    for (const d of svc.diagnostics(f)) {
      findings.push({ file: relative(process.cwd(), f) || f, range: d.range, severity: d.severity, code: d.code, message: d.message });
    }
  }
  return findings;
}

function sarif(findings: CheckFinding[]): unknown {
  const level = (s: string) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: { driver: { name: 'kumo-policy', rules: [...diagnosticCodes.values()].map((c) => ({ id: c.code, shortDescription: { text: c.summary }, defaultConfiguration: { level: level(c.severity) } })) } },
      results: findings.map((f) => ({
        ruleId: f.code, level: level(f.severity), message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: f.file.split('\\').join('/') }, region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 } } }],
      })),
    }],
  };
}

export async function runCheckCommand(argv: string[], io: CliIo): Promise<number> {
  let format: string;
  let target: string | undefined;
  let extras: string | undefined;
  let paths: string[];
  try {
    const args = parseArgs(argv, new Set(['help', 'list-codes']));
    if (args.options.has('help')) {
      io.out(USAGE);
      return 0;
    }
    rejectUnknownOptions(args, ['format', 'target-version', 'policy-extras', 'help', 'list-codes']);
    if (args.options.has('list-codes')) {
      const f = option(args, 'format', ['text', 'json', 'markdown']) ?? 'text';
      if (f === 'json') io.out(JSON.stringify([...diagnosticCodes.values()], null, 2) + '\n');
      else if (f === 'markdown') io.out(diagnosticCodesMarkdown());
      else for (const c of diagnosticCodes.values()) io.out(`${c.code.padEnd(30)} ${c.severity.padEnd(12)} ${c.summary}\n`);
      return 0;
    }
    format = option(args, 'format', ['text', 'json', 'sarif']) ?? 'text';
    target = option(args, 'target-version');
    if (target !== undefined && !isVersion(target)) throw new UsageError(`--target-version must look like 2024.09.02-c5476b89 or dev (got '${target}')`);
    extras = option(args, 'policy-extras');
    if (extras !== undefined && !(existsSync(extras) && statSync(extras).isDirectory())) throw new UsageError(`--policy-extras: ${extras} is not a directory`);
    paths = args.positional;
    if (!paths.length) throw new UsageError('no PATH given');
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kumo-policy check: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  let findings: CheckFinding[];
  try {
    findings = checkPaths(paths, target, extras);
  } catch (e) {
    io.err(`kumo-policy check: ${(e as Error).message}\n`);
    return 2;
  }
  if (format === 'json') io.out(JSON.stringify(findings, null, 2) + '\n');
  else if (format === 'sarif') io.out(JSON.stringify(sarif(findings), null, 2) + '\n');
  else {
    for (const f of findings) io.out(`${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} [${f.code}] ${f.message}\n`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    io.err(`${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} other finding${findings.length - errors === 1 ? '' : 's'}\n`);
  }
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
