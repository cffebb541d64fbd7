/**
 * Formerly installed fallbacks for `kumo.serde.json_*`, `kumo.json_*`, `kumo.time.now` and `kumo.http.build_client`
 * when the VM still stubbed them as "not available in the simulator". The VM now implements all of them
 * (runtime/vm/kumo/serde.ts, time.ts, http.ts, registered by kumo/all.ts), so tailer scripts use the VM's own
 * implementations and there is nothing left to install.
 *
 * `installMissingScriptSupport` stays as a no-op for its callers (runtime/cli/tail-command.ts, bench/tail.ts,
 * test/tailer/helpers.ts); it returns the names it installed, which is now always none.
 */
import type { PolicyEngine } from '../vm/engine';

export function installMissingScriptSupport(_engine: PolicyEngine): string[] {
  return [];
}
