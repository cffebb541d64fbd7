#!/usr/bin/env node
// A stand-in for the `code` executable that @vscode/test-electron's runTests spawns: it runs the extension's
// tests inside code-server's real Node extension host, with headless Chromium (playwright-core) as the
// workbench. Arguments are the ones runTests passes (`--extensionDevelopmentPath=`, `--extensionTestsPath=`,
// a folder to open); the exit code is the test runner's. See ../../../shared/reference/real-clients.md (B).
//
// Extra: while tests run, a log line `KUMO_BROWSER_CHECK <name> <resultFile> [<title>]` makes this driver inspect the
// page from the browser side (webview charts drawn on canvases, Problems panel), take a screenshot into the
// artifacts directory, and write what it saw to <resultFile>, which the test in the extension host awaits.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const argv = process.argv.slice(2);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const devPaths = argv.filter((a) => a.startsWith('--extensionDevelopmentPath=')).map((a) => a.slice('--extensionDevelopmentPath='.length));
const devPath = devPaths[0];
const testsPath = opt('extensionTestsPath');
const folder = argv.find((a) => !a.startsWith('-'));
const untrusted = process.env.KUMO_VSCODE_UNTRUSTED === '1';
const artifacts = resolve(process.env.KUMO_VSCODE_ARTIFACTS ?? join(here, '../../.test-artifacts/vscode'));
const timeoutMs = Number(process.env.KUMO_VSCODE_TIMEOUT_MS ?? 300000);
const chromiumPath = process.env.KUMO_CHROMIUM ?? '/usr/bin/chromium';
const log = (...a) => process.stdout.write(`[driver] ${format(...a)}\n`);

