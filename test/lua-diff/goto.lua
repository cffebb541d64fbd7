-- goto: continue-style loops, nested loops, backward jumps.
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  io.write(i, ' ')
  ::continue::
end
print()
local n = 0
::again::
n = n + 1
if n < 4 then goto again end
print('n', n)
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto next_i end
    io.write(i, ':', j, ' ')
  end
  ::next_i::
end
print()
do
  local k = 0
  ::top::
  k = k + 1
  if k == 3 then goto done end
  goto top
  ::done::
  print('k', k)
end
