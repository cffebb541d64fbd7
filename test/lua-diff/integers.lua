-- Integers past 32 bits: exact over the safe-integer range of doubles (|n| <= 2^53 - 1).
local function show(label, v)
  print(label, math.type(v), v)
end

-- a tailer-style sum past 2^31
local sum = 0
for i = 1, 5000 do sum = sum + 1000000 end
show('sum', sum)
local total = 0
for _, size in ipairs({ 2147483647, 1, 2147483647, 4000000000 }) do total = total + size end
show('total', total)

-- os.time() * 1000 style products
local t = 1700000000
show('ms', t * 1000)
show('us', t * 1000000)
show('ms+', t * 1000 + 999)
show('neg', -t * 1000)
show('2^31', 2147483647 + 1)
show('-2^31-1', -2147483648 - 1)
show('mul32', 65536 * 65536)
show('mul40', 1048576 * 1048576)
show('unm', -(2147483648 * 4))

-- floor division and modulo, large and negative operands
local big = 1700000000123
for _, d in ipairs({ 1000, -1000, 7, -7, 86400000, 3 }) do
  print('//%', d, big // d, big % d, -big // d, -big % d)
end
print('idiv', (2 ^ 40) // 1, math.type((2 ^ 40) // 1))
print('idiv int', (1 << 40) // 3, (1 << 40) % 3, (-(1 << 40)) // 3, (-(1 << 40)) % 3)
print('mod0', pcall(function() local z = 0; return big % z end))
print('idiv0', pcall(function() local z = 0; return big // z end))
print('fdiv', big / 1000, math.type(big / 1000))

-- integer / float distinction
show('tointeger', math.tointeger(2 ^ 40))
show('tointeger2', math.tointeger(2 ^ 52 + 1))
show('floor', math.floor(2 ^ 45 + 0.5))
show('ceil', math.ceil(-(2 ^ 45) - 0.5))
show('float', 2 ^ 40)
show('float+int', 2 ^ 40 + 1)
show('abs', math.abs(-(1 << 40)))
show('fmod', math.fmod(big, 1000), math.fmod(-big, 1000))
show('max', math.max(1 << 40, 1 << 41))
print('ult', math.ult(1 << 40, 1 << 41), math.ult(-1, 1 << 41))

-- formatting
print(string.format('%d', 2 ^ 40 // 1))
print(string.format('%d %5d %-14d| %+d', 1 << 40, 1 << 33, -(1 << 35), 1 << 50))
print(string.format('%x %X %o', 1 << 40, (1 << 44) - 1, 1 << 36))
print(string.format('%.3f %g', 1 << 45, 1 << 45))
print(string.format('%q', 1 << 50))
print(tostring(1 << 52), tostring(-(1 << 52)), 1700000000000 .. '')
print(tostring(1 << 62), tostring(1 << 63), tostring(-1 >> 1 == (1 << 63) - 1))

-- bitwise operators and shifts above 32 bits
print('shl', 1 << 31, 1 << 32, 1 << 40, 1 << 52, 3 << 50, 1 << 64, 1 << -1)
print('shr', (1 << 40) >> 8, (1 << 52) >> 52, 1 >> 1, (1 << 40) >> -2, -1 >> 60, -1 >> 63)
print('band', (1 << 40 | 0xff) & 0xf0, ((1 << 40) + 5) & ((1 << 40) + 3), 0xffffffffff & -1)
print('bor', (1 << 40) | (1 << 33) | 1, -(1 << 40) | 1)
print('bxor', (1 << 40) ~ ((1 << 40) + 1), ~(1 << 40), ~0, ~(-(1 << 40)))
print('bits', 0x12345678 & 0xff00ff, 0x7fffffff | 0x80000000, 0xffffffff ~ 0xf0f0f0f0)
print('fbits', 2.0 ^ 40 | 0, (2 ^ 33) & (2 ^ 33 + 2 ^ 32))

-- hex literals
print('hex', 0x100000000, 0xffffffff, 0x7fffffffffff, 0x10000000000000, 0xfffffffffffff)
print('hex type', math.type(0x100000000), math.type(0xfffffffffffff))
print('tonumber', tonumber('0x100000000'), tonumber('1099511627776'), tonumber('  -4503599627370496  '))
print('tonumber base', tonumber('ffffffffff', 16), tonumber('-zzzzzzzz', 36), tonumber('1' .. string.rep('0', 40), 2))

-- for loops crossing 2^31
local n, last = 0, 0
for i = 2147483640, 2147483660 do n = n + 1; last = i end
print('for', n, last, math.type(last))
n = 0
for i = 2147483660, 2147483640, -5 do n = n + 1; last = i end
print('for down', n, last)
n = 0
for i = (1 << 40), (1 << 40) + 10 * 1000000, 1000000 do n = n + 1; last = i end
print('for step', n, last)
n = 0
for i = -(1 << 33), -(1 << 33) + 3 do n = n + 1 end
print('for neg', n)

-- integer keys above 2^31
local tbl = {}
tbl[1 << 40] = 'a'
tbl[2 ^ 40] = 'b'
tbl[4294967296] = 'c'
tbl[2147483648] = 'd'
local keys = {}
for k, v in pairs(tbl) do keys[#keys + 1] = string.format('%s=%s:%s', k, v, math.type(k)) end
table.sort(keys)
print('keys', table.concat(keys, ' '))
print('get', tbl[1099511627776], tbl[1099511627776.0], tbl[4294967296.0], rawget(tbl, 2147483648))

-- comparisons of large integers with floats
local a = 1 << 40
print('cmp', a == 2 ^ 40, a < 2 ^ 40 + 0.5, a > 2 ^ 40 - 0.5, a <= 2 ^ 40, (1 << 52) + 1 > 2 ^ 52, 2147483648 > 2147483647.5)
print('eq', 4294967296 == 4294967296.0, math.type(4294967296), 1099511627776 // 1 == 2 ^ 40)

-- string.pack / unpack of 64-bit integers
local packed = string.pack('<i8', 1 << 40)
print('pack', #packed, string.unpack('<i8', packed), string.unpack('<j', string.pack('<j', -(1 << 45))))
print('pack4', string.unpack('<i4', string.pack('<i4', -2)), string.unpack('<I4', string.pack('<I4', 4000000000)))
print('pack6', string.unpack('>i6', string.pack('>i6', -(1 << 40))), pcall(string.pack, 'i4', 1 << 31))

-- table functions and utf8 with large integers
print('unpack', table.unpack({ 1 << 40, 1 << 41 }))
print('select', select('#', table.unpack({}, 1 << 33, (1 << 33) + 2)))
print('utf8', utf8.char(0x10ffff):byte(1, -1))
print('rep', ('x'):rep(3, ''), ('abc'):sub(-(1 << 40), 1 << 40))
