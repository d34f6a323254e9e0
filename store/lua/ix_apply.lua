-- Bring the course's counters and name index up to date with one
-- participant's state. KEYS: 1 states (hash, id -> the state last
-- applied), 2 counters (hash), 3 name index (sorted set); all share the
-- {ix} tag. ARGV: 1 participant id, 2 the state's version (the
-- profile's kv), 3.. the state's tokens: "w:<word>" is a word of the
-- name; "=<n> <counter>" adds n to a counter; any other token adds 1 to
-- the counter of that name.
-- Only a state at least as new as the one applied is applied, as the
-- difference between the two: repeating a call, or a late call with an
-- older state, changes nothing. That is what lets a repair pass re-apply
-- every participant while the bot runs. A state of the same version may
-- bring other tokens when a new release counts more (e.g. platforms):
-- the repair pass then adds them. Returns 1 when applied, else 0.
local prev = redis.call('HGET', KEYS[1], ARGV[1])
local old = {}
if prev then
  local first = true
  for t in string.gmatch(prev, '[^\n]+') do
    if first then
      if tonumber(t) > tonumber(ARGV[2]) then
        return 0
      end
      first = false
    else
      old[#old + 1] = t
    end
  end
end
local delta, words = {}, {}
local function add(t, sign)
  if string.sub(t, 1, 2) == 'w:' then
    local w = string.sub(t, 3)
    words[w] = (words[w] or 0) + sign
    return
  end
  local n, f = string.match(t, '^=(%-?%d+) (.+)$')
  if not n then
    n, f = 1, t
  end
  delta[f] = (delta[f] or 0) + sign * tonumber(n)
end
for _, t in ipairs(old) do
  add(t, -1)
end
for i = 3, #ARGV do
  add(ARGV[i], 1)
end
for f, d in pairs(delta) do
  if d ~= 0 and redis.call('HINCRBY', KEYS[2], f, d) == 0 then
    redis.call('HDEL', KEYS[2], f)
  end
end
for w, d in pairs(words) do
  if d > 0 then
    redis.call('ZADD', KEYS[3], 0, w .. ' ' .. ARGV[1])
  elseif d < 0 then
    redis.call('ZREM', KEYS[3], w .. ' ' .. ARGV[1])
  end
end
redis.call('HSET', KEYS[1], ARGV[1], table.concat({unpack(ARGV, 2)}, '\n'))
return 1
