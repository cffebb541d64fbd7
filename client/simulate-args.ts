/** The Simulate Queue form and its `kumo-policy simulate` arguments (pure, tested). */

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

