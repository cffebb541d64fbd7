-- String library: find/match/gmatch/gsub with patterns, format, byte/char, rep, reverse, sub.
local s = 'The quick brown fox jumps over the lazy dog 123 times, 4.5 ok'
print(s:find('quick'), s:find('o', 20), s:find('%d+'), s:find('.', 1, true))
print(s:match('(%a+) (%a+)'), s:match('%d+%.%d+'), s:match('()fox()'))
local words = {}
for w in s:gmatch('%a+') do words[#words + 1] = w end
print(#words, words[1], words[#words])
for k, v in ('a=1, b=2, c=3'):gmatch('(%w+)=(%w+)') do io.write(k, ':', v, ' ') end
print()
print(s:gsub('o', '0'))
print(('hello world'):gsub('(%w+)', '<%1>'))
print(('hello world'):gsub('%w+', { hello = 'HI' }))
print(('abc'):gsub('', '-'))
print(('hello'):gsub('l', function(c) return c:upper() end, 1))
print(('  trim me  '):match('^%s*(.-)%s*$') .. '|')
print(('[test]'):gsub('%[(.-)%]', '%%1=%1'))
print(('f(a(b)c)d'):match('%b()'), ('THE (quick) fox'):find('%f[%a]%a+', 5))
print(('key = value'):match('^(%w+)%s*=%s*(%w+)$'))
print(string.format('%d %5d %-5d| %05d %x %X %o', 42, 42, 42, 42, 255, 255, 8))
print(string.format('%s %10s %-10s| %.3s', 'str', 'right', 'left', 'truncate'))
print(string.format('%.2f %10.3f %e %g %g %g', 3.14159, 2.5, 12345.678, 0.0001, 1e20, 100))
print(string.format('%q', 'line\nwith "quotes" and \\ and \0 nul'))
print(string.format('%c%c%c', 76, 117, 97), string.format('%%'), string.format('%5.1f|', -0.05))
print(('abc'):byte(1, -1), string.char(72, 105), ('xyz'):rep(3, ','), ('stressed'):reverse())
print(('hello'):sub(2, 4), ('hello'):sub(-3), ('hello'):sub(0), ('hello'):sub(10), #('hello'):sub(3, 2))
print(('MiXeD'):upper(), ('MiXeD'):lower(), ('%d'):format(7), tostring(nil), tostring(true))
print(('a,b,,c'):find(',', 1, true), ('x'):len(), #'\u{48}\u{49}', '\65\066\x43\z
      D')
print(('one two  three'):gsub('%s+', ' '), ('CamelCaseString'):gsub('(%u)', ' %1'))
print(tostring(12):rep(2), 10 .. 20, 1.5 .. '', ('%s'):format(2^63), ('%s'):format(-0.0))
print(string.format('%-8sX', 'ab'), string.format('[%3d][%-3d]', 5, 5), ('x'):rep(0) == '')
print(pcall(string.rep), select('#', string.byte('')))