if (!devPath || !testsPath) {
  process.stderr.write('code-driver: needs --extensionDevelopmentPath= and --extensionTestsPath=\n');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

// Throwaway HOME/XDG dirs and a fresh user-data-dir: code-server writes config and logs there, and hot exit
// would otherwise carry unsaved edits from one run to the next.
const scratch = mkdtempSync(join(tmpdir(), 'kumo-vscode-'));
const userData = join(scratch, 'user-data');
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.enabled': true,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
}, null, 2));
writeFileSync(join(scratch, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
const env = {
  ...process.env,
  KUMO_VSCODE_DRIVER: '1',
  HOME: scratch, XDG_CONFIG_HOME: join(scratch, 'config'), XDG_DATA_HOME: join(scratch, 'data'), XDG_CACHE_HOME: join(scratch, 'cache'),
};

const csArgs = [
  require.resolve('code-server/out/node/entry.js'),
  '--config', join(scratch, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', join(scratch, 'extensions'),
  '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
  ...(untrusted ? [] : ['--disable-workspace-trust']),
];
const started = Date.now();
// KUMO_VSCODE_INSTALL=a.vsix[,b.vsix]: extensions installed into the fresh extensions dir first (offline).
for (const vsix of (process.env.KUMO_VSCODE_INSTALL ?? '').split(',').filter(Boolean)) {
  const r = spawnSync(process.execPath, [...csArgs, '--install-extension', vsix], { env, encoding: 'utf8' });
  log(`installed ${vsix}: exit ${r.status}`);
  if (r.status !== 0) process.stderr.write(`${r.stdout}${r.stderr}`);
}
// Its own process group, so the end of the run can stop code-server and everything it started.
const server = spawn(process.execPath, csArgs, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let serverLog = '';
const port = await new Promise((resolvePort, reject) => {
  const onData = (d) => {
    serverLog += d;
    const m = /HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(serverLog);
    if (m) resolvePort(Number(m[1]));
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.on('exit', (code) => reject(new Error(`code-server exited (${code}) before listening:\n${serverLog}`)));
  setTimeout(() => reject(new Error(`code-server did not listen within 30 s:\n${serverLog}`)), 30000);
});
log(`code-server on 127.0.0.1:${port} after ${Date.now() - started} ms (${untrusted ? 'workspace trust enabled, folder untrusted' : 'workspace trust disabled'})`);

const authority = `127.0.0.1:${port}`;
const remote = (p) => `vscode-remote://${authority}${resolve(p)}`;
const payload = [...devPaths.map((p) => ['extensionDevelopmentPath', remote(p)]), ['extensionTestsPath', remote(testsPath)], ['skipWelcome', 'true']];
const url = `http://${authority}/?${folder ? `folder=${encodeURIComponent(resolve(folder))}&` : ''}payload=${encodeURIComponent(JSON.stringify(payload))}`;

let browser;
let exitCode = 1;
const cspViolations = [];
try {
  browser = await chromium.launch({
    executablePath: chromiumPath, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Content Security Policy violations anywhere in the page (webviews included) are reported to the tests.
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/.test(msg.text())) cspViolations.push(msg.text().slice(0, 300));
  });
  let checks = Promise.resolve();
  let resolveExit;
  const done = new Promise((r) => { resolveExit = r; });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = format(...(Array.isArray(args) ? args : [args]));
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    const m = /KUMO_BROWSER_CHECK (\S+) (\S+)(?: (\S+))?/.exec(text);
    if (m) checks = checks.then(() => browserCheck(page, m[1], m[2], m[3] ? decodeURIComponent(m[3]) : ''));
  });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  log(`workbench loaded after ${Date.now() - started} ms`);
  exitCode = await Promise.race([done, new Promise((r) => setTimeout(() => { log(`timed out after ${timeoutMs} ms`); r(1); }, timeoutMs))]);
  await checks;
  await page.screenshot({ path: join(artifacts, `workbench-${untrusted ? 'untrusted' : 'trusted'}-end.png`) }).catch(() => {});
} catch (e) {
  log(`failed: ${e.stack ?? e}`);
  exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  await new Promise((r) => setTimeout(r, 1000));
  try { process.kill(-server.pid, 'SIGKILL'); } catch { /* all stopped */ }
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
}
log(`exit ${exitCode} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(exitCode);

/** Looks at the page from the browser: webview frames with drawn charts, the Problems panel; screenshot. */
async function browserCheck(page, name, resultFile, title) {
  const result = { name, webviews: [], problems: [], screenshot: join(artifacts, `${name}.png`), cspViolations };
  try {
    const deadline = Date.now() + 20000;
    const frames = new Map();
    while (Date.now() < deadline) {
      result.webviews = [];
      frames.clear();
      for (const frame of page.frames()) {
        const info = await frame.evaluate(() => {
          const rendered = document.body?.dataset?.rendered;
          if (rendered === undefined) return undefined;
          const canvases = [...document.querySelectorAll('canvas')].map((c) => {
            let painted = 0;
            try {
              const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
            } catch { painted = -1; }
            return { id: c.id, width: c.width, height: c.height, painted };
          });
          return {
            title: document.querySelector('h1')?.textContent ?? '', rendered: Number(rendered), canvases, bodyClass: document.body.className,
            cspViolations: JSON.parse(document.body.dataset.cspViolations ?? '[]'),
            csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
          };
        }).catch(() => undefined);
        if (info) {
          result.webviews.push(info);
          frames.set(info.title, frame);
        }
      }
      result.problems = await page.$$eval('.markers-panel .monaco-list-row', (rows) => rows.map((r) => r.textContent ?? '')).catch(() => []);
      result.toasts = await page.$$eval('.notifications-toasts .notification-toast', (ts) => ts.map((t) => t.textContent ?? '')).catch(() => []);
      if (name.startsWith('toast') && result.toasts.some((t) => t.includes(title))) break;
      result.quickPick = await page.$$eval('.quick-input-widget .monaco-list-row', (rows) => rows.map((r) => r.textContent ?? '')).catch(() => []);
      if (name.startsWith('form') && result.quickPick.length) break;
      if (name.startsWith('form')) { await page.waitForTimeout(300); continue; }
      result.kumoView = await page.$$eval('.pane', (panes) => panes
        .filter((p) => /KumoMTA/i.test(p.querySelector('.pane-header')?.textContent ?? ''))
        .flatMap((p) => [...p.querySelectorAll('.monaco-list-row')].map((r) => r.textContent ?? ''))).catch(() => []);
      if (name.startsWith('view') && result.kumoView.some((t) => t.includes(title))) break;
      if (name.startsWith('view')) { await page.waitForTimeout(300); continue; }
      if (name.startsWith('toast')) { await page.waitForTimeout(300); continue; }
      if (name.startsWith('problems') ? result.problems.length > 0 : result.webviews.some((w) => w.title.includes(title.split('|')[0]) && w.bodyClass.includes(title.split('|')[1] ?? '') && w.canvases.some((c) => c.painted > 0))) break;
      await page.waitForTimeout(300);
    }
    // `csp-…` checks prove the policy is enforced: an injected inline script must not run.
    if (name.startsWith('csp-')) {
      const frame = [...frames.entries()].find(([t]) => t.includes(title.split('|')[0]))?.[1];
      result.inlineScriptRan = await frame?.evaluate(async () => {
        const el = document.createElement('script');
        el.textContent = 'window.__kumoInline = 1';
        document.body.appendChild(el);
        await new Promise((r) => setTimeout(r, 200));
        return window.__kumoInline === 1;
      }).catch((e) => String(e));
    }
    // `click-…` checks click the first file:line link of the event trace, as a user would.
    if (name.startsWith('click-')) {
      const frame = [...frames.entries()].find(([t]) => t.includes(title.split('|')[0]))?.[1];
      if (frame) {
        result.clicked = await frame.$eval('ol.trace a', (a) => a.textContent).catch(() => undefined);
        await frame.click('ol.trace a').catch((e) => { result.error = String(e); });
      }
    }
    await page.waitForTimeout(500);
    await page.screenshot({ path: result.screenshot });
  } catch (e) {
    result.error = String(e?.stack ?? e);
  }
  writeFileSync(resultFile, JSON.stringify(result, null, 2));
  log(`browser check ${name}: ${result.webviews.length} webview(s), ${result.problems.length} problem row(s) -> ${result.screenshot}`);
}
