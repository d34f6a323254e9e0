-- Keep a support question for coordinators. KEYS: 1 sequence, 2 questions
-- hash, 3 open set, 4 update -> question hash (same slot). ARGV: 1
-- question as JSON, 2 instant (ms), 3 the update that asked it ("" if
-- none). Returns the new question id, or the one the same update
-- already stored (it was delivered again after a crash).
if ARGV[3] ~= '' then
  local prior = redis.call('HGET', KEYS[4], ARGV[3])
  if prior then
    return prior
  end
end
local id = 's' .. redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], id)
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[3], id)
end
return id
