'use strict';
// Where Kumo Policy Studio keeps its caches (the launcher's V8 code cache and the runtime's compiled Lua
// chunks) and how they are kept bounded. Plain JavaScript because the launcher loads it before any bundle;
// the runtime imports it too (bin/cache-dir.d.ts), so the location is stated once.
const fs = require('fs');
const os = require('os');
const path = require('path');

/** KUMO_POLICY_CACHE_DIR, else $XDG_CACHE_HOME (or ~/.cache)/kumo-policy-studio. */
function cacheRoot(env = process.env) {
  if (env.KUMO_POLICY_CACHE_DIR) return env.KUMO_POLICY_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'kumo-policy-studio');
}

/** When `dir` holds more than `max` entries, removes the least recently written down to `keep`. */
function pruneOldest(dir, max, keep) {
  const names = fs.readdirSync(dir);
  if (names.length <= max) return;
  const aged = names.map((n) => {
    try {
      return { n, t: fs.statSync(path.join(dir, n)).mtimeMs };
    } catch {
      return { n, t: 0 }; // removed meanwhile by another process
    }
  });
  aged.sort((a, b) => a.t - b.t);
  for (const { n } of aged.slice(0, names.length - keep)) fs.rmSync(path.join(dir, n), { force: true });
}

module.exports = { cacheRoot, pruneOldest };
