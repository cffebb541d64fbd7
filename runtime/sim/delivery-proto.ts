/**
 * What a queue config's `protocol` means for routing (kumod crates/kumod/src/ready_queue.rs
 * `compute_queue_name`, queue/delivery_proto.rs `ready_queue_name`, smtp_dispatcher.rs `label`): SMTP
 * resolves MX for the site name unless `mx_list` is given (`mx_list:` + labels, an `{name, addr}` entry
 * labelled by its address); other protocols use the routing domain as the site.
 */
import { mxListSiteName } from '../engines/site-name';

export type DeliveryRoute =
  /** SMTP through MX resolution of the routing domain. */
  | { kind: 'mx'; proto: string }
  /** The site name is fixed by the config. */
  | { kind: 'fixed'; siteName: string; proto: string; note?: string };

export function deliveryRoute(protocol: unknown, routingDomain: string): DeliveryRoute {
  if (protocol === null || protocol === undefined) return { kind: 'mx', proto: 'smtp_client' };
  if (typeof protocol === 'string') {
    if (protocol === 'Null') return { kind: 'fixed', siteName: routingDomain, proto: 'null' };
    if (protocol === 'DeferredSmtpInjection') return { kind: 'fixed', siteName: routingDomain, proto: 'defersmtpinject' };
    if (protocol === 'HttpInjectionGenerator') return { kind: 'fixed', siteName: routingDomain, proto: 'httpinject:generator' };
    return { kind: 'mx', proto: 'smtp_client' };
  }
  const p = protocol as Record<string, unknown>;
  if (p.smtp && typeof p.smtp === 'object') {
    const raw = (p.smtp as { mx_list?: unknown }).mx_list;
    const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : [];
    if (list.length === 0) return { kind: 'mx', proto: 'smtp_client' };
    const labels = list.map((e) => (typeof e === 'string' ? e : e && typeof e === 'object' ? String((e as { addr?: unknown; name?: unknown }).addr ?? (e as { name?: unknown }).name) : String(e)));
    return { kind: 'fixed', siteName: mxListSiteName(labels), proto: 'smtp_client', note: 'the queue config gives protocol.smtp.mx_list: kumod skips MX resolution and names the site after the list' };
  }
  if (typeof p.maildir_path === 'string') return { kind: 'fixed', siteName: routingDomain, proto: `maildir:${p.maildir_path}`, note: 'maildir delivery: the site name is the routing domain' };
  if (p.custom_lua && typeof p.custom_lua === 'object') {
    const c = String((p.custom_lua as { constructor?: unknown }).constructor);
    return { kind: 'fixed', siteName: routingDomain, proto: `lua:${c}`, note: `custom Lua delivery through '${c}': the site name is the routing domain` };
  }
  if (p.xfer) return { kind: 'fixed', siteName: routingDomain, proto: 'xfer' };
  return { kind: 'mx', proto: 'smtp_client' };
}
