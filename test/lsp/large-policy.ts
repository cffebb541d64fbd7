/** A large synthetic policy built from realistic handler blocks (bench and robustness tests). */

const BLOCK = (i: number) => `
local function queue_for_${i}(domain, tenant)
  local rate = '${100 + i}/h'
  if tenant == 'bulk-${i}' then
    return kumo.make_queue_config {
      egress_pool = 'pool-${i % 7}',
      retry_interval = '${(i % 50) + 1} minutes',
      max_age = '3 days',
      max_message_rate = rate,
      strategy = 'SingletonTimerWheel',
    }
  end
  return kumo.make_queue_config { egress_pool = 'pool-${i % 7}', retry_interval = '20m' }
end

local function source_${i}(name)
  return kumo.make_egress_source {
    name = name,
    source_address = '10.0.${i % 250}.${(i * 7) % 250}',
    ehlo_domain = 'mta${i}.example.com',
  }
end

local function inspect_${i}(msg)
  local sender = msg:sender()
  local tenant = msg:get_meta('tenant')
  if not tenant then
    msg:set_meta('tenant', 'default-${i}')
  end
  local limit = ${i % 10} + 1
  for n = 1, limit do
    tenant = tenant .. tostring(n)
  end
  return sender, tenant
end
`;

/** A policy of about `lines` lines: init, handlers, and many helper blocks. */
export function largePolicy(lines = 5000): string {
  const head = [
    "local kumo = require 'kumo'",
    '',
    "kumo.on('init', function()",
    "  kumo.start_esmtp_listener { listen = '0.0.0.0:25', relay_hosts = { '127.0.0.1', '10.0.0.0/8' } }",
    "  kumo.configure_local_logs { log_dir = '/var/log/kumomta', max_segment_duration = '1 minute' }",
    "  kumo.define_spool { name = 'data', path = '/var/spool/kumomta/data' }",
    'end)',
  ].join('\n');
  const parts = [head];
  let count = head.split('\n').length;
  for (let i = 0; count < lines - 30; i++) {
    const b = BLOCK(i);
    parts.push(b);
    count += b.split('\n').length - 1;
  }
  parts.push(`
kumo.on('get_egress_pool', function(pool_name)
  return kumo.make_egress_pool { name = pool_name, entries = { { name = 'ip-1' }, { name = 'ip-2', weight = 2 } } }
end)
kumo.on('get_egress_source', function(source_name)
  return source_0(source_name)
end)
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return queue_for_0(domain, tenant)
end)
kumo.on('smtp_server_message_received', function(msg)
  inspect_0(msg)
  -- EDIT HERE
end)
`);
  return parts.join('\n');
}
