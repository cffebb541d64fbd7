-- Metatables: arithmetic, comparison, concat, index/newindex chains, __len, __tostring, __eq, rawget/rawset.
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({ x = x, y = y }, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, k) return vec(a.x * k, a.y * k) end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__tostring = function(a) return '(' .. a.x .. ',' .. a.y .. ')' end
V.__concat = function(a, b) return tostring(a) .. '|' .. tostring(b) end
V.__len = function(a) return a.x + a.y end
V.__idiv = function(a, k) return vec(a.x // k, a.y // k) end
V.__mod = function(a, k) return vec(a.x % k, a.y % k) end
V.__band = function(a, b) return vec(a.x & b.x, a.y & b.y) end
function V:norm1() return math.abs(self.x) + math.abs(self.y) end

local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(a - b), tostring(a * 3), tostring(-a))
print(a == vec(1, 2), a ~= b, a < b, a <= b, a > b)
print(a .. b, #b, tostring(b // 2), tostring(b % 2), tostring(vec(6, 5) & vec(3, 4)))
print(a:norm1(), (a - b):norm1())

local defaults = { color = 'red', size = 1 }
local obj = setmetatable({ size = 5 }, { __index = defaults })
print(obj.color, obj.size, rawget(obj, 'color'))

local log = {}
local proxy = setmetatable({}, {
  __index = function(_, k) return 'missing ' .. k end,
  __newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end,
})
proxy.a = 1
proxy.a = 2
print(proxy.a, proxy.b, table.concat(log, ','))

local ro = setmetatable({}, { __metatable = 'locked' })
print(getmetatable(ro), pcall(setmetatable, ro, {}))
print(getmetatable('abc').__index == string, ('x'):rep(3))

-- __index chains through several levels
local A = { hello = function() return 'A' end }
local B = setmetatable({}, { __index = A })
local C = setmetatable({}, { __index = B })
print(C.hello(), rawequal(C, C), rawlen({ 1, 2, 3 }))
