-- Lua 5.4 to-be-closed variables: order, return values, break, errors, nesting.
local function res(name)
  return setmetatable({ name = name }, { __close = function(self, err)
    print('close', self.name, err ~= nil and 'with error' or 'clean')
  end })
end
do
  local a <close> = res('a')
  local b <close> = res('b')
  do
    local c <close> = res('c')
    print('inner')
  end
  print('outer')
end
local function early(x)
  local r <close> = res('early')
  if x then return 'yes', x end
  return 'no'
end
print(early(1))
print(early(false))
for i = 1, 3 do
  local r <close> = res('loop' .. i)
  if i == 2 then break end
end
local ok, err = pcall(function()
  local r <close> = res('failing')
  error('bad thing', 0)
end)
print(ok, err)
local t = {}
local function counter()
  local r <close> = res('counter')
  for i = 1, 3 do t[#t + 1] = i end
  return #t
end
print(counter(), #t)
do
  local nothing <close> = nil
  local nope <close> = false
  print('nil and false are fine')
end
print(pcall(function() local bad <close> = 42 end))
