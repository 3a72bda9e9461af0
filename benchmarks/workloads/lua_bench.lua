-- Classic interpreter benchmarks in one run: binary trees (allocation and
-- the collector), fannkuch (table work), string building and matching,
-- sorting with a Lua comparator, closures and method calls.
local function bottom_up(d)
  if d == 0 then return {} end
  d = d - 1
  return { bottom_up(d), bottom_up(d) }
end
local function check(t)
  if t[1] then return 1 + check(t[1]) + check(t[2]) end
  return 1
end
local n = 0
for d = 4, 14, 2 do
  for _ = 1, 2 ^ (14 - d) do n = n + check(bottom_up(d)) end
end

local function fannkuch(m)
  local p, q, s, sign, maxflips, sum = {}, {}, {}, 1, 0, 0
  for i = 1, m do p[i] = i; q[i] = i; s[i] = i end
  repeat
    local q1 = p[1]
    if q1 ~= 1 then
      for i = 2, m do q[i] = p[i] end
      local flips = 1
      while true do
        local qq = q[q1]
        if qq == 1 then sum = sum + sign * flips; if flips > maxflips then maxflips = flips end; break end
        q[q1] = q1
        if q1 >= 4 then local i, j = 2, q1 - 1; repeat q[i], q[j] = q[j], q[i]; i = i + 1; j = j - 1; until i >= j end
        q1 = qq; flips = flips + 1
      end
    end
    if sign == 1 then p[2], p[1] = p[1], p[2]; sign = -1
    else p[2], p[3] = p[3], p[2]; sign = 1
      for i = 3, m do
        local sx = s[i]
        if sx ~= 1 then s[i] = sx - 1; break end
        if i == m then return sum, maxflips end
        s[i] = i
        local t = p[1]; for j = 1, i do p[j] = p[j + 1] end; p[i + 1] = t
      end
    end
  until false
end
fannkuch(9)

local parts = {}
for i = 1, 200000 do parts[#parts + 1] = string.format("%d:%s", i, tostring(i * 7)) end
local text = table.concat(parts, ",")
local count = 0
for a, b in text:gmatch("(%d+):(%d+)") do if tonumber(b) % 3 == 0 then count = count + 1 end end

local words = {}
for i = 1, 100000 do words[i] = { key = (i * 7919) % 100003, name = "w" .. i } end
table.sort(words, function(x, y) return x.key < y.key end)

local Account = {}
Account.__index = Account
function Account.new(b) return setmetatable({ balance = b }, Account) end
function Account:deposit(v) self.balance = self.balance + v end
function Account:get() return self.balance end
local acc = Account.new(0)
for i = 1, 1000000 do acc:deposit(i % 10) end
print(n, count, words[1].key, acc:get())
