/**
 * Where kumod's Lua finds modules on an installed system: shared by the VM (package.path, the
 * `policy-extras.*` searcher) and the language server (following `require` into the same files).
 */

/** KumoMTA's helper modules: `require 'policy-extras.NAME'` loads NAME.lua from here. */
export const DEFAULT_POLICY_EXTRAS_DIR = '/opt/kumomta/share/policy-extras';

/** kumod's own package.path prefixes, searched after the policy's folder and before Lua's defaults. */
export const KUMOD_PACKAGE_PATH = [
  '/opt/kumomta/share/?.lua',
  '/opt/kumomta/share/?/init.lua',
  '/opt/kumomta/etc/policy/?.lua',
  '/opt/kumomta/etc/policy/?/init.lua',
];
