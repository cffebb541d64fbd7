import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getCatalog } from '../catalog/catalog';
import { exportLuaLsDefinitions } from '../catalog/luals-export';
import { option, parseArgs, rejectUnknownOptions, UsageError } from './args';
import type { CliIo } from './io';

const USAGE = 'usage: kumo-policy export-luals DIR [--format text|json]\n';

/** The JSON printed with `--format json`; the editor's Export LuaLS Definitions command reads it. */
export interface ExportLuaLsResult {
  kind: 'export-luals';
  directory: string;
  files: { name: string; path: string; bytes: number }[];
}

/** `kumo-policy export-luals DIR`: writes LuaLS `---@meta` definition files of the catalog into DIR. */
export async function runExportLuaLsCommand(argv: string[], io: CliIo): Promise<number> {
  let format: string;
  let dir: string;
  try {
    const args = parseArgs(argv);
    rejectUnknownOptions(args, ['format']);
    format = option(args, 'format', ['text', 'json']) ?? 'text';
    if (args.positional.length !== 1) throw new UsageError('exactly one DIR');
    dir = resolve(args.positional[0]);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kumo-policy export-luals: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const result: ExportLuaLsResult = { kind: 'export-luals', directory: dir, files: [] };
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of exportLuaLsDefinitions(getCatalog())) {
      const path = join(dir, f.name);
      writeFileSync(path, f.text);
      result.files.push({ name: f.name, path, bytes: Buffer.byteLength(f.text) });
    }
  } catch (e) {
    io.err(`kumo-policy export-luals: cannot write to ${dir}: ${(e as Error).message}\n`);
    return 2;
  }
  if (format === 'json') io.out(JSON.stringify(result, null, 2) + '\n');
  else {
    io.out(`wrote ${result.files.length} LuaLS definition files to ${dir}\n`);
    for (const f of result.files) io.out(`  ${f.name} (${f.bytes} bytes)\n`);
    io.out(`add "${dir}" to Lua.workspace.library in your LuaLS settings\n`);
  }
  return 0;
}
