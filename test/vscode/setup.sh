#!/usr/bin/env bash
# Installs the real-VS-Code test harness (code-server 4.100.3, playwright-core, @vscode/test-electron, mocha, vsce)
# into test/vscode/node_modules, offline-safe except for the npm registry. Needs apt packages chromium,
# libkrb5-dev and ripgrep (see .ci/apt-packages.txt). Workarounds from ../shared/reference/real-clients.md:
#   1. code-server's postinstall refuses root without npm_config_unsafe_perm=true;
#   2. kerberos builds from source (libkrb5-dev);
#   3. @vscode/ripgrep downloads from GitHub unless its cache holds a tarball: we seed it with Debian's rg;
#   4. node-pty's postinstall runs npx node-gyp, which needs npm_config_yes=true without a TTY.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/rg ]; then echo "test/vscode/setup.sh: /usr/bin/rg missing (apt-get install ripgrep)" >&2; exit 1; fi
cache_tmp="${KUMO_HARNESS_TMP:-$PWD/.cache/tmp}"
rg_cache="$cache_tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rg_cache/stage"
if [ ! -f "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
  cp /usr/bin/rg "$rg_cache/stage/rg"
  tar -C "$rg_cache/stage" -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
fi
export TMPDIR="$cache_tmp" npm_config_unsafe_perm=true npm_config_yes=true
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
