-- Drives the Kumo Policy language server from Neovim 0.7 (headless) as a second real LSP client.
-- Run from the repository root:  nvim --headless -i NONE -n -u NONE -c "luafile test/nvim/lsp-test.lua"
-- Prints one line per check and exits non-zero when a check fails.
local root = vim.fn.getcwd()
local server = root .. '/dist/server.js'
local fixture = root .. '/test/fixtures/nvim/init.lua'
local passed, failed = 0, 0

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    io.stdout:write('ok   ' .. name .. '\n')
  else
    failed = failed + 1
    io.stdout:write('FAIL ' .. name .. (detail and (': ' .. detail) or '') .. '\n')
  end
end

vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
local bufnr = vim.api.nvim_get_current_buf()
vim.bo[bufnr].filetype = 'lua'

local client_id = vim.lsp.start_client({
  name = 'kumo-policy',
  cmd = { 'node', server, '--stdio' },
  root_dir = root .. '/test/fixtures/nvim',
  init_options = { targetVersion = nil },
})
check('server starts', client_id ~= nil)
vim.lsp.buf_attach_client(bufnr, client_id)

local function diagnostic_codes()
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if code then table.insert(codes, code) end
  end
  table.sort(codes)
  return codes
end

local got = vim.wait(10000, function() return #diagnostic_codes() >= 2 end, 50)
local codes = table.concat(diagnostic_codes(), ',')
check('diagnostics published', got, codes)
check('unknown config key reported', codes:find('unknown%-config%-key') ~= nil, codes)
check('invalid duration reported', codes:find('invalid%-value') ~= nil, codes)

local client = vim.lsp.get_client_by_id(client_id)
local function find(pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(pattern, 1, true)
    if col then return i - 1, col - 1 end
  end
end

local line, col = find('kumo.dns.')
local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = col + #'kumo.dns.' } }
local resp = client.request_sync('textDocument/completion', params, 5000, bufnr)
local labels = {}
local items = resp and resp.result and (resp.result.items or resp.result) or {}
for _, item in ipairs(items) do labels[item.label] = true end
check('completion offers kumo.dns members', labels['lookup_mx'] == true, tostring(#items) .. ' items')

line, col = find("'20 minutes'")
params.position = { line = line, character = col + 2 }
local hover = client.request_sync('textDocument/hover', params, 5000, bufnr)
local value = hover and hover.result and hover.result.contents and hover.result.contents.value or ''
check('hover normalizes a duration', value:find('1200 s', 1, true) ~= nil, value)

io.stdout:write(string.format('%d passed, %d failed\n', passed, failed))
vim.lsp.stop_client(client_id, true)
if failed > 0 then vim.cmd('cquit 1') else vim.cmd('qall!') end
