-- Summarize a directory of KumoMTA log segments: deliveries per egress pool and source, failures per kind.
-- Run with: kumo-policy tail samples/scripts/summarize.lua --exit-when-caught-up -- /path/to/logs
local kumo = require 'kumo'

kumo.on('main', function(log_dir)
  local tailer = kumo.jsonl.new_multi_tailer {
    directory = log_dir,
    consumers = {
      {
        name = 'deliveries',
        checkpoint_name = 'summarize-deliveries',
        max_batch_size = 500,
        max_batch_latency = '200ms',
        filter = function(record)
          return record.type == 'Delivery'
        end,
      },
      {
        name = 'bounces',
        checkpoint_name = 'summarize-bounces',
        max_batch_latency = '1s',
        filter = function(record)
          return record.type == 'Bounce' or record.type == 'TransientFailure'
        end,
      },
    },
  }

  local per_path = {}
  local per_kind = {}
  for batches in tailer:batches() do
    for _, batch in ipairs(batches) do
      local name = batch:consumer_name()
      for record in batch:iter_records() do
        if name == 'deliveries' then
          local path = (record.egress_pool or '(none)') .. ' / ' .. (record.egress_source or '(none)')
          per_path[path] = (per_path[path] or 0) + 1
        else
          per_kind[record.type] = (per_kind[record.type] or 0) + 1
        end
      end
      batch:commit()
    end
  end
  tailer:close()

  local function report(title, counts)
    local keys = {}
    for k in pairs(counts) do
      keys[#keys + 1] = k
    end
    table.sort(keys)
    print(title)
    for _, k in ipairs(keys) do
      print(string.format('  %-40s %d', k, counts[k]))
    end
  end
  report('deliveries per egress pool / source:', per_path)
  report('failures per kind:', per_kind)
end)
