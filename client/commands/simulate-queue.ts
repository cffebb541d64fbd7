import * as vscode from 'vscode';
import { failure } from '../cli';
import { requireTrust } from '../trust';
import { CommandContext, cwdFor, resolvePolicy } from './context';

/** The form's fields; remembered per workspace between runs. */
export interface SimulateForm {
  sender: string;
  recipient: string;
  tenant: string;
  campaign: string;
  routing_domain: string;
  /** Extra meta as `key=value` pairs separated by commas. */
  meta: string;
}

const STATE_KEY = 'kumomta.simulateQueue.form';
const DEFAULTS: SimulateForm = { sender: 'sender@example.com', recipient: 'recipient@example.com', tenant: '', campaign: '', routing_domain: '', meta: '' };
const LABELS: Record<keyof SimulateForm, string> = { sender: 'Sender', recipient: 'Recipient', tenant: 'Tenant', campaign: 'Campaign', routing_domain: 'Routing domain', meta: 'Extra meta (k=v, k2=v2)' };

/** The CLI arguments for a form: `simulate POLICY --sender S --recipient R --meta k=v ... --format json`. */
export function simulateArgs(policy: string, f: SimulateForm): string[] {
  const args = ['simulate', policy, '--sender', f.sender, '--recipient', f.recipient];
  const meta: [string, string][] = [];
  if (f.tenant) meta.push(['tenant', f.tenant]);
  if (f.campaign) meta.push(['campaign', f.campaign]);
  if (f.routing_domain) meta.push(['routing_domain', f.routing_domain]);
  for (const pair of f.meta.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq > 0) meta.push([pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]);
  }
  for (const [k, v] of meta) args.push('--meta', `${k}=${v}`);
  args.push('--format', 'json');
  return args;
}

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
  return async (uri?: vscode.Uri, formArg?: Partial<SimulateForm>): Promise<unknown> => {
    if (!(await requireTrust('Simulate Queue for Message'))) return undefined;
    const sub = await ctx.cli.require('Simulate Queue for Message', ['simulate']);
    if (!sub) return undefined;
    const policy = await resolvePolicy(ctx, uri, 'Simulate Queue for Message');
    if (!policy) return undefined;
    const remembered = { ...DEFAULTS, ...ctx.extension.workspaceState.get<SimulateForm>(STATE_KEY) };
    const form = formArg ? { ...remembered, ...formArg } : await editForm(remembered);
    if (!form) return undefined;
    await ctx.extension.workspaceState.update(STATE_KEY, form);
    const run = await ctx.cli.run('Simulating queue', simulateArgs(policy.fsPath, form), { cwd: cwdFor(policy) });
    if (!run) return undefined;
    if (ctx.cli.reportFailure('Simulate Queue for Message', run)) return failure(run);
    ctx.panels.show('simulate', run.json, undefined, vscode.Uri.joinPath(policy, '..'));
    return run.json;
  };
}
