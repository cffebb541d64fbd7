-- utf8 library.
local s = 'héllo wörld ✓ 😀'
print(#s, utf8.len(s), utf8.char(72, 233, 10003, 128512))
for p, c in utf8.codes('aé✓') do io.write(p, ':', c, ' ') end
print()
print(utf8.codepoint(s, 1, 3), utf8.offset(s, 3), utf8.offset(s, -1))
print(utf8.len('\xff'), utf8.charpattern)
local n = 0
for ch in s:gmatch(utf8.charpattern) do n = n + 1 end
print(n, utf8.len(s, 3), utf8.len(s, -4))
print(pcall(utf8.codepoint, '\xff'))
