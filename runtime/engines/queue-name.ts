/**
 * Scheduled queue names, as kumod builds and parses them.
 *
 * Source: KumoCorp/kumomta crates/message/src/queue_name.rs (`QueueNameComponents::format`, `parse`)
 * and crates/message/src/message.rs (`get_queue_name`, `get_meta_string`).
 */

export interface QueueNameComponents {
  campaign: string | null;
  tenant: string | null;
  domain: string;
  routingDomain: string | null;
}

/** The special queue that discards whatever is assigned to it. */
export const NULL_QUEUE = 'null';

/** `campaign:tenant@domain!routing_domain`, with the parts that are absent left out exactly as kumod does. */
export function formatQueueName(c: QueueNameComponents): string {
  const rd = c.routingDomain === null ? '' : `!${c.routingDomain}`;
  if (c.campaign !== null) {
    // A campaign without a tenant still keeps the `:` (`campaign:@domain`).
    return c.tenant !== null ? `${c.campaign}:${c.tenant}@${c.domain}${rd}` : `${c.campaign}:@${c.domain}${rd}`;
  }
  return c.tenant !== null ? `${c.tenant}@${c.domain}${rd}` : `${c.domain}${rd}`;
}

function splitOnce(s: string, sep: string): [string, string] | null {
  const i = s.indexOf(sep);
  return i < 0 ? null : [s.slice(0, i), s.slice(i + sep.length)];
}

function crackDomain(d: string): [string, string | null] {
  const parts = splitOnce(d, '!');
  return parts === null ? [d, null] : parts;
}

/**
 * Parses a queue name the way kumod does: first `@`, then the first `:` of the prefix, then the first
 * `!` of the domain. Lossy by design: `campaign:@d` gives tenant `""`, and `a:b:c@d` gives tenant `b:c`.
 */
export function parseQueueName(name: string): QueueNameComponents {
  const at = splitOnce(name, '@');
  if (at === null) {
    const [domain, routingDomain] = crackDomain(name);
    return { campaign: null, tenant: null, domain, routingDomain };
  }
  const [prefix, rest] = at;
  const [domain, routingDomain] = crackDomain(rest);
  const colon = splitOnce(prefix, ':');
  if (colon === null) return { campaign: null, tenant: prefix, domain, routingDomain };
  return { campaign: colon[0], tenant: colon[1], domain, routingDomain };
}

export type QueueNameResult = { ok: true; name: string } | { ok: false; error: string };

/** kumod's `get_meta_string`: a string, null/absent (none), or an error for any other type. */
function metaString(meta: Readonly<Record<string, unknown>>, key: string): { ok: true; value: string | null } | { ok: false; error: string } {
  const v = Object.prototype.hasOwnProperty.call(meta, key) ? meta[key] : null;
  if (typeof v === 'string') return { ok: true, value: v };
  if (v === null || v === undefined) return { ok: true, value: null };
  return { ok: false, error: `expected '${key}' to be a string value, got ${JSON.stringify(v)}` };
}

/** The domain part of an envelope address (text after the last `@`), as given. */
export function addressDomain(address: string): string {
  const i = address.lastIndexOf('@');
  return i < 0 ? address : address.slice(i + 1);
}

/**
 * The queue a message lands in (`Message::get_queue_name`): meta `queue` verbatim when it is a string;
 * otherwise built from meta `campaign`, `tenant`, the first recipient's domain lower-cased, and meta
 * `routing_domain`. Meta values other than strings or null are errors, as in kumod.
 */
export function queueNameFromMeta(meta: Readonly<Record<string, unknown>>, firstRecipientDomain: string): QueueNameResult {
  const queue = metaString(meta, 'queue');
  if (!queue.ok) return queue;
  if (queue.value !== null) return { ok: true, name: queue.value };
  const campaign = metaString(meta, 'campaign');
  if (!campaign.ok) return campaign;
  const tenant = metaString(meta, 'tenant');
  if (!tenant.ok) return tenant;
  const routing = metaString(meta, 'routing_domain');
  if (!routing.ok) return routing;
  return {
    ok: true,
    name: formatQueueName({
      campaign: campaign.value,
      tenant: tenant.value,
      domain: firstRecipientDomain.toLowerCase(),
      routingDomain: routing.value,
    }),
  };
}

/** The `null` queue: messages assigned to it are discarded (black-holed at reception). */
export function isNullQueue(name: string): boolean {
  return name === NULL_QUEUE;
}

/** Queue names kumod reserves for its own internal traffic. */
export function isInternalQueue(name: string): boolean {
  return (
    name === 'generator.kumomta.internal' ||
    name === 'deferred_smtp_inject.kumomta.internal' ||
    name.endsWith('.xfer.kumomta.internal')
  );
}

/**
 * The domain used for routing (MX resolution, site name): the routing domain when set, else the domain
 * (`ReadyQueueManager::compute_queue_name`, crates/kumod/src/ready_queue.rs).
 */
export function routingDomainOf(name: string): string {
  const c = parseQueueName(name);
  return c.routingDomain ?? c.domain;
}
