#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI itself is bundled by scripts/build.mjs into dist/cli.js.
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('kumo-policy: dist/cli.js is missing; run `npm run build` first.\n');
  process.exit(2);
}
require('./code-cache').enableCodeCache(path.join(__dirname, '..') + path.sep);
require(bundle).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`kumo-policy: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 2; },
);
