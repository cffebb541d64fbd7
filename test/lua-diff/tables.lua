-- table.sort (with comparator, stable-free checks), concat, unpack, insert, remove, move; length; next.
local t = { 5, 2, 8, 1, 9, 3 }
table.sort(t)
print(table.concat(t, ','))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, ' '))
local names = { 'pear', 'Apple', 'fig', 'banana' }
table.sort(names, function(a, b) return a:lower() < b:lower() end)
print(table.concat(names, ','))
print(table.concat({}), table.concat({ 1, 2, 3 }, '-', 2), table.concat({ 'a', 'b', 'c' }, '', 2, 3))
print(table.unpack({ 1, 2, 3 }), table.unpack({ 1, 2, 3 }, 2), table.unpack({ 1, 2, 3 }, 2, 3), select('#', table.unpack({}, 1, 3)))
local l = { 'a', 'b' }
table.insert(l, 'c')
table.insert(l, 1, 'z')
print(table.concat(l, ','), table.remove(l), table.remove(l, 1), table.concat(l, ','), #l)
print(table.remove({}), #{ n = 1 }, #{ 1, 2, nil, 4 } >= 2)
local m = table.move({ 1, 2, 3 }, 1, 3, 2)
print(table.concat(m, ','), table.concat(table.move({ 1, 2 }, 1, 2, 1, { 9, 9, 9 }), ','))
local keys = {}
for k in pairs({ x = 1, y = 2, z = 3, 10, 20 }) do keys[#keys + 1] = tostring(k) end
table.sort(keys)
print(table.concat(keys, ','))
for i, v in ipairs({ 'a', 'b', nil, 'd' }) do io.write(i, v, ' ') end
print()
print(next({}), type(next({ 1 })), rawequal(t, t), select('#', table.unpack({ 1, nil, 3 }, 1, 3)))
local big = {}
for i = 1, 100 do big[i] = (i * 37) % 101 end
table.sort(big)
local sorted = true
for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
print(sorted, big[1], big[100], #big)
print(pcall(table.sort, { 1, 'x', 2 }))
print(pcall(table.concat, { 1, {}, 3 }))
local records = { { n = 'b', v = 2 }, { n = 'a', v = 2 }, { n = 'c', v = 1 } }
table.sort(records, function(x, y) if x.v ~= y.v then return x.v < y.v end return x.n < y.n end)
for _, r in ipairs(records) do io.write(r.n, r.v, ' ') end
print()
