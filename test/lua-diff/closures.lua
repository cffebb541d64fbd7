-- Closures, upvalues shared between closures, recursion, varargs.
local function counter()
  local n = 0
  return function() n = n + 1 return n end, function() return n end
end
local inc, get = counter()
inc() inc()
print('counter', get(), inc(), get())

local fns = {}
for i = 1, 3 do fns[i] = function() return i * 10 end end
print('loop captures', fns[1](), fns[2](), fns[3]())

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print('fib', fib(20))

local function va(...)
  local a, b = ...
  return select('#', ...), a, b, select(2, ...)
end
print('varargs', va(1, nil, 3))
print('select -1', select(-1, 'a', 'b', 'c'))
local packed = table.pack(1, nil, 3)
print('pack', packed.n, packed[1], packed[2], packed[3])

local function curry(f) return function(a) return function(b) return f(a, b) end end end
print('curry', curry(function(a, b) return a .. b end)('x')('y'))

local t = setmetatable({}, { __call = function(self, x) return 'called with ' .. tostring(x) end })
print(t(5))
