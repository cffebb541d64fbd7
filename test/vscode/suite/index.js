// Test runner loaded by VS Code's extension host (extensionTestsPath): runs the mocha suites for the mode in
// KUMO_VSCODE_MODE (trusted | untrusted) and writes a results file (KUMO_VSCODE_RESULTS), which does not
// depend on log forwarding. Plain CommonJS so it needs no build step and no types in the main tsconfig.
const path = require('node:path');
const fs = require('node:fs');
const Mocha = require('mocha');

exports.run = function run() {
  const mode = process.env.KUMO_VSCODE_MODE || 'trusted';
  const mocha = new Mocha({ ui: 'bdd', timeout: 90000, color: false, reporter: 'spec' });
  const files = { untrusted: ['untrusted.test.js'], sumneko: ['coexist.test.js'] }[mode] ?? ['extension.test.js'];
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const results = { mode, passed: 0, failed: 0, pending: 0, failures: [], tests: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const out = process.env.KUMO_VSCODE_RESULTS;
      if (out) fs.writeFileSync(out, JSON.stringify(results, null, 2));
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => { results.passed++; results.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }); });
    runner.on('pending', (t) => { results.pending++; results.tests.push({ title: t.fullTitle(), state: 'pending' }); });
    runner.on('fail', (t, err) => {
      results.failed++;
      results.failures.push({ title: t.fullTitle(), error: String(err && err.stack || err) });
      results.tests.push({ title: t.fullTitle(), state: 'failed' });
    });
  });
};
