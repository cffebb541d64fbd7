-- A small but complete KumoMTA policy used by the quick start, the tests and the benchmarks.
-- Two tenants send through their own egress pools; ip-3 is warming up, so pool2 uses it half as often.
local kumo = require 'kumo'

kumo.on('init', function()
  kumo.define_spool {
    name = 'data',
    path = '/var/spool/kumomta/data',
  }
  kumo.define_spool {
    name = 'meta',
    path = '/var/spool/kumomta/meta',
  }
  kumo.configure_local_logs {
    log_dir = '/var/log/kumomta',
    max_segment_duration = '1 minute',
  }
  kumo.start_esmtp_listener {
    listen = '0.0.0.0:25',
    hostname = 'mail.example.com',
    relay_hosts = { '127.0.0.1', '10.0.0.0/8' },
  }
  kumo.start_http_listener {
    listen = '127.0.0.1:8000',
  }
end)

local SOURCES = {
  ['ip-1'] = { source_address = '10.0.0.1', ehlo_domain = 'mta1.example.com' },
  ['ip-2'] = { source_address = '10.0.0.2', ehlo_domain = 'mta2.example.com' },
  ['ip-3'] = { source_address = '10.0.0.3', ehlo_domain = 'mta3.example.com' },
}

kumo.on('get_egress_source', function(source_name)
  local params = SOURCES[source_name]
  return kumo.make_egress_source {
    name = source_name,
    source_address = params.source_address,
    ehlo_domain = params.ehlo_domain,
  }
end)

local POOLS = {
  pool1 = { { name = 'ip-1' } },
  pool2 = {
    { name = 'ip-2', weight = 2 },
    -- warming up: half the traffic of ip-2
    { name = 'ip-3', weight = 1 },
  },
}

kumo.on('get_egress_pool', function(pool_name)
  return kumo.make_egress_pool {
    name = pool_name,
    entries = POOLS[pool_name],
  }
end)

local TENANT_TO_POOL = {
  ['tenant-a'] = 'pool1',
  ['tenant-b'] = 'pool2',
}

kumo.on('smtp_server_message_received', function(msg)
  -- The tenant comes from a header the injector sets; the campaign from another.
  local tenant = msg:get_first_named_header_value 'X-Tenant'
  if tenant then
    msg:set_meta('tenant', tenant)
  end
  local campaign = msg:get_first_named_header_value 'X-Campaign'
  if campaign then
    msg:set_meta('campaign', campaign)
  end
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = TENANT_TO_POOL[tenant],
    retry_interval = '10 minutes',
    max_retry_interval = '2 hours',
    max_age = '3 days',
    max_message_rate = '1,000/h',
  }
end)

kumo.on('get_egress_path_config', function(routing_domain, egress_source, site_name)
  local params = {
    connection_limit = 10,
    max_message_rate = '500/min',
    max_deliveries_per_connection = 100,
  }
  if egress_source == 'ip-3' then
    -- still warming up
    params.max_message_rate = '100/h'
    params.connection_limit = 2
  end
  return kumo.make_egress_path(params)
end)
