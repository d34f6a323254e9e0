-- Grade (or regrade) the essay: the new grade goes last in the history
-- and becomes the essay total. KEYS: 1 profile hash, 2 grades list.
-- ARGV: 1 grade as JSON, 2 total. Returns {0} when the participant does
-- not exist, else {1, w, e, x, xs, profile}: profile as HGETALL gives
-- it, for the course's index. xg marks the essay graded (a grade may be
-- 0); kv counts the changes.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0}
end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'x', ARGV[2], 'xg', 1)
redis.call('HINCRBY', KEYS[1], 'kv', 1)
local t = redis.call('HMGET', KEYS[1], 'w', 'e', 'x', 'xs')
return {1, t[1], t[2], t[3], t[4], redis.call('HGETALL', KEYS[1])}
