/**
 * The native baseline the tailer benchmarks compare against: `zstd -dc FILES | lua5.4 SCRIPT` (lua-cjson),
 * timed, with the CPU time of both processes from the shell's `times`.
 */
import { spawn, spawnSync } from 'node:child_process';

/** Whether zstd, lua5.4 and lua-cjson are installed (Debian packages zstd lua5.4 lua-cjson). */
export function haveNativeLua(): boolean {
  const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  return ok('lua5.4', ['-e', 'require "cjson"']) && ok('zstd', ['--version']);
}

/** Runs the pipeline; `cpuMs` is undefined when `times` printed nothing readable. */
export function runNativeLua(files: string[], script: string): Promise<{ ms: number; cpuMs: number | undefined; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('bash', ['-c', `zstd -dc -- "$@" | lua5.4 "$0"; times >&2`, script, ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`zstd | lua5.4 pipeline exited ${code}: ${err}`));
      // `times` prints the shell's own and then its children's user/system times, e.g. "0m1.234s 0m0.100s"
      const lines = err.trim().split('\n');
      const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
      const cpuMs = m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : undefined;
      resolve({ ms: performance.now() - t0, cpuMs, out: out.trim() });
    });
  });
}
