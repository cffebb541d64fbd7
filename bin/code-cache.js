'use strict';
// V8 code cache for the CLI's JavaScript (the bundle and the packages it loads), so that every
// `kumo-policy` process the editor starts does not compile the same megabytes of JavaScript again.
// Node 20 has no built-in module compile cache (module.enableCompileCache arrived in Node 22), so this
// wraps Module.prototype._compile the way such caches do: compile through vm.Script with the cached data,
// and at exit store the code cache of scripts that had none. The cache is created after the command ran,
// so it also holds the functions V8 compiled lazily while running, which is most of the saving.
//
// Entries are keyed by file, size, mtime, Node version and architecture; V8 itself rejects data that
// does not match the source. Any failure falls back to Node's own compilation: the cache only saves time.
// KUMO_POLICY_CODE_CACHE=0 turns it off; it lives in v8/ under the cache root (cache-dir.js), beside the
// runtime's compiled Lua chunks.
const Module = require('module');
const vm = require('vm');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { cacheRoot, pruneOldest } = require('./cache-dir');

/** Entries kept: several builds of the CLI and its packages (each build has its own entries). */
const MAX_ENTRIES = 1000;

function cacheDir(env) {
  return path.join(cacheRoot(env), 'v8');
}

/** Installs the hook for .js files under `root`; returns the directory used, or undefined when off. */
function enableCodeCache(root, env = process.env) {
  if (env.KUMO_POLICY_CODE_CACHE === '0' || typeof vm.Script.prototype.createCachedData !== 'function') return undefined;
  const dir = cacheDir(env);
  const pending = [];
  const original = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    if (!filename.startsWith(root) || !filename.endsWith('.js')) return original.call(this, content, filename);
    let file;
    let cachedData;
    try {
      const st = fs.statSync(filename);
      const key = crypto.createHash('sha1')
        .update(`${filename}\0${st.size}\0${st.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex');
      file = path.join(dir, key);
      if (fs.existsSync(file)) cachedData = fs.readFileSync(file);
    } catch {
      return original.call(this, content, filename);
    }
    let script;
    try {
      script = new vm.Script(Module.wrap(content), { filename, cachedData });
    } catch {
      // A syntax error: let Node report it the usual way.
      return original.call(this, content, filename);
    }
    if (!cachedData || script.cachedDataRejected) pending.push({ script, file });
    const mod = this;
    const req = (id) => mod.require(id);
    req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    req.main = process.mainModule;
    req.extensions = Module._extensions;
    req.cache = Module._cache;
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(mod.exports, mod.exports, req, mod, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    if (pending.length === 0) return;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const { script, file } of pending) {
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, file);
      }
      pruneOldest(dir, MAX_ENTRIES, MAX_ENTRIES);
    } catch {
      // A read-only or full disk costs only speed.
    }
  });
  return dir;
}

module.exports = { enableCodeCache, cacheDir };
