// `npm run sample`: the tool's main jobs on the bundled sample data, one after the other.
// Log segments are generated into a fresh temporary directory (git cannot keep them read-only, which is
// how kumod marks a finished segment).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'bin/kumo-policy.js');
const logs = mkdtempSync(join(tmpdir(), 'kumo-sample-logs-'));
const policy = 'samples/policy/init.lua';

const steps = [
  ['the API catalog', ['catalog']],
  ['check the sample policy and tailer script', ['check', 'samples/policy', 'samples/scripts/summarize.lua']],
  ['where does a tenant-b message to gmail.com go?', ['simulate', policy, '--sender', 'news@example.com', '--recipient', 'user@gmail.com', '--meta', 'tenant=tenant-b', '--meta', 'campaign=welcome']],
  ['pool2 weighting (ip-2 weight 2, ip-3 weight 1)', ['pool', policy, 'pool2', '--picks', '12']],
  ['a simulated day of traffic', ['traffic', policy, '--scenario', 'samples/scenarios/day.json']],
  ['generate log segments', ['segments', 'generate', logs, '--records', '5000', '--segments', '3']],
  ['run a tailer script over them', ['tail', 'samples/scripts/summarize.lua', '--exit-when-caught-up', '--progress', '0', '--', logs]],
];

let failed = 0;
try {
  for (const [title, args] of steps) {
    process.stdout.write(`\n=== ${title}\n$ kumo-policy ${args.join(' ')}\n`);
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      process.stdout.write(`(exit status ${r.status})\n`);
    }
  }
} finally {
  rmSync(logs, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
