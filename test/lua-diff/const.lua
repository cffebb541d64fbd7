-- Lua 5.4 <const> locals.
local LIMIT <const> = 10
local NAME <const>, other = 'kumo', 5
local total = 0
for i = 1, LIMIT do total = total + i end
print(LIMIT, NAME, other, total)
other = 6
print(other)
local f = load('local x <const> = 1; x = 2')
print(f)
print(select(2, load('local x <const> = 1; x = 2')))
local function uses() return LIMIT * 2 end
print(uses())
