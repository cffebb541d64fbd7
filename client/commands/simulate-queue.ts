import * as vscode from 'vscode';
import { failure } from '../cli';
import { requireTrust } from '../trust';
import { isViewItemArg, ViewItemArg } from '../policy-view';
import { SimulateForm, simulateArgs } from '../simulate-args';
import { CommandContext, cwdFor, resolvePolicy, runtimeOptions } from './context';

const STATE_KEY = 'kumomta.simulateQueue.form';
const DEFAULTS: SimulateForm = { sender: 'sender@example.com', recipient: 'recipient@example.com', tenant: '', campaign: '', routing_domain: '', meta: '' };
const LABELS: Record<keyof SimulateForm, string> = { sender: 'Sender', recipient: 'Recipient', tenant: 'Tenant', campaign: 'Campaign', routing_domain: 'Routing domain', meta: 'Extra meta (k=v, k2=v2)' };

/** A quick-pick form: each field shows its value; pick one to edit it, or Run. Returns undefined on Escape. */
async function editForm(initial: SimulateForm): Promise<SimulateForm | undefined> {
  const form = { ...initial };
  for (;;) {
    type Item = vscode.QuickPickItem & { key?: keyof SimulateForm; run?: boolean };
    const items: Item[] = [
      { label: '$(play) Simulate', description: `${form.sender} → ${form.recipient}`, run: true },
      ...(Object.keys(LABELS) as (keyof SimulateForm)[]).map((key) => ({ label: LABELS[key], description: form[key] || '(empty)', key })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'KumoMTA: Simulate Queue for Message', placeHolder: 'Edit a field, or pick Simulate' });
    if (!picked) return undefined;
    if (picked.run) return form;
    const key = picked.key!;
    const value = await vscode.window.showInputBox({
      title: LABELS[key], value: form[key],
      validateInput: (v) => ((key === 'sender' || key === 'recipient') && !/^[^@\s]*@[^@\s]+$/.test(v) ? 'An address like user@example.com' : undefined),
    });
    if (value !== undefined) form[key] = value.trim();
  }
}

/** Command: `kumomta.simulateQueue [uri] [form]`; arguments make it scriptable (tests, keybindings). */
export function simulateQueue(ctx: CommandContext) {
  return async (uriOrItem?: vscode.Uri | ViewItemArg, formArg?: Partial<SimulateForm>): Promise<unknown> => {
    const uri = isViewItemArg(uriOrItem) ? uriOrItem.uri : uriOrItem;
    if (!(await requireTrust('Simulate Queue for Message'))) return undefined;
    const sub = await ctx.cli.require('Simulate Queue for Message', ['simulate']);
    if (!sub) return undefined;
    const policy = await resolvePolicy(ctx, uri, 'Simulate Queue for Message');
    if (!policy) return undefined;
    const remembered = { ...DEFAULTS, ...ctx.extension.workspaceState.get<SimulateForm>(STATE_KEY) };
    const form = formArg ? { ...remembered, ...formArg } : await editForm(remembered);
    if (!form) return undefined;
    await ctx.extension.workspaceState.update(STATE_KEY, form);
    const run = await ctx.cli.run('Simulating queue', [...simulateArgs(policy.fsPath, form), ...runtimeOptions(true)], { cwd: cwdFor(policy) });
    if (!run) return undefined;
    if (ctx.cli.reportFailure('Simulate Queue for Message', run)) return failure(run);
    ctx.panels.show('simulate', run.json, undefined, vscode.Uri.joinPath(policy, '..'));
    return run.json;
  };
}
