import * as vscode from 'vscode';

/**
 * Workspace Trust gate for commands that run the policy's Lua code. In an untrusted workspace it explains
 * why the command is disabled and offers to manage trust; completion and diagnostics keep working.
 */
export async function requireTrust(feature: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  lastTrustRefusal = `KumoMTA: ${feature} is disabled because this workspace is not trusted. It runs the policy's Lua code (event handlers, tailer scripts), which could do anything your user can. Completion, hover and diagnostics still work.`;
  void vscode.window
    .showWarningMessage(lastTrustRefusal, manage)
    .then((choice) => {
      if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

/** The last refusal message shown (read by the integration tests). */
export let lastTrustRefusal: string | undefined;

/** The message shown, exported so tests and the status tooltip use the same words. */
export const UNTRUSTED_SUMMARY = 'Untrusted workspace: simulations, tailer scripts and dead-letter replay are disabled (they run policy code).';
