-- Keep a support question for coordinators. KEYS: 1 sequence, 2 questions
-- hash, 3 open set (same slot). ARGV: 1 question as JSON, 2 instant (ms).
-- Returns the new question id.
local id = 's' .. redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], id)
return id
